"""visits.bulk.bulk_insert: a large set of rows goes in by COPY on PostgreSQL and reads back as bulk_create
would have written it; a small one, or SQLite, by bulk_create."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from audit.models import ActorKind, AuditEntry
from notifications.models import OutboxMessage
from tests.factories import PersonFactory, VisitFactory
from visits.bulk import COPY_FROM, bulk_insert

pytestmark = pytest.mark.django_db

WHEN = dt.datetime(2027, 3, 22, 8, 30, tzinfo=dt.UTC)


def rows(visit, person, count, *, prefix="k"):
    return [
        OutboxMessage(
            idempotency_key=f"{prefix}:{i}",
            kind="invitation",
            visit=visit,
            person_id=person.pk,
            session_key=i,
            sequence=i % 3,
            role="expert",
            snapshot={"title": f"Sessión «{i}»", "n": [i, None, True]} if i % 3 else None,
            payload={"expert": i} if i % 5 == 0 else None,
            to_email=f"person{i}@example.org",
            language="sv",
            send_at=WHEN + dt.timedelta(minutes=i),
            message_id=f"<outbox.{i}@example.org>",
        )
        for i in range(count)
    ]


def one_row(visit, person, key):
    """A row written the ordinary way (Django's INSERT), beside those bulk_insert wrote."""
    return OutboxMessage.objects.create(
        idempotency_key=key,
        kind="invitation",
        visit=visit,
        person=person,
        to_email="a@example.org",
        send_at=WHEN,
    )


def test_many_rows_read_back_as_bulk_create_writes_them():
    visit, person = VisitFactory(), PersonFactory()
    big = bulk_insert(OutboxMessage, rows(visit, person, COPY_FROM + 1, prefix="copy"))
    small = OutboxMessage.objects.bulk_create(rows(visit, person, COPY_FROM + 1, prefix="insert"))
    assert all(row.pk is not None for row in big)
    assert len({row.pk for row in big}) == len(big)
    fields = [
        f.attname for f in OutboxMessage._meta.concrete_fields if f.attname not in ("id", "idempotency_key")
    ]
    fields = [f for f in fields if f not in ("created_at", "updated_at")]
    copied = {
        r["idempotency_key"].split(":")[1]: r
        for r in OutboxMessage.objects.filter(pk__in=[row.pk for row in big]).values(
            "idempotency_key", *fields
        )
    }
    inserted = {
        r["idempotency_key"].split(":")[1]: r
        for r in OutboxMessage.objects.filter(pk__in=[row.pk for row in small]).values(
            "idempotency_key", *fields
        )
    }
    assert len(copied) == COPY_FROM + 1
    for key, row in inserted.items():
        assert {**copied[key], "idempotency_key": None} == {**row, "idempotency_key": None}
    # The primary keys set on the instances are the rows' own, and the times Django sets are set.
    first = OutboxMessage.objects.get(pk=big[7].pk)
    assert first.idempotency_key == "copy:7"
    assert first.snapshot == {"title": "Sessión «7»", "n": [7, None, True]}
    assert first.created_at is not None and first.updated_at is not None
    assert big[7]._state.adding is False


def test_many_rows_are_one_sequence_read_and_one_copy_and_a_new_row_after_them_gets_a_fresh_id():
    visit, person = VisitFactory(), PersonFactory()
    with CaptureQueriesContext(connection) as queries:
        written = bulk_insert(OutboxMessage, rows(visit, person, COPY_FROM))
    if connection.vendor == "postgresql":
        # The ids from the sequence, then the COPY (in Django's query log as its INSERT would be).
        assert len(queries) == 2
        assert "nextval" in queries[0]["sql"]
        assert queries[1]["sql"].startswith('COPY "notifications_outboxmessage"')
    after = one_row(visit, person, "after")
    assert after.pk > max(row.pk for row in written)


def test_a_taken_key_is_djangos_integrity_error_and_nothing_of_the_set_is_written():
    visit, person = VisitFactory(), PersonFactory()
    one_row(visit, person, "dup:3")
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk_insert(OutboxMessage, rows(visit, person, COPY_FROM, prefix="dup"))
    assert OutboxMessage.objects.filter(idempotency_key__startswith="dup:").count() == 1


def test_audit_entries_in_bulk_keep_their_json_and_defaults():
    entries = bulk_insert(
        AuditEntry,
        [
            AuditEntry(
                actor_kind=ActorKind.SYSTEM,
                door="admin",
                action="create",
                object_type="notifications.outboxmessage",
                object_id=i,
                object_repr=f"Inbjudan {i}",
                changes={"status": [None, "queued"], "to_email": [None, f"p{i}@example.org"]},
                visit_id=1,
            )
            for i in range(COPY_FROM)
        ],
    )
    stored = AuditEntry.objects.get(pk=entries[42].pk)
    assert stored.changes == {"status": [None, "queued"], "to_email": [None, "p42@example.org"]}
    assert stored.object_repr == "Inbjudan 42"
    assert stored.redacted is False
    assert stored.at is not None


def test_a_few_rows_whose_ids_nobody_wants_are_one_copy_on_postgresql_and_written_whole():
    visit, person = VisitFactory(), PersonFactory()
    few = rows(visit, person, 3)
    with CaptureQueriesContext(connection) as queries:
        written = bulk_insert(OutboxMessage, few, ids=False)
    assert len(queries) == 1
    if connection.vendor == "postgresql":
        assert queries[0]["sql"].startswith('COPY "notifications_outboxmessage"')
        assert all(row.pk is None for row in written)
    stored = OutboxMessage.objects.filter(visit=visit).order_by("pk")
    assert [row.idempotency_key for row in stored] == [row.idempotency_key for row in few]
    # The ids come from the table's own default, in order, and the next row gets a fresh one.
    ids = [row.pk for row in stored]
    assert ids == sorted(ids) and len(set(ids)) == 3
    after = one_row(visit, person, "after-few")
    assert after.pk > max(ids)
