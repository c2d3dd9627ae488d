"""Writing to the outbox, and the one function that moves a message from one status to another.

Rows are written in the transaction of the change that causes them; a delivery task is queued only after
that transaction commits. If the broker is down then, or the process dies between commit and publish, the
row is still there and the periodic sweep sends it: the table, not the broker, is the source of truth.
"""

import datetime as dt
import functools
import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.db.models.sql import UpdateQuery
from django.utils import timezone, translation

from audit import log as audit_log
from audit.models import Action, AuditEntry
from notifications.compose import message_language
from notifications.hooks import after_enqueue
from notifications.models import OUTBOX_TRANSITIONS, MessageKind, OutboxMessage, OutboxStatus
from scheduling.models import ChangeRecipient, ProgrammeChange, ProgrammeVersion
from visits.bulk import bulk_insert
from visits.models import Person, Visit

log = logging.getLogger(__name__)

REQUEST, CANCEL = "REQUEST", "CANCEL"


class InvalidOutboxMove(ValueError):
    pass


def outbox_move(
    *,
    message_ids: Sequence[int],
    from_status: str,
    to_status: str,
    actor: audit_log.Who = None,
    due_by: dt.datetime | None = None,
    **fields: Any,
) -> list[int]:
    """Move the messages that are in `from_status` (and, with `due_by`, due by then) to `to_status`; return
    the ids that moved. Each move is an entry in the audit log (`actor`: who moves it; None, the system, as
    the delivery tasks do).

    The status is part of the UPDATE's WHERE clause, so of two workers moving the same row exactly one
    succeeds: a message claimed for sending is claimed once. On PostgreSQL the move is one statement
    (`UPDATE ... RETURNING` the rows as they were, for the log) and one INSERT into the log, however many
    rows: a delivery batch claims and marks its rows that way.
    """
    if to_status not in OUTBOX_TRANSITIONS[from_status]:
        raise InvalidOutboxMove(f"An outgoing message cannot go from {from_status} to {to_status}.")
    if not message_ids:
        return []
    with transaction.atomic():
        if transaction.get_connection().vendor == "postgresql":
            before = _move_returning(message_ids, from_status, to_status, due_by, fields)
            moved = sorted(before)
        else:
            rows = OutboxMessage.objects.filter(pk__in=list(message_ids), status=from_status)
            if due_by is not None:
                rows = rows.filter(send_at__lte=due_by)
            before = _audited(rows, fields)
            moved = sorted(before)
            OutboxMessage.objects.filter(pk__in=moved, status=from_status).update(
                status=to_status, updated_at=timezone.now(), **fields
            )
        # A value computed by the database (attempts + 1) is not known here: the log names what it knows.
        known = {name: value for name, value in fields.items() if not hasattr(value, "resolve_expression")}
        audit_log.record_many(
            (_move_entry(before[pk], {"status": to_status, **known}, actor) for pk in moved if pk in before),
            ids=False,
        )
    return moved


def _move_returning(
    message_ids: Sequence[int],
    from_status: str,
    to_status: str,
    due_by: dt.datetime | None,
    fields: dict[str, Any],
) -> dict[int, dict[str, Any]]:
    """The move as one PostgreSQL statement: the rows to move are locked in a subquery (in id order),
    updated, and returned as they were before, for the log."""
    connection = transaction.get_connection()
    meta = OutboxMessage._meta
    table = connection.ops.quote_name(meta.db_table)
    query = UpdateQuery(OutboxMessage)
    compiler = query.get_compiler(connection=connection)
    assignments, params = [], []
    values = {"status": to_status, "updated_at": timezone.now(), **fields}
    for name, value in values.items():
        model_field = meta.get_field(name)
        column = connection.ops.quote_name(model_field.column)  # type: ignore[union-attr]
        if hasattr(value, "resolve_expression"):
            sql, expression_params = compiler.compile(
                value.resolve_expression(query, allow_joins=False, for_save=True)
            )
            assignments.append(f"{column} = {sql}")
            params.extend(expression_params)
        else:
            assignments.append(f"{column} = %s")
            params.append(model_field.get_db_prep_save(value, connection))  # type: ignore[union-attr]
    names = list(dict.fromkeys([*_MESSAGE_SCOPE, *fields]))
    columns = ["id" if name == "pk" else meta.get_field(name).column for name in names]  # type: ignore[union-attr]
    selected = ", ".join(connection.ops.quote_name(c) for c in columns)
    due = f" AND {connection.ops.quote_name('send_at')} <= %s" if due_by is not None else ""
    # Only names from the model's meta are spliced in; every value is a parameter.
    locked = f"SELECT {selected} FROM {table} WHERE id = ANY(%s) AND status = %s{due} ORDER BY id"  # noqa: S608
    # Many rows (a batch): skip those another worker holds. One row: wait for it, then re-check its status.
    skip = " SKIP LOCKED" if len(message_ids) > 1 else ""
    returning = ", ".join(f"was.{connection.ops.quote_name(c)}" for c in columns)
    sql = (
        f"UPDATE {table} SET {', '.join(assignments)} FROM ({locked} FOR UPDATE{skip}) AS was "  # noqa: S608
        f"WHERE {table}.id = was.id RETURNING {returning}"
    )
    params += [list(message_ids), from_status]
    if due_by is not None:
        params.append(due_by)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}


