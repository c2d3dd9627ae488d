"""A change set in words: the summary line of a publish preview and one line per change. Pure: the names of
the people and the zones of the venues come in as arguments."""

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext_lazy

from scheduling.domain.changes import ChangeSpec, Recipient
from scheduling.models import ChangeKind, ChangeRecipient
from visits.timefmt import format_span


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
    return format_span(starts, ends, zone)


def people_in_words(
    recipients: Iterable[Recipient], names: Mapping[int, str], *, with_roles: bool = False
) -> str:
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


def _detail_text(value: Any) -> str:
    """A detail as a line says it; translations (visits.wording) as "sv: …; lv: …"."""
    if isinstance(value, dict):
        return "; ".join(f"{code}: {text}" for code, text in sorted(value.items())) or "–"
    return str(value)


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
            f"{name}: “{Truncator(_detail_text(before[name])).chars(60)}” → "
            f"“{Truncator(_detail_text(after[name])).chars(60)}”"
            for name in after
        )
    return people_in_words(change.recipients, names, with_roles=True)  # a person added or removed
