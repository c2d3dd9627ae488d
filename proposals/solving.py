"""One proposal solved: gather the problem, run the solver with progress written to the row, store the
draft programme with its score and the warnings it could not avoid, or the reasons there is none."""

import datetime as dt
import threading
from typing import Any

from django.db import connections
from django.utils import timezone, translation

from proposals.domain.check import conflicts_of
from proposals.domain.values import Placement, Problem, Status
from proposals.gather import problem_for
from proposals.models import Proposal, ProposalStatus
from proposals.services import placements_of, proposal_move

STATUS = {
    Status.OPTIMAL: ProposalStatus.OPTIMAL,
    Status.FEASIBLE: ProposalStatus.FOUND,
    Status.INFEASIBLE: ProposalStatus.INFEASIBLE,
    Status.UNKNOWN: ProposalStatus.UNKNOWN,
}


def problem_of(proposal: Proposal) -> Problem:
    previous = placements_of(proposal.repair_of) if proposal.repair_of is not None else {}
    pinned = {key: previous[key] for key in proposal.pinned if key in previous}
    return problem_for(proposal.visit, pinned=pinned, previous=previous if proposal.is_repair else None)


def run_proposal(proposal: Proposal) -> str:
    problem = problem_of(proposal)
    progress: list[dict[str, Any]] = []
    caller = threading.get_ident()

    # OR-Tools (and the pandas it imports) costs every worker a second and tens of MB at start: import it
    # when a proposal is solved, not when the worker loads its tasks.
    from proposals.domain.solve import Progress, solve

    def report(step: Progress) -> None:
        progress.append({"objective": step.objective, "bound": step.bound, "seconds": round(step.seconds, 3)})
        Proposal.objects.filter(pk=proposal.pk).update(progress=progress)
        if threading.get_ident() != caller:
            # CP-SAT calls back from its own threads: close the connection Django opened for this one.
            connections.close_all()

    run = solve(problem, on_progress=report)
    result = run.proposal
    proposal.progress = progress
    proposal_move(
        proposal=proposal,
        to=STATUS[result.status],
        placements=[placement_json(problem, p) for p in result.placements],
        score=[
            {"term": line.term, "amount": line.amount, "weight": line.weight, "points": line.points}
            for line in result.score
        ],
        warnings=warnings_json(problem, result.placements) if result.found else [],
        reasons=[{"code": r.code, "params": dict(r.params)} for r in result.reasons],
        moved=list(result.moved),
        objective=result.objective if result.found else None,
        bound=result.bound,
        seconds=round(result.seconds, 3),
        finished_at=timezone.now(),
        progress=progress,
    )
    return str(result.status)


def placement_json(problem: Problem, placement: Placement) -> dict[str, Any]:
    wanted = problem.wanted_by_key()[placement.key]
    return {
        "key": placement.key,
        "title": wanted.title,
        "kind": wanted.kind,
        "start": placement.start.astimezone(dt.UTC).isoformat(),
        "end": placement.end.astimezone(dt.UTC).isoformat(),
        "expert": placement.expert,
        "expert_name": problem.person(placement.expert) if placement.expert is not None else "",
        "venue": placement.venue,
        "venue_name": problem.venue_name(placement.venue),
        "fixed": wanted.fixed,
        "session": wanted.session_id,
    }


def warnings_json(problem: Problem, placements: tuple[Placement, ...]) -> list[dict[str, str]]:
    """The checker's warnings on the proposal that name only this visit's sessions, in English and Swedish
    (the proposal is read in either)."""
    found = []
    for conflict in conflicts_of(problem, placements):
        if any(visit != problem.visit_id for _, visit in conflict.named):
            continue
        messages = {}
        for language in ("en", "sv"):
            with translation.override(language):
                messages[language] = conflict.message(language)
        found.append({"kind": str(conflict.kind), "key": conflict.key, **messages})
    return found
