"""The coordinators' daily digest of experts' confirmations (run hourly by beat; sends once a day)."""

import datetime as dt
from collections import defaultdict

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from notifications.models import MessageKind, OutboxMessage
from notifications.outbox import dispatch_on_commit, new_message_id
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
            .select_related("expert__session__visit")
            .order_by("created_at", "pk")
        )
        if not pending:
            return 0
        by_recipient: dict[tuple[int | None, str], list[ExpertAnswer]] = defaultdict(list)
        visits = {a.expert.session.visit_id: a.expert.session.visit for a in pending}
        coordinators: dict[int, list[tuple[int | None, str]]] = defaultdict(list)
        for visit in visits.values():
            for pk, email in visit.coordinators.exclude(email="").values_list("pk", "email"):
                coordinators[visit.pk].append((pk, email))
        for answer in pending:
            visit_id = answer.expert.session.visit_id
            for recipient in coordinators.get(visit_id) or [(None, settings.ORGANIZER_EMAIL)]:
                by_recipient[recipient].append(answer)
        day = local.date().isoformat()
        told: set[int] = set()
        written: list[int] = []
        for (user_id, email), answers in by_recipient.items():
            key = f"digest:{day}:to:{user_id or email}"
            if OutboxMessage.objects.filter(idempotency_key=key).exists():
                continue  # today's digest went out already: these wait for tomorrow's
            message = OutboxMessage.objects.create(
                idempotency_key=key,
                kind=MessageKind.NOTICE,
                visit_id=answers[0].expert.session.visit_id,
                user_id=user_id,
                to_email=email,
                language=settings.LANGUAGE_CODE.split("-")[0],
                send_at=now,
                message_id=new_message_id(),
                payload={"notice": "digest", "answers": [a.pk for a in answers]},
            )
            written.append(message.pk)
            told.update(a.pk for a in answers)
        ExpertAnswer.objects.filter(pk__in=told).update(told_at=now)
        dispatch_on_commit(written)
    return len(written)
