"""The change set between two published programmes: snapshots in, changes out. Pure: no database, no Django.

Each change says exactly whom it concerns, so the notifications work sends an invitation, an update or a
cancellation to those people and nobody else (pretalx's schedule versions are the model).
`scheduling.publishing` reads the snapshots from the database and stores what this computes.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, NotRequired, TypedDict


class Kind(StrEnum):
    """What happened to a session; scheduling.models.ChangeKind gives each its label."""

    ADDED = "added"
    MOVED = "moved"
    VENUE_CHANGED = "venue_changed"
    DETAILS_CHANGED = "details_changed"
    CANCELLED = "cancelled"
    PERSON_ADDED = "person_added"
    PERSON_REMOVED = "person_removed"


class Role(StrEnum):
    """The role a person is on a session in; scheduling.models.ChangeRecipient.Role gives each its label."""

    EXPERT = "expert"
    INTERPRETER = "interpreter"
    PARTICIPANT = "participant"


class Action(StrEnum):
    """What a person's calendar must do; scheduling.models.ChangeRecipient.Action gives each its label."""

    REQUEST = "request"
    CANCEL = "cancel"


CANCELLED_STATUS = "cancelled"  # visits.models.SessionStatus.CANCELLED, as a snapshot holds it
REQUEST = Action.REQUEST.value
CANCEL = Action.CANCEL.value

# The people on a session, by role. When one person is on a session in two roles (a delegation's own
# interpreter booked as its interpreter, say), the first role here is the one they are told about.
ROLES: tuple[tuple[str, str], ...] = (
    ("experts", Role.EXPERT.value),
    ("interpreters", Role.INTERPRETER.value),
    ("participants", Role.PARTICIPANT.value),
)
TIME_FIELDS = ("starts_at", "ends_at")
VENUE_FIELDS = ("venue_id", "venue_name")
# What calendars show besides the time and the place: a changed translation (visits.wording) is a change too,
# since some reader's calendar shows it. Snapshots published before translations existed have none: {}.
DETAIL_FIELDS = ("title", "title_translations", "description", "description_translations", "language")
DETAIL_DEFAULTS: Mapping[str, Any] = {"title_translations": {}, "description_translations": {}}


class SessionSnapshot(TypedDict):
    """One session as published. JSON as it stands: times are ISO strings in UTC, people are sorted ids."""

    id: int
    title: str
    # Not in snapshots published before translations were kept: read them with .get().
    title_translations: NotRequired[dict[str, str]]
    description: str
    description_translations: NotRequired[dict[str, str]]
    kind: str
    starts_at: str
    ends_at: str
    venue_id: int | None
    venue_name: str
    status: str
    language: str
    sequence: int
    experts: list[int]
    interpreters: list[int]
    participants: list[int]


@dataclass(frozen=True, slots=True)
class Recipient:
    person_id: int
    role: str
    action: str


@dataclass(frozen=True, slots=True)
class ChangeSpec:
    """One change to one session. `sequence` is the session's SEQUENCE once this version is published."""

    kind: Kind
    session_id: int
    session_title: str
    sequence: int
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    recipients: tuple[Recipient, ...]


def people_on(session: SessionSnapshot) -> dict[int, str]:
    """Person id → the role they are on the session in."""
    people: dict[int, str] = {}
    for field, role in ROLES:
        for person_id in session[field]:  # type: ignore[literal-required]
            people.setdefault(person_id, role)
    return people


def everyone_on(session: SessionSnapshot, action: str) -> tuple[Recipient, ...]:
    return tuple(Recipient(person, role, action) for person, role in sorted(people_on(session).items()))


def is_live(session: SessionSnapshot | None) -> bool:
    return session is not None and session["status"] != CANCELLED_STATUS


def compute_changes(
    previous: Mapping[str, SessionSnapshot] | None, current: Mapping[str, SessionSnapshot]
) -> list[ChangeSpec]:
    """The changes from the previous published programme (None before the first) to the current one.

    A session is cancelled when its status is cancelled or it is gone; a cancelled session that was never
    published is nothing. A session taken up again after a published cancellation is added again. Each session
    that was published before and changed in any way moves on one SEQUENCE, however many changes it has.
    """
    previous = previous or {}
    changes: list[ChangeSpec] = []
    for key in sorted(set(previous) | set(current), key=lambda k: _order(previous.get(k), current.get(k), k)):
        before, after = previous.get(key), current.get(key)
        if not is_live(before) and not is_live(after):
            continue
        if not is_live(before):
            assert after is not None
            changes.append(_added(before, after))
        elif not is_live(after):
            assert before is not None
            changes.append(_cancelled(before, after))
        else:
            assert before is not None and after is not None
            changes.extend(_changed(before, after))
    return changes


