"""The solver's pure core: proposals that today's checker finds nothing fatal in, fixed points kept, and the
reasons when no programme exists."""

import datetime as dt
from dataclasses import replace

from proposals.domain.check import conflicts_of
from proposals.domain.score import objective
from proposals.domain.solve import propose
from proposals.domain.values import Busy, Status
from scheduling.conflicts import ConflictKind, Rules
from tests.proposals.world import (
    AMIR,
    EVA,
    OLA,
    POLICE,
    PROSECUTION,
    STOCKHOLM,
    UNIVERSITY,
    at,
    closed_on,
    problem,
    session,
    weekly,
)

# What the solver treats as hard besides the checker's fatal rules.
HARD_WARNINGS = {
    ConflictKind.OUTSIDE_EXPERT_AVAILABILITY,
    ConflictKind.OUTSIDE_OPENING_HOURS,
    ConflictKind.DAY_TOO_LONG,
    ConflictKind.NO_MEAL_BREAK,
    ConflictKind.TOO_MANY_SESSIONS,
}


def a_week():
    return problem(
        session("welcome", 60, venue_options=(POLICE,), expert_options=(EVA,)),
        session("briefing", 90, venue_options=(POLICE, PROSECUTION), expert_options=(EVA, OLA)),
        session("site", 120, venue_options=(UNIVERSITY,), expert_options=(AMIR,), preferred_time=dt.time(13)),
        session("research", 120, venue_options=(UNIVERSITY,), expert_options=(AMIR,)),
        session("dinner", 120, kind="meal", fixed_start=at(0, 18)),
        order=(("welcome", "briefing"), ("briefing", "site")),
        expert_calendars={EVA: weekly((1, 8, 12), (2, 8, 12)), AMIR: weekly((3, 9, 17))},
        travel={(POLICE, UNIVERSITY): 60, (PROSECUTION, UNIVERSITY): 60},
        days=4,
    )


def test_a_proposal_places_every_session_and_the_checker_finds_nothing_it_must_not():
    week = a_week()
    proposal = propose(week)
    assert proposal.status is Status.OPTIMAL
    placed = proposal.by_key()
    assert set(placed) == {"welcome", "briefing", "site", "research", "dinner"}
    assert placed["dinner"].start == at(0, 18)
    assert placed["welcome"].end <= placed["briefing"].start
    assert placed["briefing"].end <= placed["site"].start
    assert placed["welcome"].start.astimezone(STOCKHOLM).weekday() in (1, 2)
    # Amir is free only on Thursday: both his sessions are then, one after the other with no journey.
    assert {placed[k].start.astimezone(STOCKHOLM).weekday() for k in ("site", "research")} == {3}
    found = conflicts_of(week, proposal.placements)
    assert [c for c in found if c.is_fatal or c.kind in HARD_WARNINGS] == []


def test_the_score_is_the_objective_the_solver_proved_best():
    week = a_week()
    proposal = propose(week)
    assert proposal.optimal
    assert proposal.bound == proposal.objective == objective(week, proposal.placements)
    assert {line.term for line in proposal.score} >= {
        "holiday",
        "weekend",
        "journeys",
        "balance",
        "preferred",
    }


def test_the_delegation_gets_time_to_travel_between_venues():
    week = problem(
        session("police", 120, venue_options=(POLICE,), earliest_time=dt.time(9), latest_time=dt.time(11)),
        session(
            "uppsala", 60, venue_options=(UNIVERSITY,), earliest_time=dt.time(11), latest_time=dt.time(14)
        ),
        travel={(POLICE, UNIVERSITY): 75},
        days=1,
    )
    placed = propose(week).by_key()
    assert placed["uppsala"].start >= placed["police"].end + dt.timedelta(minutes=75)


def test_a_long_day_keeps_a_meal_break_in_the_meal_window():
    week = problem(
        *(session(f"s{n}", 90, earliest_time=dt.time(8)) for n in range(5)),
        days=1,
        rules=Rules(max_sessions_per_day=6, max_day_hours=10),
    )
    proposal = propose(week)
    assert proposal.found
    found = conflicts_of(week, proposal.placements)
    assert ConflictKind.NO_MEAL_BREAK not in {c.kind for c in found}