# What an entry about a message says of it besides what changed: whose history it is, and its name.
_MESSAGE_SCOPE = ("pk", "visit_id", "person_id", "kind", "to_email", "status")


def _audited(rows: QuerySet[OutboxMessage], fields: dict[str, Any]) -> dict[int, dict[str, Any]]:
    names = list(dict.fromkeys([*_MESSAGE_SCOPE, *fields]))
    return {row["pk"]: row for row in rows.values(*names)}


def _message_repr(kind: str, to_email: str) -> str:
    """The message's name in the log, in one language whoever's request wrote it (like the other names)."""
    label = _kind_label(kind)
    return f"{label} to {to_email}" if label else to_email


@functools.cache
def _kind_label(kind: str) -> str:
    # Once per kind, not per row: a publish logs thousands of rows (translation.override costs ~0.5 ms).
    if kind not in MessageKind.values:
        return ""
    with translation.override("en"):
        return str(MessageKind(kind).label)


def _move_entry(before: dict[str, Any], after: dict[str, Any], actor: audit_log.Who) -> AuditEntry:
    return audit_log.entry(
        action=Action.CHANGE,
        actor=actor,
        object_type=OutboxMessage._meta.label_lower,
        object_id=before["pk"],
        object_repr=_message_repr(before["kind"], before["to_email"]),
        changes=audit_log.diff(before, after),
        visit_id=before["visit_id"],
        person_id=before["person_id"],
    )


def outbox_create(rows: Sequence[OutboxMessage], *, actor: audit_log.Who = None) -> list[OutboxMessage]:
    """Write these rows, skipping those whose idempotency key is taken already, and log the new ones; returns
    every row of these keys as it now is (new or there before)."""
    if not rows:
        return []
    keys = [row.idempotency_key for row in rows]
    there = set(
        OutboxMessage.objects.filter(idempotency_key__in=keys).values_list("idempotency_key", flat=True)
    )
    new = [row for row in rows if row.idempotency_key not in there]
    try:
        # The new rows come back with their ids (INSERT ... RETURNING): no second read of every row.
        with transaction.atomic():
            written = bulk_insert(OutboxMessage, new)
    except IntegrityError:
        # A key written by someone else since the read above: skip it and read the rows back (that row is
        # then logged twice, by its writer and here; the race is rare and the log keeps both).
        OutboxMessage.objects.bulk_create(new, ignore_conflicts=True)
        written = list(OutboxMessage.objects.filter(idempotency_key__in=[row.idempotency_key for row in new]))
    if there:
        written += OutboxMessage.objects.filter(idempotency_key__in=there)
    audit_log.record_many(
        audit_log.entry(
            action=Action.CREATE,
            actor=actor,
            obj=message,
            object_repr=_message_repr(message.kind, message.to_email),
            changes=audit_log.diff(
                {}, {"kind": message.kind, "to_email": message.to_email, "status": message.status}
            ),
            visit_id=message.visit_id,
            person_id=message.person_id,
        )
        for message in written
        if message.idempotency_key not in there
    )
    return written


def session_message_key(
    session_key: int | None, person_id: int | None, sequence: int, method: str = ""
) -> str:
    """The idempotency key of a calendar message about a session to a person at a SEQUENCE: one row per key,
    whoever writes it (a publish, a colleague taking a session over, a reminder chain)."""
    key = f"session:{session_key}:person:{person_id}:seq:{sequence}"
    return f"{key}:{method}" if method else key


@dataclass(frozen=True)
class Planned:
    """One message the change set calls for, before it is a row."""

    kind: str
    person_id: int
    role: str
    session_key: int | None
    sequence: int
    method: str | None
    version_id: int | None = None  # programme e-mails: one per version and person

    @property
    def key(self) -> str:
        if self.kind == MessageKind.PROGRAMME:
            return f"programme:{self.version_id}:person:{self.person_id}"
        return session_message_key(self.session_key, self.person_id, self.sequence, str(self.method))


