"""The admin for scheduling: availability and travel times to edit, published versions to read, and a page
per programme to see its conflicts, acknowledge warnings, preview what publishing would change, and publish.

A published version, its changes and the people each change concerns are a record of what was sent: the admin
shows them and offers no way to add, change or delete them.
"""

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import dateformat, translation
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from scheduling.checks import CannotAcknowledge, ConflictReport, conflict_acknowledge, visit_conflict_report
from scheduling.conflicts import Conflict
from scheduling.models import (
    AvailabilityException,
    ChangeKind,
    ChangeRecipient,
    CityTravelTime,
    ConflictAcknowledgement,
    ExpertHours,
    Programme,
    ProgrammeChange,
    ProgrammeVersion,
    TravelTime,
)
from scheduling.publishing import (
    ChangeSpec,
    PublishBlocked,
    Recipient,
    SessionSnapshot,
    compute_changes,
    programme_publish,
    programme_snapshot,
    versions_for_visit,
)
from visits.admin import DomainAdmin, format_in_zone, format_span_in_zone
from visits.models import Person, Venue, Visit

# Availability, travel times and acknowledged warnings


@admin.register(ExpertHours)
class ExpertHoursAdmin(DomainAdmin):
    list_display = ["person", "weekday", "starts", "ends"]
    list_filter = ["weekday"]
    list_select_related = ["person"]
    search_fields = ["person__name", "person__email"]
    autocomplete_fields = ["person"]


@admin.register(AvailabilityException)
class AvailabilityExceptionAdmin(DomainAdmin):
    list_display = ["__str__", "kind", "starts_on", "ends_on", "starts", "ends", "note"]
    list_filter = ["kind"]
    list_select_related = ["person", "venue"]
    search_fields = ["person__name", "venue__name", "note"]
    autocomplete_fields = ["person", "venue"]
    date_hierarchy = "starts_on"


@admin.register(TravelTime)
class TravelTimeAdmin(DomainAdmin):
    list_display = ["venue_a", "venue_b", "minutes"]
    list_select_related = ["venue_a", "venue_b"]
    search_fields = ["venue_a__name", "venue_b__name"]
    autocomplete_fields = ["venue_a", "venue_b"]


@admin.register(CityTravelTime)
class CityTravelTimeAdmin(DomainAdmin):
    list_display = ["city_a", "city_b", "minutes"]
    search_fields = ["city_a", "city_b"]


@admin.register(ConflictAcknowledgement)
class ConflictAcknowledgementAdmin(DomainAdmin):
    list_display = ["message", "visit", "acknowledged_by", "acknowledged_at"]
    list_select_related = ["visit", "acknowledged_by"]
    search_fields = ["message", "key", "visit__title"]
    autocomplete_fields = ["visit"]
    readonly_fields = ["acknowledged_at"]


# Published versions: read only