def test_busy_elsewhere_is_respected():
    busy = tuple(Busy(f"person:{EVA}", at(d, 8), at(d, 12), session_id=500 + d, visit_id=9) for d in range(2))
    week = problem(session("briefing", 60, expert_options=(EVA,), latest_time=dt.time(12)), days=3, busy=busy)
    placed = propose(week).by_key()["briefing"]
    assert placed.start.astimezone(STOCKHOLM).weekday() == 2


# --- When no programme exists -------------------------------------------------------------------------------


def codes(proposal):
    return sorted(reason.code for reason in proposal.reasons)


def test_an_expert_free_only_when_the_venue_is_closed_is_named_with_both():
    week = problem(
        session("briefing", 90, venue_options=(PROSECUTION,), expert_options=(EVA,), title="Briefing"),
        expert_calendars={EVA: weekly((1, 8, 12))},
        venue_calendars={PROSECUTION: weekly((0, 8, 17), (2, 8, 17), (3, 8, 17), (4, 8, 17))},
    )
    proposal = propose(week)
    assert proposal.status is Status.INFEASIBLE
    assert codes(proposal) == ["expert_hours", "venue_hours"]
    eva = dict(next(r for r in proposal.reasons if r.code == "expert_hours").params)
    assert eva["person"] == "Eva Norrman"
    assert eva["times"] == "2027-03-23 08:00–12:00"


def test_an_order_that_goes_round_in_a_circle_names_its_steps_and_nothing_else():
    week = problem(
        session("a", 60),
        session("b", 60),
        session("c", 60, expert_options=(OLA,)),
        order=(("a", "b"), ("b", "a")),
    )
    proposal = propose(week)
    assert codes(proposal) == ["order", "order"]


def test_two_fixed_appointments_at_once_name_both_and_the_delegation():
    week = problem(
        session("dinner", 120, kind="meal", fixed_start=at(0, 18)),
        session("reception", 60, fixed_start=at(0, 19)),
        session("free", 60),
    )
    proposal = propose(week)
    assert codes(proposal) == ["delegation_pair", "fixed", "fixed"]


def test_too_many_sessions_for_the_only_day():
    week = problem(*(session(f"s{n}", 30) for n in range(7)), days=1)
    assert codes(propose(week)) == ["day_count"]


def test_a_room_too_small_for_the_delegation():
    crowd = frozenset(range(100, 140))
    week = problem(session("talk", 60, venue_options=(PROSECUTION,), participants=crowd))
    proposal = propose(week)
    assert codes(proposal) == ["capacity"]


def test_an_expert_booked_elsewhere_in_the_only_window():
    busy = (Busy(f"person:{OLA}", at(1, 9), at(1, 12), session_id=70, visit_id=9),)
    week = problem(
        session(
            "briefing",
            60,
            expert_options=(OLA,),
            earliest_day=at(1, 0).date(),
            latest_day=at(1, 0).date(),
            earliest_time=dt.time(9),
            latest_time=dt.time(12),
        ),
        busy=busy,
    )
    assert codes(propose(week)) == ["expert_busy", "window"]


# --- Repair -------------------------------------------------------------------------------------------------


def test_repair_after_a_decline_moves_only_what_it_must_and_says_which():
    week = a_week()
    first = propose(week)
    # Eva declines the welcome; Ola takes it, but Ola is free only on Friday... of a four-day visit: Thursday.
    wanted = tuple(replace(w, expert_options=(OLA,)) if w.key == "welcome" else w for w in week.wanted)
    again = replace(
        week,
        wanted=wanted,
        previous=first.by_key(),
        context=replace(
            week.context, expert_calendars={**week.context.expert_calendars, OLA: weekly((0, 8, 17))}
        ),
    )
    repaired = propose(again)
    assert repaired.found
    assert "welcome" in repaired.moved
    assert len(repaired.moved) <= 3
    kept = set(first.by_key()) - set(repaired.moved)
    for key in kept:
        assert repaired.by_key()[key] == first.by_key()[key]
    assert repaired.by_key()["welcome"].expert == OLA


def test_a_closed_day_is_avoided():
    week = problem(
        session("talk", 60, venue_options=(POLICE,)),
        venue_calendars={POLICE: weekly(*((d, 8, 17) for d in range(5)))},
        days=1,
    )
    assert propose(week).found
    closed = replace(
        week,
        context=replace(
            week.context,
            venue_calendars={
                POLICE: replace(
                    week.context.venue_calendars[POLICE], exceptions=(closed_on(at(0, 0).date()),)
                )
            },
        ),
    )
    assert codes(propose(closed)) == ["venue_hours"]
