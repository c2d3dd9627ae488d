"""What coordinators see of participants' answers: the totals on each session, and who said what.

Participants give their answers and needs on their programme page; here they are read, not edited. The
coordinators' notes on what a delegation member needs are edited here, on the member admin and the
delegation's member inline that visits.admin registers, extended. The Session
admin that visits.admin registers is extended with the session's totals, and the programme page that
scheduling.admin registers with each session's totals and its experts' answers (visits and scheduling know
nothing of participation, so the extensions live here; this app comes after visits in INSTALLED_APPS, and
imports scheduling.admin itself so that the programme admin is registered before it is replaced).
"""

from dataclasses import dataclass
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from participation.forms import MemberNeedsForm
from participation.models import ParticipantAnswer, ParticipantNeeds
from participation.selectors import member_notes
from participation.services import member_needs_set, members_needs_set
from participation.totals import session_totals
from scheduling.admin.programme import ProgrammeAdmin
from scheduling.models import Programme
from visits.access import actor_of
from visits.admin import DelegationAdmin, DelegationMemberAdmin, DomainAdmin
from visits.admin.base import ReadOnlyMixin
from visits.admin.people import DelegationMemberInline
from visits.admin.programme import CoordinatedOnly, SessionAdmin
from visits.fields import language_name
from visits.models import Delegation, DelegationMember, Session, SessionExpert, Visit
from visits.timefmt import format_span


@admin.register(ParticipantNeeds)
class ParticipantNeedsAdmin(ReadOnlyMixin, CoordinatedOnly, DomainAdmin):
    visit_path = "visit__"

    list_display = ["person", "visit", "diet", "wheelchair", "interpreting", "has_notes", "updated_at"]
    list_filter = ["wheelchair", ("visit", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["person", "visit"]
    search_fields = ["person__name", "person__email", "visit__title"]
    fields = [
        "person",
        "visit",
        "diet",
        "dietary_note",
        "wheelchair",
        "accessibility_note",
        "interpreting",
        "interpreting_note",
        "updated_at",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ParticipantNeeds]:
        # The participants' own; the coordinators' notes on a membership are edited with the member.
        return super().get_queryset(request).filter(member__isnull=True)

    @admin.display(description=_("diet"))
    def diet(self, needs: ParticipantNeeds) -> str:
        return ", ".join(needs.diets) or "–"

    @admin.display(description=_("interpreting into"), ordering="interpreting_language")
    def interpreting(self, needs: ParticipantNeeds) -> str:
        return language_name(needs.interpreting_language) if needs.interpreting_language else "–"

    @admin.display(description=_("notes"), boolean=True)
    def has_notes(self, needs: ParticipantNeeds) -> bool:
        return bool(needs.dietary_note or needs.accessibility_note or needs.interpreting_note)


@admin.register(ParticipantAnswer)
class ParticipantAnswerAdmin(ReadOnlyMixin, CoordinatedOnly, DomainAdmin):
    visit_path = "session__visit__"

    list_display = ["person", "session", "answer", "answered_at"]
    list_filter = ["answer", ("session__visit", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["person", "session"]
    search_fields = ["person__name", "person__email", "session__title"]


# A member's needs, as the coordinators note them


class MemberAdminForm(MemberNeedsForm):
    class Meta:
        model = DelegationMember
        fields = "__all__"


admin.site.unregister(DelegationMember)


@admin.register(DelegationMember)
class MemberWithNeedsAdmin(DelegationMemberAdmin):
    """The member admin of visits.admin, with the coordinators' notes on what the member needs."""

    form = MemberAdminForm
    list_display = [*DelegationMemberAdmin.list_display, "dietary_needs", "accessibility_needs"]
    list_select_related = [*DelegationMemberAdmin.list_select_related, "needs"]

    def save_model(self, request: HttpRequest, obj: DelegationMember, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        member_needs_set(member=obj, notes=form.needs_data(), actor=actor_of(request))

    @admin.display(description=_("dietary needs"))
    def dietary_needs(self, member: DelegationMember) -> str:
        return member_notes(member).dietary_needs

    @admin.display(description=_("accessibility needs"))
    def accessibility_needs(self, member: DelegationMember) -> str:
        return member_notes(member).accessibility_needs


class MemberWithNeedsInline(DelegationMemberInline):
    form = MemberAdminForm


admin.site.unregister(Delegation)


@admin.register(Delegation)
class DelegationWithNeedsAdmin(DelegationAdmin):
    """The delegation admin of visits.admin, whose member rows have the coordinators' notes on needs."""

    inlines = [MemberWithNeedsInline]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        if formset.model is not DelegationMember:
            return
        notes = {
            row.instance.pk: row.needs_data()
            for row in formset.forms
            if row.instance.pk is not None and row not in formset.deleted_forms and row.has_changed()
        }
        members_needs_set(notes=notes, actor=actor_of(request))


admin.site.unregister(Session)


@admin.register(Session)
class SessionWithAnswersAdmin(SessionAdmin):
    """The Session admin of visits.admin, with the participants' totals beside the audience."""

    readonly_fields = [*SessionAdmin.readonly_fields, "participants_answers"]

    def get_fieldsets(self, request: HttpRequest, obj: Session | None = None) -> Any:
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is None:
            return fieldsets
        return [*fieldsets, (_("Participants' answers"), {"fields": ["participants_answers"]})]

    @admin.display(description=_("totals"))
    def participants_answers(self, session: Session) -> str:
        totals = session_totals(session.visit, [session]).get(session.pk)
        if totals is None:
            return "–"
        needs_url = (
            reverse("admin:participation_participantneeds_changelist")
            + f"?visit__id__exact={session.visit_id}"
        )
        return format_html(
            '{}<br><a href="{}">{}</a>',
            totals.summary,
            needs_url,
            gettext("Each participant's needs and notes"),
        )


# The programme page, with the participants' answers to each session


@dataclass(frozen=True)
class AnswersRow:
    session: str
    url: str  # the session's admin page, or "" when the user may not see it
    when: str
    totals: str
    experts: str = ""  # each expert with their answer so far: "Eva Lind: Confirmed; Per Ek: Invited"


def answers_rows(visit: Visit, *, link_sessions: bool) -> list[AnswersRow]:
    """Each live session with its participants' totals, in the request's language. Five queries at most."""
    sessions = list(
        Session.objects.filter(visit_id=visit.pk).active().select_related("venue").order_by("starts_at", "id")
    )
    for session in sessions:
        session.visit = visit  # for its zone, without a query each
    totals = session_totals(visit, sessions)
    experts: dict[int, list[str]] = {}
    for row in (
        SessionExpert.objects.filter(session__in=sessions).select_related("person").order_by("person__name")
    ):
        experts.setdefault(row.session_id, []).append(f"{row.person.name}: {row.get_response_display()}")
    return [
        AnswersRow(
            session=session.title,
            url=reverse("admin:visits_session_change", args=[session.pk]) if link_sessions else "",
            when=format_span(session.starts_at, session.ends_at, session.zone),
            totals=totals[session.pk].summary,
            experts="; ".join(experts.get(session.pk, [])),
        )
        for session in sessions
    ]


admin.site.unregister(Programme)


@admin.register(Programme)
class ProgrammeWithAnswersAdmin(ProgrammeAdmin):
    """The programme page of scheduling.admin, with each session's totals and its experts' answers."""

    programme_template = "admin/participation/programme.html"

    def programme_context(self, request: HttpRequest, visit: Visit) -> dict[str, Any]:
        return {
            **super().programme_context(request, visit),
            "answers": answers_rows(visit, link_sessions=request.user.has_perm("visits.view_session")),
        }