class ReadOnlyMixin:
    """Viewing only: a published record is never edited by hand."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def describe_recipients(change: ProgrammeChange) -> str:
    """'Anna Berg (expert, invitation or update), ...', read from prefetched recipients."""
    return format_html_join(
        ", ",
        "{} ({}, {})",
        (
            (recipient.person.name, recipient.get_role_display(), recipient.get_action_display())
            for recipient in change.recipients.all()
        ),
    ) or str(_("nobody"))


RECIPIENTS = Prefetch("recipients", queryset=ChangeRecipient.objects.select_related("person").order_by("id"))


class ProgrammeChangeInline(ReadOnlyMixin, admin.TabularInline):
    model = ProgrammeChange
    fields = ["kind", "session_title", "sequence", "people_concerned"]
    readonly_fields = ["kind", "session_title", "sequence", "people_concerned"]
    extra = 0
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProgrammeChange]:
        return super().get_queryset(request).prefetch_related(RECIPIENTS)

    @admin.display(description=_("people concerned"))
    def people_concerned(self, change: ProgrammeChange) -> str:
        return describe_recipients(change)


@admin.register(ProgrammeVersion)
class ProgrammeVersionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["__str__", "visit", "number", "published", "published_by", "change_count"]
    list_select_related = ["visit", "published_by"]
    list_filter = [("visit", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["visit__title"]
    fields = ["visit", "number", "published", "published_by", "programme"]
    readonly_fields = ["visit", "number", "published", "published_by", "programme"]
    inlines = [ProgrammeChangeInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProgrammeVersion]:
        queryset = super().get_queryset(request).annotate(change_count=Count("changes"))
        return queryset.order_by(*ProgrammeVersion._meta.ordering)

    @admin.display(description=_("published at"), ordering="published_at")
    def published(self, version: ProgrammeVersion) -> str:
        return format_in_zone(version.published_at, version.visit.zone)

    @admin.display(description=_("changes"), ordering="change_count")
    def change_count(self, version: ProgrammeVersion) -> int:
        return version.change_count  # type: ignore[attr-defined]

    @admin.display(description=_("programme"))
    def programme(self, version: ProgrammeVersion) -> str:
        """The frozen sessions, one line each, in programme order."""
        sessions = sorted(version.snapshot.values(), key=lambda s: (s["starts_at"], s["id"]))
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{} – {} (UTC), {} [{}, SEQUENCE {}]</li>",
                (
                    (s["starts_at"], s["title"], s["venue_name"] or "–", s["status"], s["sequence"])
                    for s in sessions
                ),
            ),
        )


class ChangeRecipientInline(ReadOnlyMixin, admin.TabularInline):
    model = ChangeRecipient
    fields = ["person", "role", "action"]
    readonly_fields = ["person", "role", "action"]
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[ChangeRecipient]:
        return super().get_queryset(request).select_related("person")


@admin.register(ProgrammeChange)
class ProgrammeChangeAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["session_title", "kind", "version", "sequence", "people_concerned"]
    list_filter = ["kind"]
    list_select_related = ["version__visit"]
    search_fields = ["session_title", "version__visit__title"]
    fields = ["version", "kind", "session", "session_key", "session_title", "sequence", "before", "after"]
    readonly_fields = [
        "version",
        "kind",
        "session",
        "session_key",
        "session_title",
        "sequence",
        "before",
        "after",
    ]
    inlines = [ChangeRecipientInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProgrammeChange]:
        return super().get_queryset(request).prefetch_related(RECIPIENTS)

    @admin.display(description=_("people concerned"))
    def people_concerned(self, change: ProgrammeChange) -> str:
        return describe_recipients(change)


# Programmes: the coordinator's page to see every conflict, acknowledge warnings, preview and publish
#
# The page reads only; the two buttons POST. Conflicts, the preview and the versions are each read in a fixed
# number of queries, so a programme of fifty sessions costs what one of five does.


@dataclass(frozen=True)
class ConflictRow:
    key: str
    message: str
    sessions: list[tuple[str, str]]  # (title, admin address) of this visit's sessions in the conflict
    acknowledged_by: str = ""
    acknowledged_at: str = ""


@dataclass(frozen=True)
class ChangeRow:
    kind: str
    session: str
    detail: str
    people: str


@dataclass(frozen=True)
class Preview:
    summary: str
    changes: list[ChangeRow]


@dataclass(frozen=True)
class VersionRow:
    number: int
    published_at: str
    published_by: str
    change_count: int
    url: str


SESSIONS_CHANGED = {
    ChangeKind.MOVED: ngettext_lazy("%(count)d session moved", "%(count)d sessions moved", "count"),
    ChangeKind.VENUE_CHANGED: ngettext_lazy(
        "%(count)d session moved to another venue", "%(count)d sessions moved to other venues", "count"
    ),
    ChangeKind.DETAILS_CHANGED: ngettext_lazy(
        "%(count)d session with new details", "%(count)d sessions with new details", "count"
    ),
    ChangeKind.ADDED: ngettext_lazy("%(count)d session added", "%(count)d sessions added", "count"),
    ChangeKind.CANCELLED: ngettext_lazy(
        "%(count)d session cancelled", "%(count)d sessions cancelled", "count"
    ),
    ChangeKind.PERSON_ADDED: ngettext_lazy(
        "%(count)d session with people added", "%(count)d sessions with people added", "count"
    ),
    ChangeKind.PERSON_REMOVED: ngettext_lazy(
        "%(count)d session with people removed", "%(count)d sessions with people removed", "count"
    ),
}
PEOPLE_TOLD = {
    ChangeRecipient.Action.REQUEST: ngettext_lazy(
        "%(count)d person gets an invitation or update",
        "%(count)d people get invitations or updates",
        "count",
    ),
    ChangeRecipient.Action.CANCEL: ngettext_lazy(
        "%(count)d person gets a cancellation", "%(count)d people get cancellations", "count"
    ),
}
NAMES_SHOWN = 5
NOTHING_TO_PUBLISH = _("Nothing to publish yet: the programme has no sessions, or only cancelled ones.")


def user_name(user: User | None) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else "–"


def summarise(changes: Sequence[ChangeSpec]) -> str:
    """A line such as '3 sessions moved, 1 session cancelled; 14 people get invitations or updates'.

    A session counts once per kind of change; a person once per action, however many sessions they are on.
    """
    sessions = [
        str(label % {"count": count})
        for kind, label in SESSIONS_CHANGED.items()
        if (count := sum(1 for change in changes if change.kind == kind))
    ]
    people = [
        str(label % {"count": count})
        for action, label in PEOPLE_TOLD.items()
        if (count := len({r.person_id for c in changes for r in c.recipients if r.action == action}))
    ]
    return "; ".join(part for part in (", ".join(sessions), ", ".join(people)) if part)


def _span(session: Mapping[str, Any], zone: ZoneInfo) -> str:
    starts, ends = (dt.datetime.fromisoformat(session[name]) for name in ("starts_at", "ends_at"))
    return format_span_in_zone(starts, ends, zone)


def _people(recipients: Iterable[Recipient], names: Mapping[int, str], *, with_roles: bool = False) -> str:
    """'Anna Berg, Karin Holm and 12 more'; with roles, 'Anna Berg (expert)'."""
    roles = dict(ChangeRecipient.Role.choices)
    listed = [
        f"{names.get(r.person_id, f'#{r.person_id}')} ({roles.get(r.role, r.role)})"
        if with_roles
        else names.get(r.person_id, f"#{r.person_id}")
        for r in recipients
    ]
    if len(listed) <= NAMES_SHOWN:
        return ", ".join(listed) or gettext("nobody")
    more = len(listed) - NAMES_SHOWN
    return gettext("%(names)s and %(count)d more") % {"names": ", ".join(listed[:NAMES_SHOWN]), "count": more}


def describe_change(change: ChangeSpec, zone: ZoneInfo, names: Mapping[int, str]) -> str:
    """What the change is, in a line: the times in the session's own zone, with the zone named."""
    before, after = change.before or {}, change.after or {}
    if change.kind == ChangeKind.ADDED:
        return f"{_span(after, zone)}, {after.get('venue_name') or '–'}"
    if change.kind == ChangeKind.CANCELLED:
        return _span(before, zone) if "starts_at" in before else ""
    if change.kind == ChangeKind.MOVED:
        return f"{_span(before, zone)} → {_span(after, zone)}"
    if change.kind == ChangeKind.VENUE_CHANGED:
        return f"{before.get('venue_name') or '–'} → {after.get('venue_name') or '–'}"
    if change.kind == ChangeKind.DETAILS_CHANGED:
        return "; ".join(
            f"{name}: “{Truncator(str(before[name])).chars(60)}” → “{Truncator(str(after[name])).chars(60)}”"
            for name in after
        )
    return _people(change.recipients, names, with_roles=True)  # a person added or removed


