"""The coordinators' daily digest of experts' confirmations (run hourly by beat; sends once a day)."""

import datetime as dt
from collections import defaultdict

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from notifications.models import MessageKind, OutboxMessage
from notifications.outbox import Recipient, coordinators_of, dispatch_on_commit, notice_row
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
        written: list[int] = []
        for recipient, answers in by_recipient.items():
            fresh = [a for a in answers if a.pk not in has[_who(recipient)]]
            if not fresh:
                continue
            message = notice_row(
                recipient,
                key=key,
                visit_id=fresh[0].expert.session.visit_id,
                send_at=now,
                payload={"notice": "digest", "answers": [a.pk for a in fresh]},
            )
            if OutboxMessage.objects.filter(idempotency_key=message.idempotency_key).exists():
                continue  # today's digest went out already: these wait for tomorrow's
            message.save(force_insert=True)
            written.append(message.pk)
            has[_who(recipient)].update(a.pk for a in fresh)
        told = [
            answer.pk
            for answer in pending
            if all(answer.pk in has[_who(r)] for r in coordinators[answer.expert.session.visit_id])
        ]
        ExpertAnswer.objects.filter(pk__in=told).update(told_at=now)
        dispatch_on_commit(written)
    return len(written)


DIGEST_KEY = "digest:"


def _who(recipient: Recipient) -> str:
    """How notice_row names a recipient at the end of its key."""
    user_id, email = recipient
    return str(user_id or email)


def _digested_since(since: dt.datetime) -> defaultdict[str, set[int]]:
    """The answers each recipient has had in a digest written since `since`, by how notice_row names them."""
    has: defaultdict[str, set[int]] = defaultdict(set)
    digests = OutboxMessage.objects.filter(
        kind=MessageKind.NOTICE, idempotency_key__startswith=DIGEST_KEY, send_at__gte=since
    ).values_list("idempotency_key", "payload")
    for idempotency_key, payload in digests:
        who = idempotency_key.rsplit(":to:", 1)[-1]
        has[who].update((payload or {}).get("answers", []))
    return has
