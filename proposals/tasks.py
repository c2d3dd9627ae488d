"""The solver as a Celery task: it claims a queued proposal, solves, and writes progress as it goes (first
feasible, improving, optimal) so that the page can show it."""

import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from proposals.models import Proposal, ProposalStatus
from proposals.solving import run_proposal

log = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def solve_proposal(proposal_id: int) -> str:
    """Solve one proposal; a duplicate or late delivery finds it claimed or finished and does nothing."""
    with transaction.atomic():
        claimed = Proposal.objects.filter(pk=proposal_id, status=ProposalStatus.QUEUED).update(
            status=ProposalStatus.SOLVING
        )
    if not claimed:
        return "skipped"
    try:
        return run_proposal(Proposal.objects.select_related("visit", "repair_of").get(pk=proposal_id))
    except Exception:
        log.exception("Proposal %s failed", proposal_id)
        Proposal.objects.filter(pk=proposal_id, status=ProposalStatus.SOLVING).update(
            status=ProposalStatus.FAILED, finished_at=timezone.now()
        )
        raise