def sessions_to_raise(
    previous: Mapping[str, SessionSnapshot] | None, changes: Iterable[ChangeSpec]
) -> set[int]:
    """The sessions whose SEQUENCE this version raises: the changed ones that were published before."""
    return {change.session_id for change in changes if str(change.session_id) in (previous or {})}


def as_published(
    current: Mapping[str, SessionSnapshot], changes: Iterable[ChangeSpec]
) -> dict[str, SessionSnapshot]:
    """The current programme with each changed session's SEQUENCE as this version publishes it."""
    sequences = {str(change.session_id): change.sequence for change in changes}
    return {
        key: {**session, "sequence": sequences.get(key, session["sequence"])}
        for key, session in current.items()
    }


def _order(before: SessionSnapshot | None, after: SessionSnapshot | None, key: str) -> tuple[str, int]:
    session = after or before
    assert session is not None
    return session["starts_at"], int(key)


def _added(before: SessionSnapshot | None, after: SessionSnapshot) -> ChangeSpec:
    # Taken up again after a published cancellation: calendars hold a cancelled event, so SEQUENCE moves on.
    sequence = after["sequence"] + (1 if before is not None else 0)
    return ChangeSpec(
        kind=Kind.ADDED,
        session_id=after["id"],
        session_title=after["title"],
        sequence=sequence,
        before={"status": before["status"]} if before is not None else None,
        after=dict({**after, "sequence": sequence}),
        recipients=everyone_on(after, REQUEST),
    )


def _cancelled(before: SessionSnapshot, after: SessionSnapshot | None) -> ChangeSpec:
    sequence = (after or before)["sequence"] + 1
    return ChangeSpec(
        kind=Kind.CANCELLED,
        session_id=before["id"],
        session_title=(after or before)["title"],
        sequence=sequence,
        before=dict(before),
        after={"status": after["status"]} if after is not None else None,  # None: deleted from the programme
        recipients=everyone_on(before, CANCEL),
    )


def _changed(before: SessionSnapshot, after: SessionSnapshot) -> list[ChangeSpec]:
    """The changes to a session that is live in both versions, all carrying the one raised SEQUENCE."""
    found: list[tuple[Kind, dict[str, Any] | None, dict[str, Any] | None, tuple[Recipient, ...]]] = []
    everyone_now = everyone_on(after, REQUEST)
    if (before["starts_at"], before["ends_at"]) != (after["starts_at"], after["ends_at"]):
        found.append((Kind.MOVED, _pick(before, TIME_FIELDS), _pick(after, TIME_FIELDS), everyone_now))
    if before["venue_id"] != after["venue_id"]:
        found.append(
            (Kind.VENUE_CHANGED, _pick(before, VENUE_FIELDS), _pick(after, VENUE_FIELDS), everyone_now)
        )
    details = [field for field in DETAIL_FIELDS if _detail(before, field) != _detail(after, field)]
    if details:
        found.append((Kind.DETAILS_CHANGED, _pick(before, details), _pick(after, details), everyone_now))

    people_before, people_after = people_on(before), people_on(after)
    # A person whose role changed (a participant who now leads the session) is added in the new role; their
    # calendar keeps the event, so they get no cancellation.
    added = {p: r for p, r in people_after.items() if people_before.get(p) != r}
    removed = {p: r for p, r in people_before.items() if p not in people_after}
    if removed:
        recipients = tuple(Recipient(p, r, CANCEL) for p, r in sorted(removed.items()))
        found.append((Kind.PERSON_REMOVED, _by_role(recipients), None, recipients))
    if added:
        recipients = tuple(Recipient(p, r, REQUEST) for p, r in sorted(added.items()))
        found.append((Kind.PERSON_ADDED, None, _by_role(recipients), recipients))

    sequence = after["sequence"] + 1
    return [
        ChangeSpec(kind, after["id"], after["title"], sequence, old, new, recipients)
        for kind, old, new, recipients in found
    ]


def _detail(session: SessionSnapshot, field: str) -> Any:
    return session.get(field, DETAIL_DEFAULTS.get(field))


def _pick(session: SessionSnapshot, fields: Iterable[str]) -> dict[str, Any]:
    return {field: session.get(field, DETAIL_DEFAULTS.get(field)) for field in fields}


def _by_role(recipients: Sequence[Recipient]) -> dict[str, list[int]]:
    return {
        field: [r.person_id for r in recipients if r.role == role]
        for field, role in ROLES
        if any(r.role == role for r in recipients)
    }
