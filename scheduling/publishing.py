"""Publishing a visit's programme as a numbered version, with the change set against the version before.

The change set is computed by the pure `scheduling.domain.changes` from two snapshots; this is its database
edge: `programme_snapshot` reads the programme (who is on each session from the roster, visits.roster) in a
fixed number of queries, and `programme_publish` stores the version, its changes and their recipients in one
transaction that holds the visit's row lock, so two coordinators publishing at once make one version.

What the version calls for downstream (the outbox's messages, the experts' answers and reminders) is written
in a second transaction, after the lock is released (`write_pending_messages`): at 10,000 invitations those
writes were most of the time the lock was held (4.11 s before, 0.30 s after: bench/publish.py), and nothing in
them needs the visit locked. A version is stored as pending until its messages are written; the versions' own
row locks keep two publishers' messages in version order, and the outbox sweep writes those of a version whose
publisher died between the two transactions (`write_all_pending_messages`). Every write downstream is
idempotent.
The versions as the coordinators' pages read them are in `scheduling.selectors`.
"""

import datetime as dt
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit import log
from audit.models import Action
from scheduling.domain.changes import (
    ChangeSpec,
    SessionSnapshot,
    as_published,
    compute_changes,
    sessions_to_raise,
)
from scheduling.models import ChangeRecipient, ProgrammeChange, ProgrammeVersion
from scheduling.signals import programme_published
from visits.bulk import bulk_insert
from visits.models import Session, Visit, VisitStatus
from visits.services import visit_change_status
from visits.wording import translations_of

if TYPE_CHECKING:
    from scheduling.conflicts import Conflict

log_errors = logging.getLogger(__name__)

