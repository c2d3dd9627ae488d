"""The coordinators' daily digest of experts' confirmations (run hourly by beat; sends once a day)."""

import datetime as dt
from collections import defaultdict

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from notifications.models import MessageKind, OutboxMessage
from notifications.outbox import (
    Recipient,
    coordinators_of,
    dispatch_on_commit,
    notice_key,
    notice_row,
    recipient_tag,
    recipient_tag_of_key,
)
from responses.models import ExpertAnswer
from visits.models import SessionExpert


@shared_task(ignore_result=True)
def send_confirmation_digests(now: dt.datetime | None = None) -> int:
    """One digest per coordinator per day, from CONFIRMATION_DIGEST_HOUR, of the confirmations not yet told.
    Returns how many digests were written. Safe to run twice: a coordinator's digest of a day is one row.

    Each coordinator gets each confirmation once. One who already had today's digest gets a confirmation
    that arrived since in tomorrow's; an answer counts as told once every coordinator of its visit has it.
    """
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
        has = _digested_since(pending[0].created_at)
        key = f"{DIGEST_KEY}{local.date().isoformat()}"
        # Today's digest went out already to these: what they have not had waits for tomorrow's.
        sent_today = set(
            OutboxMessage.objects.filter(
                idempotency_key__in=[notice_key(key, recipient) for recipient in by_recipient]
            ).values_list("idempotency_key", flat=True)
        )
        written: list[int] = []
        for recipient, answers in by_recipient.items():
            who = recipient_tag(recipient)
            fresh = [a for a in answers if a.pk not in has[who]]
            if not fresh or notice_key(key, recipient) in sent_today:
                continue
            message = notice_row(
                recipient,
                key=key,
                visit_id=fresh[0].expert.session.visit_id,
                send_at=now,
                payload={"notice": "digest", "answers": [a.pk for a in fresh]},
            )
            message.save(force_insert=True)
            written.append(message.pk)
            has[who].update(a.pk for a in fresh)
        told = [
            answer.pk
            for answer in pending
            if all(answer.pk in has[recipient_tag(r)] for r in coordinators[answer.expert.session.visit_id])
        ]
        ExpertAnswer.objects.filter(pk__in=told).update(told_at=now)
        dispatch_on_commit(written)
    return len(written)


DIGEST_KEY = "digest:"


def _digested_since(since: dt.datetime) -> defaultdict[str, set[int]]:
    """The answers each recipient has had in a digest written since `since`, by recipient_tag."""
    has: defaultdict[str, set[int]] = defaultdict(set)
    digests = OutboxMessage.objects.filter(
        kind=MessageKind.NOTICE, idempotency_key__startswith=DIGEST_KEY, send_at__gte=since
    ).values_list("idempotency_key", "payload")
    for idempotency_key, payload in digests:
        has[recipient_tag_of_key(idempotency_key)].update((payload or {}).get("answers", []))
    return has