def programme_preview(
    visit: Visit, previous: ProgrammeVersion | None, current: Mapping[str, SessionSnapshot]
) -> Preview:
    """What publishing `current` would change, computed as programme_publish does, and nothing saved."""
    before: dict[str, SessionSnapshot] | None = previous.snapshot if previous is not None else None
    changes = compute_changes(before, current)
    if not changes:
        if previous is None:
            summary = str(NOTHING_TO_PUBLISH)
        else:
            summary = gettext("Nothing has changed since version %(number)d.") % {"number": previous.number}
        return Preview(summary, [])

    sessions = {**(before or {}), **current}
    venue_ids = {s["venue_id"] for s in sessions.values() if s["venue_id"] is not None}
    venue_zones = dict(Venue.objects.filter(pk__in=venue_ids).values_list("pk", "time_zone"))
    people = {r.person_id for change in changes for r in change.recipients}
    names = dict(Person.objects.filter(pk__in=people).values_list("pk", "name")) if people else {}

    def zone_of(change: ChangeSpec) -> ZoneInfo:
        venue_id = sessions[str(change.session_id)]["venue_id"]
        return ZoneInfo(venue_zones[venue_id]) if venue_id in venue_zones else visit.zone

    rows = [
        ChangeRow(
            kind=str(ChangeKind(change.kind).label),
            session=change.session_title,
            detail=describe_change(change, zone_of(change), names),
            people=_people(change.recipients, names),
        )
        for change in changes
    ]
    return Preview(summarise(changes), rows)


