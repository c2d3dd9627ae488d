"""A delivery batch pipelined over one SMTP connection (RFC 2920), against a real aiosmtpd server: what each
message's row says afterwards when one recipient is refused, a reply is temporary, or the connection drops;
and how many statements a batch's claim and marks take."""

import smtplib

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from typing_extensions import Buffer

from notifications.models import OutboxMessage, PersonalToken
from notifications.pipelining import ConnectionLost, Envelope, Pipeline
from notifications.tasks import deliver_outbox
from notifications.tokens import person_tokens
from scheduling.publishing import programme_publish
from tests.factories import SessionExpertFactory, SessionFactory, VisitFactory, stockholm
from tests.support.smtp import Handler, SmtpServer, deliver_to
from visits.models import Person

pytestmark = pytest.mark.django_db


def invitations(experts: int) -> list[OutboxMessage]:
    """A published session led by `experts` experts: their invitations, queued and due, in id order."""
    visit = VisitFactory.create()
    session = SessionFactory.create(
        visit=visit, starts_at=stockholm(2027, 3, 23, 9), ends_at=stockholm(2027, 3, 23, 10)
    )
    for _ in range(experts):
        SessionExpertFactory.create(session=session)
    programme_publish(visit=visit, actor=None)  # the rows only: on_commit does not run in this test
    person_tokens(Person.objects.filter(expert_sessions=session))  # as publish does after commit
    rows = list(
        OutboxMessage.objects.filter(visit=visit, kind="invitation", role="expert", status="queued").order_by(
            "pk"
        )
    )
    assert len(rows) == experts
    return rows


@pytest.fixture
def server(settings):
    """An aiosmtpd server offering PIPELINING; retries stay in the database (no broker in these tests)."""
    with SmtpServer(Handler()) as running:
        deliver_to(running, settings, CELERY_TASK_ALWAYS_EAGER=True, OUTBOX_RETRY_BASE_SECONDS=60)
        yield running


def statuses(rows: list[OutboxMessage]) -> list[str]:
    return [OutboxMessage.objects.get(pk=row.pk).status for row in rows]


def test_a_refused_recipient_fails_only_its_own_message_in_a_pipelined_batch(server):
    rows = invitations(5)
    server.handler.refuse = {rows[2].to_email: "550 5.1.1 No such user"}
    assert deliver_outbox([row.pk for row in rows]) == 4
    assert statuses(rows) == ["sent", "sent", "failed", "sent", "sent"]
    failed = OutboxMessage.objects.get(pk=rows[2].pk)
    assert failed.last_error.startswith(f"{rows[2].to_email}: 550 5.1.1 No such user")
    # The refusal left the server's transaction open: the next message still went, over the same connection.
    assert server.handler.connections == 1
    arrived = server.handler.outbox_ids()
    assert arrived == {str(row.pk): 1 for row in rows if row.pk != rows[2].pk}


def test_a_temporary_reply_puts_only_that_message_back_in_the_queue(server):
    rows = invitations(5)
    server.handler.refuse = {rows[1].to_email: "450 4.2.1 Mailbox busy"}
    server.handler.script = ["250 2.0.0 Accepted", "250 2.0.0 Accepted", "451 4.3.0 Try later"]
    before = timezone.now()
    deliver_outbox([row.pk for row in rows])
    # rows[1] refused at RCPT (4xx); rows[3] is the third DATA, answered 451.
    assert statuses(rows) == ["sent", "queued", "sent", "queued", "sent"]
    for row in (rows[1], rows[3]):
        again = OutboxMessage.objects.get(pk=row.pk)
        assert again.attempts == 1
        assert again.send_at > before  # backed off
        assert again.sending_since is None
    assert OutboxMessage.objects.get(pk=rows[1].pk).last_error.endswith("450 4.2.1 Mailbox busy")
    assert OutboxMessage.objects.get(pk=rows[3].pk).last_error == "451 4.3.0 Try later"


