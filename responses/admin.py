"""Experts' answers as the coordinators see them: every answer, with the times proposed, read-only; and the
admin's pages where a coordinator changes an expert's answer (on the session, or on the expert's row).

Those pages are visits.admin's, registered again here so that the answer they save moves through
responses.answers.answer_move (an answer given by phone is recorded as such) rather than being written on the
row. They offer only the answers the current one may move to (EXPERT_ANSWER_TRANSITIONS).
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import ModelAdmin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from responses.answers import AnswerRefused
from responses.models import CalendarReply, Door, ExpertAnswer, ProposedTime
from responses.services import answer_from_admin
from visits.access import visible_visits
from visits.admin.base import ReadOnlyMixin, session_when
from visits.admin.programme import CoordinatedOnly, SessionExpertAdmin, SessionExpertInline
from visits.models import EXPERT_ANSWER_TRANSITIONS, Session, SessionExpert


class ProposedTimeInline(admin.TabularInline):
    model = ProposedTime
    extra = 0
    can_delete = False
    fields = ["starts_at", "ends_at"]
    readonly_fields = ["starts_at", "ends_at"]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ExpertAnswer)
class ExpertAnswerAdmin(ReadOnlyMixin, CoordinatedOnly, admin.ModelAdmin):
    # Read only: answers come from the expert's link, or from changing the answer on the session.
    visit_path = "expert__session__visit__"

    list_display = [
        "expert_name",
        "session",
        "session_time",
        "answer_given",
        "channel",
        "created_at",
        "recorded_by",
    ]
    list_filter = ["response", "channel", ("expert__session__visit", admin.RelatedOnlyFieldListFilter)]
    list_select_related = [
        "expert__person",
        "expert__session__visit",
        "expert__session__venue",
        "recorded_by",
    ]
    search_fields = ["expert__person__name", "expert__person__email", "expert__session__title", "note"]
    readonly_fields = [
        "expert",
        "response",
        "note",
        "channel",
        "recorded_by",
        "sequence",
        "colleague",
        "created_at",
        "told_at",
    ]
    inlines = [ProposedTimeInline]
    date_hierarchy = "created_at"

    def get_queryset(self, request: HttpRequest) -> QuerySet[ExpertAnswer]:
        # The expert's answers, and a calendar's TENTATIVE (responses.calendar_replies): no answer of its
        # own, but the coordinators should see it beside them.
        answers = ExpertAnswer.history.filter(Q(is_answer=True) | Q(channel=Door.CALENDAR))
        return self.coordinated(request, answers)

    @admin.display(description=_("answer"), ordering="response")
    def answer_given(self, answer: ExpertAnswer) -> str:
        if answer.channel == Door.CALENDAR and answer.response == SessionExpert.Response.INVITED:
            return str(_("Tentative"))
        return answer.get_response_display()

    @admin.display(description=_("expert"), ordering="expert__person__name")
    def expert_name(self, answer: ExpertAnswer) -> str:
        return answer.expert.person.name

    @admin.display(description=_("session"), ordering="expert__session__title")
    def session(self, answer: ExpertAnswer) -> str:
        return answer.expert.session.title

    @admin.display(description=_("when"), ordering="expert__session__starts_at")
    def session_time(self, answer: ExpertAnswer) -> str:
        return session_when(answer.expert.session)


@admin.register(CalendarReply)
class CalendarReplyAdmin(ReadOnlyMixin, CoordinatedOnly, admin.ModelAdmin):
    """The replies from experts' and interpreters' calendar programs (responses.calendar_replies,
    responses.interpreter_replies) and what became of each: an answer, or why not (stale, not from the person
    invited, ...). Read only."""

    list_display = [
        "received_at",
        "expert",
        "interpreter",
        "method",
        "partstat",
        "attendee",
        "sequence",
        "outcome",
    ]
    list_filter = ["outcome", "method", "partstat"]
    list_select_related = ["expert__person", "expert__session", "interpreter__person", "interpreter__session"]
    search_fields = ["attendee", "uid", "comment"]
    readonly_fields = [
        "received_at",
        "expert",
        "expert_row",
        "interpreter",
        "interpreter_row",
        "method",
        "uid",
        "attendee",
        "partstat",
        "sequence",
        "dtstamp",
        "comment",
        "outcome",
        "answer",
        "interpreter_answer",
    ]
    date_hierarchy = "received_at"

    def coordinated(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        # An expert's reply or an interpreter's: the visit is reached through either row.
        return queryset.filter(
            visible_visits(request.user, "expert__session__visit__pk")
            | visible_visits(request.user, "interpreter__session__visit__pk")
        )


# The admin's pages that change an expert's answer


class AnswerTransitionForm(forms.ModelForm):
    """Offers only the answers the current one may move to, so a wrong move is a form error, not a 500."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields.get("response")
        if isinstance(field, forms.ChoiceField):
            current = self.instance.response
            allowed = {current, *EXPERT_ANSWER_TRANSITIONS[current]}
            field.choices = [
                (value, label) for value, label in SessionExpert.Response.choices if value in allowed
            ]


def hold_answer(form: forms.ModelForm) -> str:
    """The answer chosen on the form; the row keeps its stored one while the form saves it."""
    chosen: str = form.instance.response
    stored = form.initial.get("response") if form.instance.pk else None
    form.instance.response = stored or SessionExpert.Response.NOT_ASKED
    return chosen


def move_answer(request: HttpRequest, expert: SessionExpert, to: str) -> None:
    if to == expert.response:
        return
    try:
        answer_from_admin(expert=expert, to=to, actor=request.user)
    except AnswerRefused as refused:
        messages.error(request, "; ".join(refused.messages))


class SessionExpertAnswerInline(SessionExpertInline):
    form = AnswerTransitionForm
    readonly_fields = ["responded_at"]


class ExpertAnswersOnSession(ModelAdmin):
    """Added to the Session admin that is registered (visits', as extended by participation)."""

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not SessionExpert:
            super().save_formset(request, form, formset, change)
            return
        deleted = set(formset.deleted_forms)
        chosen = {f: hold_answer(f) for f in formset.forms if f.has_changed() and f not in deleted}
        super().save_formset(request, form, formset, change)
        for inline_form, to in chosen.items():
            if inline_form.instance.pk:
                move_answer(request, inline_form.instance, to)


def _with_expert_answers(registered: type[ModelAdmin]) -> type[ModelAdmin]:
    inlines = [SessionExpertAnswerInline if i is SessionExpertInline else i for i in registered.inlines]
    return type(
        registered.__name__,
        (ExpertAnswersOnSession, registered),
        {"inlines": inlines, "__module__": __name__, "__doc__": registered.__doc__},
    )


_session_admin = type(admin.site.get_model_admin(Session))
admin.site.unregister(Session)
admin.site.register(Session, _with_expert_answers(_session_admin))


admin.site.unregister(SessionExpert)


@admin.register(SessionExpert)
class SessionExpertAnswerAdmin(SessionExpertAdmin):
    form = AnswerTransitionForm
    readonly_fields = ["responded_at"]

    def save_model(self, request: HttpRequest, obj: SessionExpert, form: Any, change: bool) -> None:
        to = hold_answer(form)
        super().save_model(request, obj, form, change)
        move_answer(request, obj, to)
