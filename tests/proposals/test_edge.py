"""The solver's database edge: gathering a visit's problem, solving it as the task does, and accepting the
draft through the visits services, which write the audit log."""

import pytest

from audit.models import AuditEntry
from proposals.domain.check import conflicts_of
from proposals.gather import problem_for
from proposals.models import Proposal, WantedSession
from proposals.reasons import reason_text
from proposals.services import placements_of, proposal_accept, proposal_discard
from proposals.tasks import solve_proposal
from scheduling.checks import visit_conflict_report
from tests.factories import stockholm
from visits.models import Session
from visits.services import Refused

pytestmark = pytest.mark.django_db


def solved(week, **fields) -> Proposal:
    proposal = Proposal.objects.create(visit=week.visit, requested_by=week.coordinator, **fields)
    assert solve_proposal(proposal.pk) in {"optimal", "feasible", "infeasible"}
    proposal.refresh_from_db()
    return proposal


def test_the_problem_holds_the_wanted_sessions_the_fixed_ones_and_what_is_busy_elsewhere(week):
    problem = problem_for(week.visit)
    wanted = problem.wanted_by_key()
    assert set(wanted) == {week.welcome.key, week.briefing.key, f"s{week.dinner.pk}"}
    assert wanted[week.briefing.key].expert_options == tuple(sorted([week.eva.pk, week.ola.pk]))
    assert wanted[f"s{week.dinner.pk}"].fixed_start == stockholm(2027, 3, 22, 18)
    assert len(wanted[week.welcome.key].participants) == 3
    assert problem.order == ((week.welcome.key, week.briefing.key),)
    assert [b.resource for b in problem.busy] == [f"person:{week.ola.pk}"]
    assert week.eva.pk in problem.context.expert_calendars
    assert problem.context.venue_travel[(week.police.pk, week.prosecution.pk)] == 40


def test_a_solved_proposal_is_a_draft_the_checker_finds_nothing_fatal_in(week):
    sessions_before = Session.objects.count()
    proposal = solved(week)
    assert proposal.status == Proposal.Status.OPTIMAL
    assert proposal.progress and proposal.objective == proposal.bound
    assert Session.objects.count() == sessions_before  # nothing saved before acceptance
    placed = placements_of(proposal)
    welcome, briefing = placed[week.welcome.key], placed[week.briefing.key]
    assert welcome.expert == week.eva.pk and welcome.start.weekday() == 1  # Eva's Tuesday
    assert welcome.end <= briefing.start
    assert placed[f"s{week.dinner.pk}"].start == week.dinner.starts_at
    assert not [c for c in conflicts_of(problem_for(week.visit), tuple(placed.values())) if c.is_fatal]
    assert {line["term"] for line in proposal.score} >= {"holiday", "weekend", "journeys", "balance"}


def test_accepting_session_by_session_saves_through_the_services_and_the_audit_log(week):
    proposal = solved(week)
    created = proposal_accept(proposal=proposal, keys=[week.welcome.key], actor=week.coordinator)
    assert [s.title for s in created] == ["Welcome"]
    session = created[0]
    assert list(session.experts.all()) == [week.eva]
    assert session.venue == week.police
    assert AuditEntry.objects.filter(
        object_type="visits.session", object_id=session.pk, action="create"
    ).exists()
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.OPTIMAL and proposal.accepted == [week.welcome.key]
    assert WantedSession.objects.get(pk=week.welcome.pk).session == session

    proposal_accept(proposal=proposal, actor=week.coordinator)  # the rest
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ACCEPTED
    assert not visit_conflict_report(week.visit).fatal
    # What was accepted is a fixed point now: the next problem has nothing left to want.
    assert all(w.fixed for w in problem_for(week.visit).wanted)


def test_a_discarded_proposal_cannot_be_accepted(week):
    proposal = solved(week)
    proposal_discard(proposal=proposal, actor=week.coordinator)
    with pytest.raises(Refused):
        proposal_accept(proposal=proposal, actor=week.coordinator)
    assert not Session.objects.filter(title="Welcome").exists()


def test_no_programme_says_why_naming_the_expert_and_the_venue(week):
    # The Police Headquarters close on Tuesdays, Eva's only morning.
    week.police.opening_hours.filter(weekday=1).delete()
    proposal = solved(week)
    assert proposal.status == Proposal.Status.INFEASIBLE
    texts = [reason_text(r["code"], r["params"]) for r in proposal.reasons]
    assert "Eva Norrman is free for “Welcome” only at 2027-03-23 08:00–12:00." in texts
    assert any(
        t.startswith("Police Headquarters is open for “Welcome” only at 2027-03-22 08:00") for t in texts
    )
    assert len(texts) == 2


def test_pinning_and_repair_keep_what_they_can(week):
    first = solved(week)
    pinned = solved(week, repair_of=first, pinned=[week.welcome.key])
    assert placements_of(pinned)[week.welcome.key] == placements_of(first)[week.welcome.key]
    # The expert proposed for the briefing declines: the other one must lead it.
    declined = placements_of(first)[week.briefing.key].expert
    other = week.ola if declined == week.eva.pk else week.eva
    week.briefing.experts.set([other])
    repaired = solved(week, repair_of=first, is_repair=True)
    assert repaired.status in {Proposal.Status.OPTIMAL, Proposal.Status.FOUND}
    assert week.briefing.key in repaired.moved
    assert len(repaired.moved) <= 2
    assert placements_of(repaired)[week.briefing.key].expert == other.pk
    kept = set(placements_of(first)) - set(repaired.moved)
    assert all(placements_of(repaired)[key] == placements_of(first)[key] for key in kept)