def plan_for_changes(
    changes: Iterable[tuple[ProgrammeChange, Sequence[ChangeRecipient]]],
) -> list[Planned]:
    """One calendar message per session and person: an update wins over a cancellation for the same session
    (a person whose role changed stays on it), and the highest SEQUENCE of the version is the one sent."""
    chosen: dict[tuple[int, int], Planned] = {}
    for change, recipients in changes:
        for recipient in recipients:
            method = REQUEST if recipient.action == ChangeRecipient.Action.REQUEST else CANCEL
            planned = Planned(
                kind=MessageKind.INVITATION if method == REQUEST else MessageKind.CANCELLATION,
                person_id=recipient.person_id,
                role=recipient.role,
                session_key=change.session_key,
                sequence=change.sequence,
                method=method,
            )
            slot = (change.session_key, recipient.person_id)
            held = chosen.get(slot)
            if (
                held is None
                or (held.method == CANCEL and method == REQUEST)
                or (held.method == method and planned.sequence > held.sequence)
            ):
                chosen[slot] = planned
    return sorted(chosen.values(), key=lambda p: (p.session_key or 0, p.person_id))


def enqueue_for_version(
    version: ProgrammeVersion,
    changes: Sequence[tuple[ProgrammeChange, Sequence[ChangeRecipient]]] | None = None,
) -> list[OutboxMessage]:
    """Write the rows a published version calls for. Idempotent: the unique key skips rows already there.

    `changes`: the version's changes with their recipients as the publish has just written them (so they are
    not read back inside the visit's lock); read from the database when not given."""
    if changes is None:
        changes = [
            (change, list(change.recipients.all()))
            for change in ProgrammeChange.objects.filter(version=version).prefetch_related("recipients")
        ]
    planned = plan_for_changes(changes)
    # Only what a row needs of each person: their address and language (no Person instances for 10,000).
    people = {
        pk: (email, language)
        for pk, email, language in Person.objects.filter(
            pk__in={r.person_id for _, recipients in changes for r in recipients}
        ).values_list("pk", "email", "preferred_language")
    }
    previous = (
        ProgrammeVersion.objects.filter(visit_id=version.visit_id, number=version.number - 1)
        .values_list("snapshot", flat=True)
        .first()
    )
    # Participants also get the whole programme, once per version.
    participants = sorted({p.person_id for p in planned if p.role == ChangeRecipient.Role.PARTICIPANT})
    planned += [
        Planned(
            MessageKind.PROGRAMME,
            person_id,
            ChangeRecipient.Role.PARTICIPANT,
            None,
            version.number,
            None,
            version_id=version.pk,
        )
        for person_id in participants
    ]
    now = timezone.now()
    live = live_sessions(change for change, _ in changes)
    languages: dict[str | None, str] = {}
    rows = []
    for plan in planned:
        email, preferred = people[plan.person_id]
        if preferred not in languages:
            languages[preferred] = message_language(preferred)
        snapshot = None
        # A row for a live session composes from the session; should it be deleted before the row is sent,
        # compose reads the published version's snapshot (notifications.compose._facts_of). A session gone
        # already carries its last snapshot in the row: that is what its cancellation is composed from.
        if plan.session_key is not None and plan.session_key not in live:
            snapshot = version.snapshot.get(str(plan.session_key)) or (previous or {}).get(
                str(plan.session_key)
            )
        rows.append(
            OutboxMessage(
                idempotency_key=plan.key,
                kind=plan.kind,
                visit_id=version.visit_id,
                person_id=plan.person_id,
                session_id=plan.session_key if plan.session_key in live else None,
                session_key=plan.session_key,
                sequence=plan.sequence,
                role=plan.role,
                snapshot=snapshot,
                version_number=version.number,
                to_email=email,
                language=languages[preferred],
                send_at=now,
                message_id=new_message_id(),
            )
        )
    created = outbox_create(rows, actor=version.published_by)
    # Delivery is queued first: workers start on the first batches while the tokens are made.
    dispatch_on_commit([m.pk for m in created if m.status == OutboxStatus.QUEUED])
    make_tokens_on_commit(people)
    after_enqueue(version, [change for change, _ in changes], created)
    return created


def new_message_id() -> str:
    """A Message-ID fixed when the row is written, so every attempt to send it carries the same one."""
    host = urlsplit(settings.SITE_URL).hostname or "visitplan.invalid"
    return f"<outbox.{uuid.uuid4().hex}@{host}>"


# Whom a notice to coordinators goes to: a coordinator's user id and e-mail, or (None, the organiser's box).
Recipient = tuple[int | None, str]


def coordinators_of(visit_ids: Iterable[int]) -> dict[int, list[Recipient]]:
    """Each visit's coordinators with an e-mail address, by pk, or the organiser's mailbox for a visit with
    none. One query for all the visits."""
    found: dict[int, list[Recipient]] = {visit_id: [] for visit_id in visit_ids}
    rows = (
        Visit.coordinators.through.objects.filter(visit_id__in=list(found))
        .exclude(user__email="")
        .values_list("visit_id", "user_id", "user__email")
        .order_by("user_id")
    )
    for visit_id, user_id, email in rows:
        found[visit_id].append((user_id, email))
    return {visit_id: people or [(None, settings.ORGANIZER_EMAIL)] for visit_id, people in found.items()}


