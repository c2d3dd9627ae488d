"""The heartbeat on rows in sending, and the sweep that reads it: a dead worker's rows go out again after
OUTBOX_HEARTBEAT_TIMEOUT_SECONDS, a live worker's rows are left alone however long its batch takes."""

import datetime as dt
import time

import pytest
from django.utils import timezone

from notifications.heartbeat import beat, heartbeat, hold, keeps_beating
from notifications.models import OutboxMessage, OutboxStatus, PeriodicRun
from notifications.tasks import sweep_outbox
from tests.factories import OutboxMessageFactory
from tests.support.workers import wait_for


def sending(*, claimed_ago: float, beat_ago: float | None) -> OutboxMessage:
    now = timezone.now()
    row = OutboxMessageFactory.create(status=OutboxStatus.SENDING, attempts=1)
    OutboxMessage.objects.filter(pk=row.pk).update(
        sending_since=now - dt.timedelta(seconds=claimed_ago),
        heartbeat_at=None if beat_ago is None else now - dt.timedelta(seconds=beat_ago),
    )
    return row


def status_of(row: OutboxMessage) -> str:
    row.refresh_from_db()
    return row.status


@pytest.fixture
def quick(settings):
    settings.OUTBOX_HEARTBEAT_TIMEOUT_SECONDS = 30
    settings.OUTBOX_STUCK_SECONDS = 360
    return settings


@pytest.mark.django_db
def test_the_sweep_requeues_rows_whose_heartbeat_went_quiet_and_leaves_beating_ones(quick):
    dead = sending(claimed_ago=200, beat_ago=31)
    slow = sending(claimed_ago=200, beat_ago=5)  # a long batch, still beating
    new = sending(claimed_ago=2, beat_ago=1)
    sweep_outbox.apply()
    assert status_of(dead) == OutboxStatus.QUEUED
    assert status_of(slow) == OutboxStatus.SENDING
    assert status_of(new) == OutboxStatus.SENDING


@pytest.mark.django_db
def test_a_claim_that_never_beat_waits_for_outbox_stuck_seconds(quick):
    """A worker of an older release, or a beat left from an earlier attempt: judged by the claim's age."""
    unbeaten = sending(claimed_ago=200, beat_ago=None)
    earlier_attempt = sending(claimed_ago=200, beat_ago=500)
    abandoned = sending(claimed_ago=361, beat_ago=None)
    sweep_outbox.apply()
    assert status_of(unbeaten) == OutboxStatus.SENDING
    assert status_of(earlier_attempt) == OutboxStatus.SENDING
    assert status_of(abandoned) == OutboxStatus.QUEUED


@pytest.mark.django_db
def test_the_sweep_records_that_it_ran(quick):
    assert not PeriodicRun.objects.exists()
    sweep_outbox.apply()
    first = PeriodicRun.objects.get(task="sweep_outbox").last_run_at
    sweep_outbox.apply()
    assert PeriodicRun.objects.get(task="sweep_outbox").last_run_at > first


@pytest.mark.django_db
def test_a_beat_touches_only_rows_still_in_sending():
    claimed = sending(claimed_ago=5, beat_ago=None)
    done = OutboxMessageFactory.create(status=OutboxStatus.SENT)
    assert beat([claimed.pk, done.pk]) == 1
    claimed.refresh_from_db()
    done.refresh_from_db()
    assert claimed.heartbeat_at is not None and claimed.heartbeat_at >= claimed.sending_since
    assert done.heartbeat_at is None


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_keeps_beating_in_the_background_until_the_block_ends():
    row = sending(claimed_ago=5, beat_ago=None)

    def beat_of() -> dt.datetime | None:
        return OutboxMessage.objects.get(pk=row.pk).heartbeat_at

    with heartbeat([row.pk], interval=0.05):
        first = beat_of()
        assert first is not None  # at once, before the first message goes out
        wait_for(lambda: (beat_of() or first) > first, 5, "a second beat")
    last = beat_of()
    time.sleep(0.3)
    assert beat_of() == last, "the heartbeat went on after the batch"


@pytest.mark.django_db(transaction=True)
def test_a_task_holds_its_heartbeat_until_it_returns_even_when_it_raises(settings):
    settings.OUTBOX_HEARTBEAT_SECONDS = 0.05
    row = sending(claimed_ago=5, beat_ago=None)

    @keeps_beating
    def task() -> None:
        hold([row.pk])
        raise RuntimeError("SMTP went away")

    with pytest.raises(RuntimeError):
        task()
    stopped = OutboxMessage.objects.get(pk=row.pk).heartbeat_at
    assert stopped is not None
    time.sleep(0.3)
    assert OutboxMessage.objects.get(pk=row.pk).heartbeat_at == stopped


def test_hold_outside_a_beating_task_is_a_mistake():
    with pytest.raises(RuntimeError, match="keeps_beating"):
        hold([1])
