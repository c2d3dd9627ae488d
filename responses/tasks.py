"""The coordinators' daily digest of experts' confirmations (run hourly by beat; sends once a day)."""

import datetime as dt
from collections import defaultdict

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from notifications.models import OutboxMessage
from notifications.outbox import Recipient, coordinators_of, dispatch_on_commit, notice_row
from responses.models import ExpertAnswer
from visits.models import SessionExpert


@shared_task(ignore_result=True)
def send_confirmation_digests(now: dt.datetime | None = None) -> int:
    """One digest per coordinator per day, from CONFIRMATION_DIGEST_HOUR, of the confirmations not yet told.
    Returns how many digests were written. Safe to run twice: a coordinator's digest of a day is one row."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    if local.hour < settings.CONFIRMATION_DIGEST_HOUR:
        return 0
    with transaction.atomic():
        pending = list(
            ExpertAnswer.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(response=SessionExpert.Response.CONFIRMED, told_at__isnull=True)
            .select_related("expert__session")
            .order_by("created_at", "pk")
        )
        if not pending:
            return 0
        coordinators = coordinators_of({a.expert.session.visit_id for a in pending})
        by_recipient: dict[Recipient, list[ExpertAnswer]] = defaultdict(list)
        for answer in pending:
            for recipient in coordinators[answer.expert.session.visit_id]:
                by_recipient[recipient].append(answer)
        day = local.date().isoformat()
        told: set[int] = set()
        written: list[int] = []
        for recipient, answers in by_recipient.items():
            message = notice_row(
                recipient,
                key=f"digest:{day}",
                visit_id=answers[0].expert.session.visit_id,
                send_at=now,
                payload={"notice": "digest", "answers": [a.pk for a in answers]},
            )
            if OutboxMessage.objects.filter(idempotency_key=message.idempotency_key).exists():
                continue  # today's digest went out already: these wait for tomorrow's
            message.save(force_insert=True)
            written.append(message.pk)
            told.update(a.pk for a in answers)
        ExpertAnswer.objects.filter(pk__in=told).update(told_at=now)
        dispatch_on_commit(written)
    return len(written)
