"""A publish in two transactions: the version under the visit's row lock, then its messages without it.

What is pinned: the lock is free while the messages are written; a version whose messages could not be
written stays published and pending, and the outbox sweep writes them; two pending versions' messages are
written in version order; and every publish leaves nothing pending.
"""

import threading
from collections.abc import Iterator

import pytest
from django.db import DatabaseError, connection, transaction

from notifications.models import MessageKind, OutboxMessage
from notifications.tasks import sweep_outbox
from scheduling.models import ProgrammeVersion
from scheduling.publishing import programme_publish, write_all_pending_messages
from scheduling.signals import programme_published
from tests.factories import SessionExpertFactory, SessionFactory, VisitFactory, stockholm
from visits.models import Session, Visit


@pytest.fixture
def visit(db) -> Visit:
    visit = VisitFactory.create()
    session = SessionFactory.create(
        visit=visit, title="How the police work", starts_at=stockholm(2027, 3, 23, 9)
    )
    SessionExpertFactory.create(session=session)
    SessionExpertFactory.create(session=session)
    return visit


class Broken(Exception):
    pass


@pytest.fixture
def messages_fail() -> Iterator[None]:
    """The second transaction fails (as a publisher dying after its first commit leaves it): a receiver of
    the signal raises."""

    def fail(**kwargs: object) -> None:
        raise Broken("the writer of the messages died")

    programme_published.connect(fail, dispatch_uid="test.messages_fail")
    yield
    programme_published.disconnect(dispatch_uid="test.messages_fail")


def invitations(visit: Visit) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(visit=visit, kind=MessageKind.INVITATION).order_by("pk"))


def test_a_publish_leaves_its_version_with_its_messages_written(visit: Visit) -> None:
    version = programme_publish(visit=visit, actor=None)
    assert version is not None
    version.refresh_from_db()
    assert version.messages_pending is False
    assert len(invitations(visit)) == 2
    assert ProgrammeVersion.objects.filter(messages_pending=True).count() == 0


def test_a_version_whose_messages_failed_stays_published_and_the_sweep_writes_them(
    visit: Visit, messages_fail: None, caplog: pytest.LogCaptureFixture
) -> None:
    version = programme_publish(visit=visit, actor=None)
    # The coordinator's publish stands: the version, its changes, the visit published; no message yet.
    assert version is not None and version.number == 1
    assert ProgrammeVersion.objects.get(pk=version.pk).messages_pending is True
    assert Visit.objects.get(pk=visit.pk).status == Visit.Status.PUBLISHED
    assert invitations(visit) == []
    assert "will be written by the outbox sweep" in caplog.text

    # While it keeps failing, the sweep logs and leaves the version pending; then it writes them once.
    assert write_all_pending_messages() == 0
    assert ProgrammeVersion.objects.get(pk=version.pk).messages_pending is True
    programme_published.disconnect(dispatch_uid="test.messages_fail")
    sweep_outbox()
    assert ProgrammeVersion.objects.get(pk=version.pk).messages_pending is False
    assert len(invitations(visit)) == 2
    sweep_outbox()
    assert len(invitations(visit)) == 2


def test_pending_versions_are_written_in_version_order_by_the_next_publish(
    visit: Visit, messages_fail: None
) -> None:
    first = programme_publish(visit=visit, actor=None)
    programme_published.disconnect(dispatch_uid="test.messages_fail")
    session = Session.objects.get(visit=visit)
    session.title = "How the police work in Sweden"
    session.save()
    second = programme_publish(visit=visit, actor=None)
    assert first is not None and second is not None
    assert not ProgrammeVersion.objects.filter(visit=visit, messages_pending=True).exists()
    rows = invitations(visit)
    # Two per version, version 1's written first (lower ids), each at its own SEQUENCE.
    assert [row.version_number for row in rows] == [1, 1, 2, 2]
    assert rows[0].sequence < rows[-1].sequence


@pytest.mark.django_db(transaction=True)
def test_the_visit_is_not_locked_while_the_messages_are_written(visit: Visit) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL's row locks (NOWAIT); CI runs PostgreSQL.")
    writing, done = threading.Event(), threading.Event()
    seen: list[str] = []

    def hold(**kwargs: object) -> None:
        writing.set()
        done.wait(timeout=20)

    def other_coordinator() -> None:
        try:
            writing.wait(timeout=20)
            with transaction.atomic():
                # NOWAIT: an error at once if the publisher still held the visit's row.
                Visit.objects.select_for_update(nowait=True).get(pk=visit.pk)
                version = ProgrammeVersion.objects.get(visit=visit)
                seen.append(f"locked, version {version.number} pending={version.messages_pending}")
        except DatabaseError as error:
            seen.append(f"could not lock: {error}")
        finally:
            done.set()
            connection.close()

    programme_published.connect(hold, dispatch_uid="test.hold")
    try:
        thread = threading.Thread(target=other_coordinator)
        thread.start()
        programme_publish(visit=visit, actor=None)
        thread.join(timeout=30)
    finally:
        programme_published.disconnect(dispatch_uid="test.hold")
    assert seen == ["locked, version 1 pending=True"]
    assert len(invitations(visit)) == 2