# A change as the publish has just written it, with its recipients.
StoredChanges = list[tuple[ProgrammeChange, list[ChangeRecipient]]]

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
            title_translations=translations_of(session, "title"),
            description=session.description,
            description_translations=translations_of(session, "description"),
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

    Raises PublishBlocked while the programme has fatal conflicts, as the actor may read them (the system,
    None: naming only the visit's own sessions). The first version also moves a draft or planned visit to
    published (and `visit` is updated to match).
    """
    from scheduling.checks import visit_conflict_report

    with transaction.atomic():
        # The conflict check reads the sessions, which the visit's lock does not hold (a session is edited
        # without it), so it sees the same programme before the lock as under it: it runs before, and the
        # lock is held only for what it serialises (bench/publish.py: the check was a fifth of its time).
        report = visit_conflict_report(Visit.objects.get(pk=visit.pk), reader=actor)
        if report.fatal:
            raise PublishBlocked(report.fatal)
        # The row lock serialises publishers of one visit: the second reads the version the first made.
        locked = Visit.objects.select_for_update().get(pk=visit.pk)

        previous = ProgrammeVersion.objects.filter(visit=locked).order_by("-number").first()
        before: dict[str, SessionSnapshot] | None = previous.snapshot if previous is not None else None
        current = programme_snapshot(locked)
        changes = compute_changes(before, current)
        if not changes:
            return None

        # One UPDATE, so a session is raised once per publish however many changes it has. `revision` moves
        # too: a copy of the session opened before publishing must not save over the raised SEQUENCE.
        Session.objects.filter(pk__in=sessions_to_raise(before, changes)).update(
            sequence=F("sequence") + 1, revision=F("revision") + 1
        )
        version = ProgrammeVersion.objects.create(
            visit=locked,
            number=previous.number + 1 if previous is not None else 1,
            published_by=actor,
            snapshot=as_published(current, changes),
            messages_pending=True,
        )
        stored = _store_changes(version, changes, existing={int(key) for key in current})
        log.record(
            action=Action.CHANGE,
            actor=actor,
            obj=locked,
            changes=log.diff({"version": previous.number if previous else None}, {"version": version.number}),
            visit_id=locked.pk,
            delegation_id=locked.delegation_id,
        )
        if locked.status in (VisitStatus.DRAFT, VisitStatus.PLANNED):
            published = visit_change_status(visit=locked, status=VisitStatus.PUBLISHED, actor=actor)
            visit.status, visit.first_published_at = published.status, published.first_published_at
    _write_after_publish(version, stored)
    return version


def _write_after_publish(version: ProgrammeVersion, stored: StoredChanges) -> None:
    """The publisher's second transaction. Should it fail, the version stands (it is published) and the
    outbox sweep writes its messages; the failure is logged, not shown to the coordinator as a failed
    publish."""
    try:
        write_pending_messages(version.visit_id, written={version.pk: stored})
    except Exception:
        log_errors.exception(
            "Version %s of visit %s is published; its messages will be written by the outbox sweep.",
            version.number,
            version.visit_id,
        )


def write_pending_messages(visit_id: int, *, written: dict[int, StoredChanges] | None = None) -> int:
    """Tell the apps downstream (scheduling.signals.programme_published) of each version of the visit whose
    messages are not written yet, in version order, in one transaction; return how many versions.

    The pending versions' rows are locked (in number order) while their messages are written, so a second
    writer for the same visit (the next publisher, or the sweep) waits and then finds them written: the
    messages of version 5 are never written after those of version 6. `written`: changes with their
    recipients as a publisher has just stored them, by version id (read back for any other version)."""
    with transaction.atomic():
        pending = list(
            ProgrammeVersion.objects.select_for_update()
            .filter(visit_id=visit_id, messages_pending=True)
            .defer("snapshot")
            .order_by("number")
        )
        for version in pending:
            changes = (written or {}).get(version.pk)
            programme_published.send(sender=ProgrammeVersion, version=version, changes=changes)
        if pending:
            ProgrammeVersion.objects.filter(pk__in=[v.pk for v in pending]).update(messages_pending=False)
    return len(pending)


def write_all_pending_messages() -> int:
    """For the outbox sweep: write the messages of every version still pending (its publisher died, or its
    second transaction failed, after the version was stored). Returns how many versions were completed."""
    completed = 0
    visits = (
        ProgrammeVersion.objects.filter(messages_pending=True)
        .order_by("visit_id")
        .values_list("visit_id", flat=True)
        .distinct()
    )
    for visit_id in list(visits):
        try:
            completed += write_pending_messages(visit_id)
        except Exception:
            log_errors.exception("Could not write the messages of visit %s's published versions.", visit_id)
    return completed


def _store_changes(
    version: ProgrammeVersion, changes: Sequence[ChangeSpec], *, existing: set[int]
) -> StoredChanges:
    """Write the version's changes and their recipients; returns them as written, each change with its
    recipients (for the signal's receivers, which then need not read them back)."""
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
    stored = [
        (
            row,
            [
                ChangeRecipient(change=row, person_id=r.person_id, role=r.role, action=r.action)
                for r in change.recipients
            ],
        )
        for row, change in zip(rows, changes, strict=True)
    ]
    bulk_insert(ChangeRecipient, [recipient for _, recipients in stored for recipient in recipients])
    return stored


def session_publish(*, session: Session, actor: User | None) -> ProgrammeVersion | None:
    """Publish one session's changes alone, as the visit's next version: what a coordinator's decision about
    an expert's answer needs to reach people at once (a proposed time accepted, another expert asked),
    without publishing the rest of the programme's pending edits. The version's snapshot is the latest
    version's with this session as it is now, so the next full publish still finds the other edits.

    None when the visit has no version yet (nothing has gone out; the first publish will send it all) or
    when the session has not changed since. Raises PublishBlocked while the session itself has a fatal
    conflict, as the actor may read it; fatal conflicts elsewhere in the programme do not hold it back.
    """
    from scheduling.checks import session_conflicts

    with transaction.atomic():
        locked = Visit.objects.select_for_update().get(pk=session.visit_id)
        previous = ProgrammeVersion.objects.filter(visit=locked).order_by("-number").first()
        if previous is None:
            return None
        current_session = Session.objects.select_related("visit").get(pk=session.pk)
        fatal = [c for c in session_conflicts(current_session, reader=actor) if c.is_fatal]
        if fatal:
            raise PublishBlocked(fatal)
        key = str(session.pk)
        before: dict[str, SessionSnapshot] = previous.snapshot
        current = {**before, key: programme_snapshot(locked)[key]}
        changes = compute_changes(before, current)
        if not changes:
            return None
        Session.objects.filter(pk__in=sessions_to_raise(before, changes)).update(
            sequence=F("sequence") + 1, revision=F("revision") + 1
        )
        version = ProgrammeVersion.objects.create(
            visit=locked,
            number=previous.number + 1,
            published_by=actor,
            snapshot=as_published(current, changes),
            messages_pending=True,
        )
        stored = _store_changes(version, changes, existing={int(k) for k in current})
        log.record(
            action=Action.CHANGE,
            actor=actor,
            obj=locked,
            changes=log.diff({"version": previous.number}, {"version": version.number}),
            visit_id=locked.pk,
            delegation_id=locked.delegation_id,
        )
    _write_after_publish(version, stored)
    return version