def recipient_tag(recipient: Recipient) -> str:
    """How a notice's key names its recipient: the user's id, or the address when there is no user."""
    user_id, email = recipient
    return str(user_id or email)


def notice_key(key: str, recipient: Recipient) -> str:
    """The idempotency key of the notice `key` to one recipient: `key:to:<recipient_tag>`."""
    return f"{key}{NOTICE_TO}{recipient_tag(recipient)}"


def recipient_tag_of_key(idempotency_key: str) -> str:
    """The recipient_tag at the end of a notice's key."""
    return idempotency_key.rsplit(NOTICE_TO, 1)[-1]


NOTICE_TO = ":to:"


def notice_row(
    recipient: Recipient,
    *,
    key: str,
    visit_id: int | None,
    send_at: dt.datetime,
    payload: dict[str, Any],
    **fields: Any,
) -> OutboxMessage:
    """A notice (kind "notice", composed by the composer registered for it in notifications.notices) to one
    coordinator, or to the coordinators' mailbox (no user), keyed `key:to:<who>`; about a visit, or about
    none yet (a request for a visit)."""
    user_id, email = recipient
    return OutboxMessage(
        idempotency_key=notice_key(key, recipient),
        kind=MessageKind.NOTICE,
        visit_id=visit_id,
        user_id=user_id,
        to_email=email,
        language=message_language(settings.LANGUAGE_CODE),
        send_at=send_at,
        message_id=new_message_id(),
        payload=payload,
        **fields,
    )


def live_sessions(changes: Iterable[ProgrammeChange]) -> set[int]:
    return {c.session_key for c in changes if c.session_id is not None}


def make_tokens_on_commit(people: Iterable[int]) -> None:
    """Make the personal tokens the messages link to (the programme page) once the transaction commits: not
    inside the visit's lock, and for most batches not in the worker, which then only reads them. A publish
    queues delivery first (2,000 people's tokens took 0.54 s to make on the bench machine): a worker that
    reaches a batch before its tokens are made makes them itself (notifications.tokens.person_tokens), and
    of two makers at once both keep the one token that won (tokens_of). Should this fail, the worker makes
    them all."""
    wanted = list(people)

    def make() -> None:
        from notifications.tokens import tokens_of

        try:
            tokens_of(wanted)
        except Exception as error:
            log.warning("Could not make personal tokens at publish (%s); the worker will.", error)

    if wanted:
        transaction.on_commit(make)


def dispatch_on_commit(message_ids: Sequence[int]) -> None:
    """After the transaction commits, queue delivery in batches. A broker that is down loses nothing."""
    if not message_ids:
        return
    size = settings.OUTBOX_BATCH_SIZE

    def dispatch() -> None:
        from notifications.tasks import deliver_outbox

        for start in range(0, len(message_ids), size):
            batch = list(message_ids[start : start + size])
            try:
                deliver_outbox.delay(batch)
            except Exception as error:  # the broker is down: the sweep will find these rows
                log.warning(
                    "Could not queue delivery (%s: %s); the outbox sweep will send %d messages.",
                    type(error).__name__,
                    error,
                    len(message_ids) - start,
                )
                return

    transaction.on_commit(dispatch)


@transaction.atomic
def outbox_send_again(*, message: OutboxMessage, actor: User | None) -> OutboxMessage:
    """A coordinator's (`actor`'s) "send again" for a failed message: queue it now, with a fresh count of
    attempts.

    A message to a person goes to their address as it is now: a failure is often a wrong address, and the
    coordinator corrects it in the directory before sending again."""
    if message.person_id is not None:
        current = Person.objects.filter(pk=message.person_id).values_list("email", flat=True).first()
        stored = OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.FAILED).exclude(
            to_email=current
        )
        before = _audited(stored, {"to_email": current})
        if current and before and stored.update(to_email=current):
            audit_log.record_many([_move_entry(before[message.pk], {"to_email": current}, actor)])
    moved = outbox_move(
        message_ids=[message.pk],
        from_status=OutboxStatus.FAILED,
        to_status=OutboxStatus.QUEUED,
        actor=actor,
        send_at=timezone.now(),
        attempts=0,
    )
    if moved:
        dispatch_on_commit(moved)
    message.refresh_from_db()
    return message


def due(now: dt.datetime | None = None) -> QuerySet[OutboxMessage]:
    return OutboxMessage.objects.filter(status=OutboxStatus.QUEUED, send_at__lte=now or timezone.now())
