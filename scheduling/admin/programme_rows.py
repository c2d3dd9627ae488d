"""What a programme's page shows, as rows: its conflicts, what publishing would change, and its versions.

The preview is computed as `programme_publish` computes its changes, and nothing is saved. Each part is read
in a fixed number of queries, so a programme of fifty sessions costs what one of five does.
"""

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import translation
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext_lazy

from scheduling.checks import ConflictReport
from scheduling.conflicts import Conflict
from scheduling.domain.changes import ChangeSpec, Recipient, SessionSnapshot, compute_changes
from scheduling.models import ChangeKind, ChangeRecipient, ProgrammeVersion
from scheduling.publishing import NOTHING_TO_PUBLISH
from visits.admin import format_in_zone, format_span_in_zone
from visits.models import Person, Venue, Visit


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
