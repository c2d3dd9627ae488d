"""Experts' answers as the coordinators see them: every answer, with the times proposed, read-only.

An answer given by phone is recorded by changing the expert's answer on the session (or the expert's row);
visits.admin sends visits.signals.expert_row_edited, which responses.services.record_from_admin receives.
"""

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from responses.models import ExpertAnswer, ProposedTime
from visits.admin.base import ReadOnlyMixin, session_when
from visits.admin.programme import CoordinatedOnly


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
        "response",
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

    @admin.display(description=_("expert"), ordering="expert__person__name")
    def expert_name(self, answer: ExpertAnswer) -> str:
        return answer.expert.person.name

    @admin.display(description=_("session"), ordering="expert__session__title")
    def session(self, answer: ExpertAnswer) -> str:
        return answer.expert.session.title

    @admin.display(description=_("when"), ordering="expert__session__starts_at")
    def session_time(self, answer: ExpertAnswer) -> str:
        return session_when(answer.expert.session)
