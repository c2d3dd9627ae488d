"""Publishing a visit's programme as a numbered version, and the change set against the version before.

The change set says exactly whom each change concerns, so the notifications work sends an invitation, an
update or a cancellation to those people and nobody else (pretalx's schedule versions are the model).

The pure part (`SessionSnapshot`, `compute_changes`) compares two published programmes as plain data; the ORM
part reads the programme in a fixed number of queries and stores the version, its changes and their recipients
in one transaction that holds the visit's row lock, so two coordinators publishing at once make one version.
"""

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count, F, Prefetch, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from scheduling.models import ChangeKind, ChangeRecipient, ProgrammeChange, ProgrammeVersion
from scheduling.signals import programme_published
from visits.models import Session, Visit, VisitStatus

if TYPE_CHECKING:
    from scheduling.conflicts import Conflict

CANCELLED = Session.Status.CANCELLED.value
REQUEST = ChangeRecipient.Action.REQUEST.value
CANCEL = ChangeRecipient.Action.CANCEL.value

# The people on a session, by role. When one person is on a session in two roles (a delegation's own
# interpreter booked as its interpreter, say), the first role here is the one they are told about.
ROLES: tuple[tuple[str, str], ...] = (
    ("experts", ChangeRecipient.Role.EXPERT.value),
    ("interpreters", ChangeRecipient.Role.INTERPRETER.value),
    ("participants", ChangeRecipient.Role.PARTICIPANT.value),
)
TIME_FIELDS = ("starts_at", "ends_at")
VENUE_FIELDS = ("venue_id", "venue_name")
# What calendars show besides the time and the place.
DETAIL_FIELDS = ("title", "description", "language")


# --- The pure part: snapshots in, changes out ---------------------------------------------------------------


class SessionSnapshot(TypedDict):
    """One session as published. JSON as it stands: times are ISO strings in UTC, people are sorted ids."""

    id: int
    title: str
    description: str
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

    kind: ChangeKind
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
    return session is not None and session["status"] != CANCELLED


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
        kind=ChangeKind.ADDED,
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
        kind=ChangeKind.CANCELLED,
        session_id=before["id"],
        session_title=(after or before)["title"],
        sequence=sequence,
        before=dict(before),
        after={"status": after["status"]} if after is not None else None,  # None: deleted from the programme
        recipients=everyone_on(before, CANCEL),
    )


def _changed(before: SessionSnapshot, after: SessionSnapshot) -> list[ChangeSpec]:
    """The changes to a session that is live in both versions, all carrying the one raised SEQUENCE."""
    found: list[tuple[ChangeKind, dict[str, Any] | None, dict[str, Any] | None, tuple[Recipient, ...]]] = []
    everyone_now = everyone_on(after, REQUEST)
    if (before["starts_at"], before["ends_at"]) != (after["starts_at"], after["ends_at"]):
        found.append((ChangeKind.MOVED, _pick(before, TIME_FIELDS), _pick(after, TIME_FIELDS), everyone_now))
    if before["venue_id"] != after["venue_id"]:
        found.append(
            (ChangeKind.VENUE_CHANGED, _pick(before, VENUE_FIELDS), _pick(after, VENUE_FIELDS), everyone_now)
        )
    details = [field for field in DETAIL_FIELDS if before[field] != after[field]]  # type: ignore[literal-required]
    if details:
        found.append(
            (ChangeKind.DETAILS_CHANGED, _pick(before, details), _pick(after, details), everyone_now)
        )

    people_before, people_after = people_on(before), people_on(after)
    # A person whose role changed (a participant who now leads the session) is added in the new role; their
    # calendar keeps the event, so they get no cancellation.
    added = {p: r for p, r in people_after.items() if people_before.get(p) != r}
    removed = {p: r for p, r in people_before.items() if p not in people_after}
    if removed:
        recipients = tuple(Recipient(p, r, CANCEL) for p, r in sorted(removed.items()))
        found.append((ChangeKind.PERSON_REMOVED, _by_role(recipients), None, recipients))
    if added:
        recipients = tuple(Recipient(p, r, REQUEST) for p, r in sorted(added.items()))
        found.append((ChangeKind.PERSON_ADDED, None, _by_role(recipients), recipients))

    sequence = after["sequence"] + 1
    return [
        ChangeSpec(kind, after["id"], after["title"], sequence, old, new, recipients)
        for kind, old, new, recipients in found
    ]


def _pick(session: SessionSnapshot, fields: Iterable[str]) -> dict[str, Any]:
    return {field: session[field] for field in fields}  # type: ignore[literal-required]


def _by_role(recipients: Sequence[Recipient]) -> dict[str, list[int]]:
    return {
        field: [r.person_id for r in recipients if r.role == role]
        for field, role in ROLES
        if any(r.role == role for r in recipients)
    }


# --- The ORM side -------------------------------------------------------------------------------------------


NOTHING_TO_PUBLISH = _("Nothing to publish yet: the programme has no sessions, or only cancelled ones.")


def nothing_published_message(visit: Visit) -> str:
    """Why publishing published nothing: no programme yet, or nothing changed since the latest version."""
    latest = visit.versions.order_by("-number").values_list("number", flat=True).first()
    if latest is None:
        return str(NOTHING_TO_PUBLISH)
    return gettext("Nothing changed since version %(number)d; nothing was published.") % {"number": latest}


