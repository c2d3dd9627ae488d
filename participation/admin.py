"""What coordinators see of participants' answers: the totals on each session, and who said what.

Participants give their answers and needs on their programme page; here they are read, not edited. The Session
admin that visits.admin registers is extended with the session's totals (visits knows nothing of
participation, so the extension lives here; this app comes after visits in INSTALLED_APPS).
"""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from participation.models import Attendance, ParticipantNeeds
from participation.totals import session_totals
from visits.admin import DomainAdmin
from visits.admin.programme import CoordinatedOnly, SessionAdmin
from visits.fields import language_name
from visits.models import Session


class ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ParticipantNeeds)
class ParticipantNeedsAdmin(ReadOnly, CoordinatedOnly, DomainAdmin):
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
        return self.coordinated(request, super().get_queryset(request))

    @admin.display(description=_("diet"))
    def diet(self, needs: ParticipantNeeds) -> str:
        return ", ".join(needs.diets) or "–"

    @admin.display(description=_("interpreting into"), ordering="interpreting_language")
    def interpreting(self, needs: ParticipantNeeds) -> str:
        return language_name(needs.interpreting_language) if needs.interpreting_language else "–"

    @admin.display(description=_("notes"), boolean=True)
    def has_notes(self, needs: ParticipantNeeds) -> bool:
        return bool(needs.dietary_note or needs.accessibility_note or needs.interpreting_note)


@admin.register(Attendance)
class AttendanceAdmin(ReadOnly, CoordinatedOnly, DomainAdmin):
    visit_path = "session__visit__"

    list_display = ["person", "session", "answer", "answered_at"]
    list_filter = ["answer", ("session__visit", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["person", "session"]
    search_fields = ["person__name", "person__email", "session__title"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Attendance]:
        return self.coordinated(request, super().get_queryset(request))


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
