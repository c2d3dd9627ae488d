"""The daily task that sends the surveys of visits that have ended (run by beat)."""

from celery import shared_task
from django.utils import timezone

from evaluations.services import surveys_send


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def send_surveys() -> int:
    """Queue the survey links (and their reminders) of visits that ended since; return how many outbox rows
    were written. Idempotent: run it as often as you like."""
    return len(surveys_send(today=timezone.localdate()))