def conflict_rows(
    report: ConflictReport, visit: Visit, titles: Mapping[int, str], link_sessions: bool
) -> tuple[list[ConflictRow], list[ConflictRow]]:
    """The fatal conflicts and the warnings in the request's language; warnings with who acknowledged them."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    users = User.objects.in_bulk({a.acknowledged_by_id for a in report.acknowledged.values()})

    def row(conflict: Conflict) -> ConflictRow:
        sessions = [
            (titles[pk], reverse("admin:visits_session_change", args=[pk]) if link_sessions else "")
            for pk in conflict.sessions
            if pk in titles
        ]
        acknowledgement = None if conflict.is_fatal else report.acknowledged.get(conflict.key)
        if acknowledgement is None:
            return ConflictRow(conflict.key, conflict.message(language), sessions)
        return ConflictRow(
            conflict.key,
            conflict.message(language),
            sessions,
            acknowledged_by=user_name(users.get(acknowledgement.acknowledged_by_id)),
            acknowledged_at=format_in_zone(acknowledgement.acknowledged_at, visit.zone),
        )

    return [row(c) for c in report.fatal], [row(c) for c in report.warnings]


def actor_of(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


@admin.register(Programme)
class ProgrammeAdmin(DomainAdmin):
    """A visit's programme as its coordinator publishes it. Nothing here edits the visit or its sessions.

    Staff see the programmes of the visits they coordinate (a superuser sees all), and a 404 for any other.
    Seeing a programme needs the permission to see its visit; acknowledging and publishing, to change it.
    """

    list_display = ["title", "dates", "status", "published_version"]
    list_filter = ["status", "kind"]
    search_fields = ["title", "delegation__name"]
    date_hierarchy = "starts_on"
    programme_template = "admin/scheduling/programme/programme.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Visit]:
        queryset = super().get_queryset(request)
        if not request.user.is_superuser:
            queryset = queryset.filter(coordinators=request.user)
        queryset = queryset.annotate(published_version=Max("versions__number"))
        return queryset.order_by(*Visit._meta.ordering)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("visits.view_visit") or request.user.has_perm("visits.change_visit")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the page is read-only; its buttons need may_act()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def may_act(self, request: HttpRequest) -> bool:
        """Acknowledging a warning and publishing the programme are changes to the visit."""
        return request.user.has_perm("visits.change_visit")

    @admin.display(description=_("dates"), ordering="starts_on")
    def dates(self, visit: Visit) -> str:
        return f"{dateformat.format(visit.starts_on, 'j M Y')} – {dateformat.format(visit.ends_on, 'j M Y')}"

    @admin.display(description=_("published version"), ordering="published_version")
    def published_version(self, visit: Visit) -> int | str:
        return visit.published_version or "–"  # type: ignore[attr-defined]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        visit = self.get_object(request, unquote(object_id))
        if visit is None:
            raise Http404(gettext("No programme with that id that you coordinate."))
        if not self.has_view_permission(request, visit):
            raise PermissionDenied
        if request.method == "POST":
            return self.act(request, visit)
        return self.programme_page(request, visit, extra_context)

    # --- Reading ---

    def programme_page(
        self, request: HttpRequest, visit: Visit, extra_context: dict[str, Any] | None
    ) -> TemplateResponse:
        versions = list(versions_for_visit(visit))  # without their snapshots
        previous = ProgrammeVersion.objects.filter(visit=visit).order_by("-number").first()
        current = programme_snapshot(visit)
        preview = programme_preview(visit, previous, current)
        report = visit_conflict_report(visit)
        titles = {session["id"]: session["title"] for session in current.values()}
        fatal, warnings = conflict_rows(
            report, visit, titles, link_sessions=request.user.has_perm("visits.view_session")
        )
        user = request.user
        context = {
            **self.admin_site.each_context(request),
            "title": visit.title,
            "subtitle": None,
            "opts": self.opts,
            "original": visit,
            "visit": visit,
            "visit_dates": self.dates(visit),
            "has_view_permission": True,
            "may_act": self.may_act(request),
            "fatal": fatal,
            "warnings": warnings,
            "preview": preview,
            "versions": [
                VersionRow(
                    number=version.number,
                    published_at=format_in_zone(version.published_at, visit.zone),
                    published_by=user_name(version.published_by),
                    change_count=version.change_count,  # type: ignore[attr-defined]
                    url=reverse("admin:scheduling_programmeversion_change", args=[version.pk])
                    if user.has_perm("scheduling.view_programmeversion")
                    else "",
                )
                for version in versions
            ],
            "visit_url": reverse("admin:visits_visit_change", args=[visit.pk])
            if user.has_perm("visits.view_visit") or user.has_perm("visits.change_visit")
            else "",
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.programme_template, context)

    # --- Acting ---

    def act(self, request: HttpRequest, visit: Visit) -> HttpResponse:
        action = request.POST.get("action")
        if action not in ("acknowledge", "publish"):
            return HttpResponseBadRequest(gettext("Unknown action: choose “acknowledge” or “publish”."))
        if not self.may_act(request):
            raise PermissionDenied
        if action == "acknowledge":
            self.acknowledge(request, visit, request.POST.get("key", ""))
        else:
            self.publish(request, visit)
        return HttpResponseRedirect(request.path)

    def acknowledge(self, request: HttpRequest, visit: Visit, key: str) -> None:
        language = translation.get_language() or settings.LANGUAGE_CODE
        conflict = next((c for c in visit_conflict_report(visit).conflicts if c.key == key), None)
        if conflict is None:
            messages.warning(
                request, gettext("That conflict no longer arises; there is nothing to acknowledge.")
            )
            return
        try:
            conflict_acknowledge(visit=visit, conflict=conflict, actor=actor_of(request))
        except CannotAcknowledge as refused:
            messages.error(request, str(refused))
            return
        messages.success(
            request, gettext("Warning acknowledged: %(message)s") % {"message": conflict.message(language)}
        )

    def publish(self, request: HttpRequest, visit: Visit) -> None:
        language = translation.get_language() or settings.LANGUAGE_CODE
        try:
            version = programme_publish(visit=visit, actor=actor_of(request))
        except PublishBlocked as blocked:
            messages.error(
                request,
                format_html(
                    "{}<ul>{}</ul>",
                    gettext("Not published: these fatal conflicts must be resolved first."),
                    format_html_join("", "<li>{}</li>", ((c.message(language),) for c in blocked.conflicts)),
                ),
            )
            return
        if version is not None:
            messages.success(
                request,
                gettext("Version %(number)d of the programme is published.") % {"number": version.number},
            )
            return
        latest = visit.versions.order_by("-number").values_list("number", flat=True).first()
        if latest is None:
            messages.info(request, NOTHING_TO_PUBLISH)
        else:
            messages.info(
                request,
                gettext("Nothing changed since version %(number)d; nothing was published.")
                % {"number": latest},
            )
