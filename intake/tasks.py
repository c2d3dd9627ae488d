"""The retention task: run daily by beat, it erases the personal data of requests for a visit whose
retention period ran out (intake.services.requests_due)."""

import logging

from celery import shared_task

from intake.services import request_erase, requests_due

log = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def erase_old_requests() -> int:
    """Erase every request due, one transaction each; return how many. Safe to run twice: an erased
    request is no longer due."""
    erased = 0
    for visit_request in requests_due():
        request_erase(visit_request=visit_request, actor=None)
        erased += 1
    if erased:
        log.info("Erased the personal data of %d requests for a visit", erased)
    return erased