def test_a_dropped_connection_marks_what_was_accepted_and_queues_the_rest(server):
    rows = invitations(6)
    server.handler.drop_at = 3  # the third message's DATA: cut without a reply
    assert deliver_outbox([row.pk for row in rows]) == 2
    assert statuses(rows) == ["sent", "sent", "queued", "queued", "queued", "queued"]
    assert all(OutboxMessage.objects.get(pk=row.pk).attempts == 1 for row in rows)
    assert "SMTPServerDisconnected" in OutboxMessage.objects.get(pk=rows[2].pk).last_error
    assert set(server.handler.outbox_ids()) == {str(rows[0].pk), str(rows[1].pk)}


class CountingSMTP(smtplib.SMTP):
    """smtplib's client, counting its writes to the socket."""

    writes = 0

    def send(self, s: Buffer | str) -> None:
        self.writes += 1
        super().send(s)


def message(number: int, body: str = "Hello") -> bytes:
    return (
        f"From: a@example.org\r\nTo: b{number}@example.org\r\nSubject: {number}\r\n"
        f"X-Visitplan-Outbox-Id: {number}\r\n\r\n{body}\r\n"
    ).encode()


@pytest.mark.parametrize("pipelining", [True, False])
def test_the_pipeline_sends_each_message_in_one_write_where_offered_with_the_same_outcomes(pipelining):
    refused = "b3@example.org"
    handler = Handler(pipelining=pipelining, refuse={refused: "550 5.1.1 No such user"})
    with SmtpServer(handler) as server:
        smtp = CountingSMTP("127.0.0.1", server.port)
        pipeline = Pipeline(smtp)
        assert pipeline.offered is pipelining
        smtp.writes = 0
        outcomes = []
        for number in range(1, 6):
            # A line that starts with a dot arrives as written (dot-stuffing).
            data = message(number, body=".a line with a leading dot\r\n..and two")
            outcomes += pipeline.send(Envelope(number, "a@example.org", [f"b{number}@example.org"], data))
        outcomes += pipeline.flush()
        writes = smtp.writes
        smtp.quit()
    assert [key for key, _ in outcomes] == [1, 2, 3, 4, 5]
    errors = dict(outcomes)
    assert isinstance(errors.pop(3), smtplib.SMTPRecipientsRefused)
    assert set(errors.values()) == {None}
    assert sorted(r.rcpt_tos[0] for r in handler.received) == [f"b{n}@example.org" for n in (1, 2, 4, 5)]
    for received in handler.received:
        text = received.message.get_content().replace("\r\n", "\n")
        assert text == ".a line with a leading dot\n..and two\n"
    if pipelining:
        # One write per message (its content goes with the next message's commands), one to end the last,
        # and one more after the refused message's commands (its RSET goes with the next).
        assert writes == 6
    else:
        assert writes > 15  # smtplib: a write for each of MAIL, RCPT, DATA and the content


def test_the_pipeline_names_the_messages_in_flight_when_the_connection_drops():
    handler = Handler(drop_at=2)
    with SmtpServer(handler) as server:
        pipeline = Pipeline(smtplib.SMTP("127.0.0.1", server.port))
        outcomes = pipeline.send(Envelope(1, "a@example.org", ["b1@example.org"], message(1)))
        outcomes += pipeline.send(Envelope(2, "a@example.org", ["b2@example.org"], message(2)))
        with pytest.raises(ConnectionLost) as lost:
            pipeline.send(Envelope(3, "a@example.org", ["b3@example.org"], message(3)))
            pipeline.flush()
    assert outcomes == [(1, None)]
    # Message 2's content went out and no reply came; 3 was written with it, or not at all.
    assert 2 in lost.value.in_flight
    assert not lost.value.settled