class PublishBlocked(Exception):
    """The programme has fatal conflicts; it can be published once they are resolved."""

    def __init__(self, conflicts: Sequence["Conflict"]) -> None:
        self.conflicts = list(conflicts)
        listed = "\n".join(f"- {conflict.message('en')}" for conflict in self.conflicts)
        super().__init__(f"The programme cannot be published until these conflicts are resolved:\n{listed}")


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat()


def programme_snapshot(visit: Visit) -> dict[str, SessionSnapshot]:
    """Every session of the visit, cancelled ones included, keyed by str(id). Two queries: the sessions with
    their venues, and who is on them (visits.roster)."""
    sessions = list(
        Session.objects.filter(visit_id=visit.pk).select_related("venue").order_by("starts_at", "id")
    )
    rosters = Session.objects.rosters(sessions)
    # A cancelled visit keeps its sessions as a record, but to every calendar they are cancelled.
    visit_cancelled = visit.status == VisitStatus.CANCELLED
    snapshot: dict[str, SessionSnapshot] = {}
    for session in sessions:
        roster = rosters[session.pk]
        snapshot[str(session.pk)] = SessionSnapshot(
            id=session.pk,
            title=session.title,
            description=session.description,
            kind=session.kind,
            starts_at=_utc(session.starts_at),
            ends_at=_utc(session.ends_at),
            venue_id=session.venue_id,
            venue_name=session.venue.name if session.venue is not None else "",
            status=Session.Status.CANCELLED if visit_cancelled else session.status,
            language=session.language,
            sequence=session.sequence,
            experts=sorted(roster.experts),
            interpreters=sorted(roster.interpreters),
            participants=sorted(roster.participants),
        )
    return snapshot


def programme_publish(*, visit: Visit, actor: User | None) -> ProgrammeVersion | None:
    """Publish the visit's programme as its next version; None when nothing changed since the last one.

    Raises PublishBlocked while the programme has fatal conflicts. The first version also moves a draft or
    planned visit to published (and `visit` is updated to match).
    """
    from scheduling.checks import visit_conflict_report

    with transaction.atomic():
        # The row lock serialises publishers of one visit: the second reads the version the first made.
        locked = Visit.objects.select_for_update().get(pk=visit.pk)
        report = visit_conflict_report(locked)
        if report.fatal:
            raise PublishBlocked(report.fatal)

        previous = ProgrammeVersion.objects.filter(visit=locked).order_by("-number").first()
        before: dict[str, SessionSnapshot] | None = previous.snapshot if previous is not None else None
        current = programme_snapshot(locked)
        changes = compute_changes(before, current)
        if not changes:
            return None

        # One UPDATE, so a session is raised once per publish however many changes it has. `version` moves
        # too: a copy of the session opened before publishing must not save over the raised SEQUENCE.
        Session.objects.filter(pk__in=sessions_to_raise(before, changes)).update(
            sequence=F("sequence") + 1, version=F("version") + 1
        )
        version = ProgrammeVersion.objects.create(
            visit=locked,
            number=previous.number + 1 if previous is not None else 1,
            published_by=actor,
            snapshot=as_published(current, changes),
        )
        _store_changes(version, changes, existing={int(key) for key in current})
        programme_published.send(sender=ProgrammeVersion, version=version)

        if locked.status in (VisitStatus.DRAFT, VisitStatus.PLANNED):
            from visits.services import visit_change_status

            published = visit_change_status(visit=locked, status=VisitStatus.PUBLISHED)
            visit.status, visit.first_published_at = published.status, published.first_published_at
    return version


def _store_changes(version: ProgrammeVersion, changes: Sequence[ChangeSpec], *, existing: set[int]) -> None:
    rows = ProgrammeChange.objects.bulk_create(
        ProgrammeChange(
            version=version,
            kind=change.kind,
            session_id=change.session_id if change.session_id in existing else None,
            session_key=change.session_id,
            session_title=change.session_title,
            sequence=change.sequence,
            before=change.before,
            after=change.after,
        )
        for change in changes
    )
    ChangeRecipient.objects.bulk_create(
        ChangeRecipient(change=row, person_id=r.person_id, role=r.role, action=r.action)
        for row, change in zip(rows, changes, strict=True)
        for r in change.recipients
    )


# --- Selectors for the coordinator's pages ------------------------------------------------------------------


def versions_for_visit(visit: Visit) -> QuerySet[ProgrammeVersion]:
    """The visit's versions, newest first, with how many changes each made; the snapshots are left unread."""
    return (
        ProgrammeVersion.objects.filter(visit=visit)
        .select_related("published_by")
        .defer("snapshot")
        .annotate(change_count=Count("changes"))
        .order_by("-number")
    )


def changes_of_version(version: ProgrammeVersion) -> QuerySet[ProgrammeChange]:
    """The version's changes in programme order, each with the people it concerns."""
    return (
        ProgrammeChange.objects.filter(version=version)
        .select_related("session")
        .prefetch_related(
            Prefetch(
                "recipients",
                queryset=ChangeRecipient.objects.select_related("person").order_by("person__name"),
            )
        )
        .order_by("id")
    )
