"""Property: whatever the solver proposes, today's conflict checker finds nothing fatal in it, nor any rule
the solver holds as hard; and fixed sessions (appointments, confirmed and pinned ones) never move, in a
proposal or a repair."""

import datetime as dt
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from proposals.domain.check import conflicts_of
from proposals.domain.solve import propose
from proposals.domain.values import Busy, Placement, Problem, Wanted
from scheduling.conflicts import ConflictKind
from tests.proposals.test_solver import HARD_WARNINGS
from tests.proposals.world import (
    AMIR,
    EVA,
    OLA,
    POLICE,
    PROSECUTION,
    UNIVERSITY,
    at,
    problem,
    session,
    weekly,
)

EXPERTS = (EVA, OLA, AMIR)
VENUES = (POLICE, PROSECUTION, UNIVERSITY)


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    days = draw(st.integers(1, 3))
    wanted: list[Wanted] = []
    for number in range(draw(st.integers(1, 6))):
        fixed = draw(st.booleans()) and number < 2
        minutes = draw(st.sampled_from([30, 60, 90, 120]))
        if fixed:
            start = at(number % days, 8 + 5 * number)  # fixed points do not clash with each other
            wanted.append(session(f"f{number}", minutes, fixed_start=start))
            continue
        experts = tuple(draw(st.lists(st.sampled_from(EXPERTS), max_size=2, unique=True)))
        venues = tuple(draw(st.lists(st.sampled_from(VENUES), max_size=2, unique=True)))
        wanted.append(session(f"w{number}", minutes, expert_options=experts, venue_options=venues))
    busy = tuple(
        Busy(f"person:{p}", at(d, h), at(d, h + 2), session_id=800 + n, visit_id=9)
        for n, (p, d, h) in enumerate(
            draw(
                st.lists(
                    st.tuples(st.sampled_from(EXPERTS), st.integers(0, days - 1), st.integers(8, 16)),
                    max_size=3,
                )
            )
        )
    )
    calendars = {EVA: weekly(*((d, 8, 15) for d in range(5)))} if draw(st.booleans()) else {}
    keys = [w.key for w in wanted if not w.fixed]
    order = ((keys[0], keys[1]),) if len(keys) >= 2 and draw(st.booleans()) else ()
    return problem(
        *wanted,
        days=days,
        busy=busy,
        order=order,
        expert_calendars=calendars,
        travel={(POLICE, UNIVERSITY): 60, (PROSECUTION, UNIVERSITY): 60},
        seconds=5.0,
    )


def fixed_kept(week: Problem, placements: tuple[Placement, ...]) -> bool:
    placed = {p.key: p for p in placements}
    return all(placed[w.key].start == w.fixed_start for w in week.wanted if w.fixed_start is not None)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_every_proposal_passes_the_checker_and_keeps_fixed_sessions(week: Problem) -> None:
    proposal = propose(week)
    if not proposal.found:
        assert proposal.reasons or proposal.status == "unknown"
        return
    # Of the proposal's own sessions: another visit's session outside its expert's hours is not its doing.
    found = [
        c for c in conflicts_of(week, proposal.placements) if any(v == week.visit_id for _, v in c.named)
    ]
    assert [c for c in found if c.is_fatal or c.kind in HARD_WARNINGS] == []
    delegation_travel = [
        c for c in found if c.kind == ConflictKind.TRAVEL_TIME and c.subject.startswith("delegation:")
    ]
    assert delegation_travel == []
    assert fixed_kept(week, proposal.placements)

    # Pin the first proposed session and propose again: it stays, and so do the fixed ones.
    first = next((p for p in proposal.placements if not week.wanted_by_key()[p.key].fixed), None)
    if first is None:
        return
    pinned = tuple(replace(w, fixed_start=first.start) if w.key == first.key else w for w in week.wanted)
    again = propose(replace(week, wanted=pinned, previous=proposal.by_key()))
    assert again.found
    assert again.by_key()[first.key].start == first.start
    assert fixed_kept(replace(week, wanted=pinned), again.placements)
    assert again.moved == ()  # nothing changed, so a repair moves nothing


def test_a_session_before_the_day_opens_is_not_proposed():
    week = problem(session("w", 60), days=1)
    start = propose(week).placements[0].start
    assert start >= at(0, 7) and start.time() != dt.time(0)
