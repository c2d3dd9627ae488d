"""The retention task: run daily by beat, it erases the members whose last visit ended
PERSONAL_DATA_RETENTION_DAYS ago (privacy.selectors.people_due)."""

import datetime as dt
import logging

from celery import shared_task
from django.utils import timezone

from privacy.models import ErasureReason
from privacy.selectors import people_due
from privacy.services import person_erase
from visits.services import Refused

log = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def erase_due_personal_data(today: dt.date | None = None) -> int:
    """Erase everyone due, one transaction each, so that one refusal does not keep the others; return how
    many were erased. Safe to run twice: an erased person is no longer due."""
    today = today or timezone.localdate()
    erased = 0
    for person in people_due(today):
        try:
            person_erase(person=person, actor=None, reason=ErasureReason.RETENTION)
        except Refused:
            # On a programme again since the list was read (a later visit published meanwhile): kept.
            log.info("Kept the personal data of person %s: on a programme not over yet", person.pk)
        else:
            erased += 1
    return erased
