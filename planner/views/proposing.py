"""The planner's "Propose a programme": list the sessions a visit wants, ask the solver, and see its draft
beside the saved sessions, with its score and the warnings it could not avoid; accept it whole or session by
session, pin some and propose again, repair it, or discard it. Nothing is saved before acceptance."""

import datetime as dt
from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from planner.board import Draft
from proposals.forms import WantedSessionForm
from proposals.models import OPEN, Proposal, WantedSession
from proposals.reasons import reason_text
from proposals.services import (
    proposal_accept,
    proposal_discard,
    proposal_request,
    wanted_session_create,
    wanted_session_delete,
)
from visits.access import access_visit, actor_of, coordinator_required
from visits.models import Session, Visit
from visits.services import Refused

TERMS = {
    "holiday": _("Sessions on public holidays"),
    "weekend": _("Sessions on weekends"),
    "language": _("Sessions in a language the delegation lacks, no interpreter"),
    "journeys": _("Journeys between venues"),
    "balance": _("Minutes between the fullest and the emptiest day"),
    "preferred": _("Minutes away from preferred times"),
    "early": _("Early starts"),
    "moved": _("Sessions moved (repair)"),
}


@coordinator_required
@require_http_methods(["GET", "POST"])
def propose(request: HttpRequest, visit_id: int) -> HttpResponse:
    """The wanted sessions, the form to add one, and the button that asks for a proposal."""
    visit = access_visit(request.user, visit_id)
    form = WantedSessionForm(visit=visit, user=request.user)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "add":
            form = WantedSessionForm(request.POST, visit=visit, user=request.user)
            if form.is_valid():
                wanted_session_create(visit=visit, data=form.cleaned_data, actor=actor_of(request))
                messages.success(request, gettext("Added to the sessions wanted."))
                return redirect("planner:propose", visit.pk)
        elif action == "remove":
            wanted = get_object_or_404(
                WantedSession, visit=visit, pk=_number(request.POST.get("wanted")), session__isnull=True
            )
            wanted_session_delete(wanted=wanted, actor=actor_of(request))
            return redirect("planner:propose", visit.pk)
        elif action == "propose":
            proposal = proposal_request(visit=visit, actor=actor_of(request))
            return redirect("planner:proposal", visit.pk, proposal.pk)
        else:
            return HttpResponse(gettext("action: give add, remove or propose."), status=400)
    return render(request, "planner/propose.html", _page(visit, form=form))


@coordinator_required
@require_http_methods(["GET", "POST"])
def proposal(request: HttpRequest, visit_id: int, proposal_id: int) -> HttpResponse:
    """One proposal: its progress while the solver works, then its draft apart from the saved sessions."""
    visit = access_visit(request.user, visit_id)
    found = get_object_or_404(Proposal, visit=visit, pk=proposal_id)
    if request.method == "POST":
        return _act(request, visit, found)
    return render(request, "planner/proposal.html", {**_page(visit), **_draft(visit, found)})


def _act(request: HttpRequest, visit: Visit, found: Proposal) -> HttpResponse:
    action = request.POST.get("action", "")
    chosen = request.POST.getlist("key")
    actor = actor_of(request)
    # The board's draft panel posts here too (no write path of its own) and asks to come back to the board.
    from_board = request.POST.get("back") == "board"
    try:
        if action == "accept":
            created = proposal_accept(proposal=found, keys=chosen or None, actor=actor)
            messages.success(request, gettext("%(count)d sessions saved.") % {"count": len(created)})
            if from_board:
                return redirect("planner:board", visit.pk)
            return redirect("planner:proposal", visit.pk, found.pk)
        if action == "discard":
            proposal_discard(proposal=found, actor=actor)
            messages.success(request, gettext("The proposal was discarded; nothing of it was saved."))
            return redirect("planner:board" if from_board else "planner:propose", visit.pk)
        if action in ("pin", "repair"):
            keys = [key for key in chosen if key.startswith("w")] if action == "pin" else []
            again = proposal_request(
                visit=visit, actor=actor, pinned=keys, repair_of=found, repair=action == "repair"
            )
            return redirect("planner:proposal", visit.pk, again.pk)
    except Refused as refused:
        messages.error(request, str(refused))
        if from_board:
            return redirect("planner:board", visit.pk)
        return redirect("planner:proposal", visit.pk, found.pk)
    return HttpResponse(gettext("action: give accept, discard, pin or repair."), status=400)


def open_proposal(visit: Visit) -> tuple[Proposal | None, list[Draft]]:
    """The visit's newest proposal still open (a programme found, neither accepted nor discarded), and its
    sessions not yet accepted, for the board to draw as drafts. One query; the fixed points are saved
    sessions the board draws already."""
    found = Proposal.objects.filter(visit_id=visit.pk, status__in=OPEN).order_by("-pk").first()
    if found is None:
        return None, []
    drafts = [
        Draft(
            key=row["key"],
            title=row["title"],
            starts_at=dt.datetime.fromisoformat(row["start"]),
            ends_at=dt.datetime.fromisoformat(row["end"]),
            expert_name=row.get("expert_name") or "",
            venue_name=row.get("venue_name") or "",
        )
        for row in found.placements
        if not row.get("fixed") and row["key"] not in found.accepted
    ]
    return found, drafts


def _number(text: str | None) -> int:
    return int(text) if text and text.isdigit() else 0


def _page(visit: Visit, **extra: Any) -> dict[str, Any]:
    wanted = list(
        WantedSession.objects.filter(visit=visit, session__isnull=True).prefetch_related(
            "experts", "venues", "after"
        )
    )
    recent = list(Proposal.objects.filter(visit=visit).order_by("-pk")[:5])
    return {"visit": visit, "page": "propose", "wanted": wanted, "recent": recent, **extra}


def _draft(visit: Visit, found: Proposal) -> dict[str, Any]:
    """The proposal's days, each with the saved sessions and the proposed ones apart; its score's lines."""
    zone = visit.zone
    days: dict[dt.date, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: {"saved": [], "proposed": []})
    day = visit.starts_on
    while day <= visit.ends_on:
        days[day]  # every day of the visit, empty or not
        day += dt.timedelta(days=1)
    for session in Session.objects.filter(visit=visit).active().select_related("venue").order_by("starts_at"):
        start = session.starts_at.astimezone(zone)
        days[start.date()]["saved"].append(
            {
                "title": session.title,
                "start": start,
                "end": session.ends_at.astimezone(zone),
                "venue": session.venue,
            }
        )
    moved = set(found.moved)
    for row in found.placements:
        if row.get("fixed"):
            continue
        start = dt.datetime.fromisoformat(row["start"]).astimezone(zone)
        days[start.date()]["proposed"].append(
            {
                **row,
                "start": start,
                "end": dt.datetime.fromisoformat(row["end"]).astimezone(zone),
                "accepted": row["key"] in found.accepted,
                "pinned": row["key"] in found.pinned,
                "moved": row["key"] in moved,
            }
        )
    score = [{**line, "label": str(TERMS.get(line["term"], line["term"]))} for line in found.score]
    return {
        "proposal": found,
        "days": sorted(days.items()),
        "score": score,
        "explanation": [reason_text(r["code"], r["params"]) for r in found.reasons],
        "working": found.status in (Proposal.Status.QUEUED, Proposal.Status.SOLVING),
        "moved_titles": [row["title"] for row in found.placements if row["key"] in moved],
    }