@pytest.fixture
def published_later(settings, django_capture_on_commit_callbacks):
    """Three experts' session published, delivery eager, with what runs after the commit held back: returns
    the experts and those callbacks, in order."""
    from config.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True  # restored after the test (tests/conftest.py)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    visit = VisitFactory.create()
    session = SessionFactory.create(visit=visit)
    experts = [SessionExpertFactory.create(session=session).person for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        programme_publish(visit=visit, actor=None)
    return experts, callbacks


def test_publishing_makes_the_personal_tokens_the_messages_link_to(published_later):
    experts, callbacks = published_later
    assert not PersonalToken.objects.filter(person__in=experts).exists()  # not inside the publish
    made = [callback for callback in callbacks if callback.__name__ == "make"]
    assert [callback.__name__ for callback in callbacks].index("dispatch") < callbacks.index(made[0])
    made[0]()
    assert PersonalToken.objects.filter(person__in=experts, revoked_at__isnull=True).count() == 3


def test_a_worker_that_gets_there_first_makes_the_tokens_and_the_publish_keeps_them(published_later):
    """Delivery is queued before the publish makes its tokens: a batch delivered first makes its people's,
    the publish's then finds them, and each person keeps one live token, the one their e-mail links to."""
    experts, callbacks = published_later
    for callback in callbacks:  # in order: delivery (eager, here) first, then the tokens
        callback()
    tokens = PersonalToken.objects.filter(person__in=experts, revoked_at__isnull=True)
    assert tokens.count() == 3
    bodies = " ".join(message.body for message in mail.outbox)
    assert len(mail.outbox) == 3 and all(f"/p/{token.token}/" in bodies for token in tokens)


def outbox_statements(queries: list[dict[str, str]]) -> list[str]:
    return [
        q["sql"].split(" ", 1)[0]
        for q in queries
        if q["sql"].startswith(("UPDATE", "SELECT", "INSERT")) and '"notifications_outboxmessage"' in q["sql"]
    ]


def test_a_batch_is_claimed_in_one_statement_and_marked_sent_in_one_per_group(server, settings):
    settings.OUTBOX_MARK_SENT_EVERY = 4
    rows = invitations(10)
    with CaptureQueriesContext(connection) as captured:
        assert deliver_outbox([row.pk for row in rows]) == 10
    updates = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("UPDATE")]
    outbox = [sql for sql in updates if sql.startswith('UPDATE "notifications_outboxmessage"')]
    # One claim, then a mark after every fourth message sent: 4, 4, and the last 2.
    assert len(outbox) == 1 + 3
    if connection.vendor == "postgresql":
        assert "FOR UPDATE SKIP LOCKED" in outbox[0] and "RETURNING" in outbox[0]
    assert [sql for sql in updates if sql not in outbox] == []
    # And the log: one statement per move, whatever its size (on PostgreSQL a COPY, visits.bulk).
    inserts = [
        q
        for q in captured.captured_queries
        if q["sql"].startswith(('INSERT INTO "audit_auditentry"', 'COPY "audit_auditentry"'))
    ]
    assert len(inserts) == 4
    if connection.vendor == "postgresql":
        assert all(q["sql"].startswith("COPY") for q in inserts)
    assert statuses(rows) == ["sent"] * 10


def test_a_batch_reads_in_the_same_number_of_queries_whatever_its_size(server, settings):
    settings.OUTBOX_MARK_SENT_EVERY = 100
    small, large = invitations(3), invitations(12)
    with CaptureQueriesContext(connection) as few:
        deliver_outbox([row.pk for row in small])
    with CaptureQueriesContext(connection) as many:
        deliver_outbox([row.pk for row in large])
    assert len(few.captured_queries) == len(many.captured_queries)
    # The claim and its log entries, the rows, their sessions, experts and tokens, one mark and its log
    # entries; and a savepoint around each of the two moves (the test runs inside a transaction).
    assert len(many.captured_queries) == PINNED_BATCH_QUERIES[connection.vendor]
    assert outbox_statements(many.captured_queries).count("UPDATE") == 2


# On SQLite (the embedded default) each move reads its rows first: one SELECT more per move.
PINNED_BATCH_QUERIES = {"postgresql": 12, "sqlite": 14}
