"""The solver on generated instances, against a greedy earliest-fit baseline on the same instance.

- (a) `demo`: a demo-like study visit: 15 sessions over 5 days (Mon–Fri), 40 experts with weekly hours (each
  session has one to three possible experts and one or two possible venues), 8 venues with opening hours and
  travel times, 3 other visits already booked (their sessions keep experts and venues busy), an arrival
  dinner fixed, "the welcome comes first" and two more order constraints.
- (b) `seminar`: a two-track seminar abroad (Riga): 60 sessions over 5 days, two audiences in two rooms, 30
  experts; no delegation, so no delegation day rules.
- (c) `repair`: (a) after one decline: the expert proposed for one session drops out of its options. The
  repair (fewest moves) against solving the changed instance from scratch: sessions moved from (a)'s answer.

For each: seconds to the first feasible programme and to the proven optimum (or the gap at the time limit),
and the objective against the greedy baseline's (lower is better; the ratio solver/greedy is within the run).
The greedy places sessions one by one, each at the earliest start and first options that break no hard rule
given those placed before, never moving a placed session; the baseline is the best of 20 passes (the first
takes the most constrained ready session first, the others random orders that keep the order constraints).

Goals: (a) proven optimal within 5 s; (c) at most 3 sessions moved.

Run:  .venv/bin/python bench/proposal.py      (no database: the solver's core takes plain values)
PROPOSAL_BENCH_SEED (default 17), PROPOSAL_BENCH_LIMIT seconds per solve (default 10). The last line is JSON.
"""

import datetime as dt
import json
import os
import random
import sys
import time
from dataclasses import replace
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from proposals.domain.grid import Grid  # noqa: E402
from proposals.domain.score import objective  # noqa: E402
from proposals.domain.solve import Run, solve  # noqa: E402
from proposals.domain.values import Busy, Horizon, Placement, Problem, Venue, Wanted  # noqa: E402
from scheduling.availability import Calendar, WeeklyHours  # noqa: E402
from scheduling.conflicts import (  # noqa: E402
    Context,
    Rules,
    Slot,
    delegation_days,
)

SEED = int(os.environ.get("PROPOSAL_BENCH_SEED", "17"))
LIMIT = float(os.environ.get("PROPOSAL_BENCH_LIMIT", "10"))
MONDAY = dt.date(2027, 3, 22)


def weekly(zone: str, spans: list[tuple[int, int, int]]) -> Calendar:
    return Calendar(zone, tuple(WeeklyHours(d, dt.time(a), dt.time(b)) for d, a, b in spans))


def demo(rng: random.Random) -> Problem:
    zone = "Europe/Stockholm"
    tz = ZoneInfo(zone)
    delegation = frozenset(range(900, 912))
    experts = list(range(100, 140))
    venues = {v: Venue(f"Venue {v}", "Uppsala" if v >= 7 else "Stockholm", 40) for v in range(1, 9)}
    calendars = {}
    for expert in experts:  # two to four half-days a week
        halves = rng.sample([(d, h) for d in range(5) for h in (8, 13)], rng.randint(2, 4))
        calendars[expert] = weekly(zone, [(d, h, h + 4) for d, h in halves])
    opening = {v: weekly(zone, [(d, 8, 17) for d in range(5)]) for v in venues}
    travel = {(a, b): rng.choice([15, 20, 30]) for a in venues for b in venues if a < b and b < 7}
    wanted = [
        Wanted("welcome", "Welcome", 60, expert_options=(100,), venue_options=(1,), participants=delegation)
    ]
    kinds = ["meeting", "meeting", "seminar", "site_visit"]
    for n in range(1, 12):
        wanted.append(
            Wanted(
                f"m{n}",
                f"Meeting {n}",
                rng.choice([60, 90, 120]),
                kind=rng.choice(kinds),
                expert_options=tuple(rng.sample(experts[1:], rng.randint(1, 3))),
                venue_options=tuple(rng.sample(sorted(venues), rng.randint(1, 2))),
                participants=delegation,
                language=rng.choice(["en", "en", "sv"]),
                preferred_time=rng.choice([None, dt.time(10), dt.time(14)]),
            )
        )
    for n, day in enumerate(rng.sample(range(5), 3)):
        wanted.append(
            Wanted(
                f"lunch{n}",
                f"Lunch {n}",
                60,
                kind="meal",
                venue_options=tuple(rng.sample(sorted(venues), 3)),
                participants=delegation,
                earliest_day=MONDAY + dt.timedelta(days=day),
                latest_day=MONDAY + dt.timedelta(days=day),
                earliest_time=dt.time(11, 30),
                latest_time=dt.time(13, 30),
            )
        )
    wanted.append(
        Wanted(
            "dinner",
            "Arrival dinner",
            120,
            kind="meal",
            participants=delegation,
            fixed_start=dt.datetime.combine(MONDAY, dt.time(18), tzinfo=tz),
        )
    )
    first = [("welcome", w.key) for w in wanted if w.key not in ("welcome", "dinner")]
    order = (*first, ("m1", "m2"), ("m3", "m4"))
    busy: list[Busy] = []
    for visit in (2, 3, 4):  # three other visits' programmes
        for n in range(10):
            day, hour = rng.randrange(5), rng.randint(8, 15)
            start = dt.datetime.combine(MONDAY + dt.timedelta(days=day), dt.time(hour), tzinfo=tz)
            end = start + dt.timedelta(minutes=rng.choice([60, 90, 120]))
            session = visit * 100 + n
            busy.append(Busy(f"person:{rng.choice(experts[1:])}", start, end, session, visit))
            busy.append(Busy(f"venue:{rng.choice(sorted(venues))}", start, end, session, visit))
    return Problem(
        visit_id=1,
        zone=zone,
        first_day=MONDAY,
        last_day=MONDAY + dt.timedelta(days=4),
        wanted=tuple(wanted),
        order=order,
        busy=tuple(busy),
        venues=venues,
        context=Context(
            people={p: f"Expert {p}" for p in experts},
            expert_calendars=calendars,
            venue_calendars=opening,
            venue_travel=travel,
            rules=Rules(),
        ),
        delegation_name="Demo delegation",
        delegation_languages=frozenset({"en", "lv"}),
        horizon=Horizon(time_limit_seconds=LIMIT),
    )


def seminar(rng: random.Random) -> Problem:
    zone = "Europe/Riga"
    tracks = (frozenset(range(1000, 1040)), frozenset(range(2000, 2040)))
    experts = list(range(300, 330))
    venues = {1: Venue("Hotel, room A", "Riga", 60, zone), 2: Venue("Hotel, room B", "Riga", 60, zone)}
    calendars = {e: weekly(zone, [(d, 8, 18) for d in rng.sample(range(5), 3)]) for e in experts}
    wanted = []
    for track, audience in enumerate(tracks):
        for n in range(30):
            wanted.append(
                Wanted(
                    f"t{track}s{n}",
                    f"Track {track + 1}, session {n + 1}",
                    rng.choice([45, 60, 90]),
                    kind="seminar",
                    expert_options=tuple(rng.sample(experts, rng.randint(1, 2))),
                    venue_options=(1, 2),
                    participants=audience,
                    language="en",
                )
            )
    return Problem(
        visit_id=5,
        zone=zone,
        first_day=MONDAY,
        last_day=MONDAY + dt.timedelta(days=4),
        wanted=tuple(wanted),
        venues=venues,
        context=Context(
            people={p: f"Expert {p}" for p in experts},
            expert_calendars=calendars,
            venue_travel={(1, 2): 5},
            rules=Rules(),
        ),
        country="LV",
        day_rules=False,
        horizon=Horizon(time_limit_seconds=LIMIT, day_from=dt.time(8), day_until=dt.time(18)),
    )


# --- The greedy earliest-fit baseline -----------------------------------------------------------------------


def greedy(problem: Problem, tries: int = 20) -> tuple[Placement, ...] | None:
    """The best of `tries` greedy passes: the first in most-constrained order, the others in random orders
    that keep the order constraints. None when no pass placed every session."""
    rng = random.Random(SEED)
    best: tuple[Placement, ...] | None = None
    for attempt in range(tries):
        found = greedy_pass(problem, _in_order(problem, rng if attempt else None))
        if found is not None and (best is None or objective(problem, found) < objective(problem, best)):
            best = found
    return best


def greedy_pass(problem: Problem, order: list[Wanted]) -> tuple[Placement, ...] | None:
    """Each session, in order, at its earliest start and first options that keep every hard rule with the
    sessions placed before it; None when some session fits nowhere."""
    grid = Grid(problem)
    context = problem.context
    placed: list[tuple[Wanted, Placement]] = []
    for wanted in order:
        found = _first_fit(problem, grid, context, wanted, placed)
        if found is None:
            return None
        placed.append((wanted, found))
    return tuple(p for _, p in placed)


def _in_order(problem: Problem, rng: random.Random | None) -> list[Wanted]:
    """Fixed sessions first; then, among the sessions whose predecessors are placed, the one with the fewest
    possible starts (most constrained first), so the baseline is not needlessly weak."""
    grid = Grid(problem)
    wanted = [w for w in problem.wanted if not w.fixed]
    room = {w.key: len(_possible(problem, grid, w)) for w in wanted}
    order: list[Wanted] = [w for w in problem.wanted if w.fixed]
    done = {w.key for w in order}
    while len(order) < len(problem.wanted):
        ready = [
            w for w in wanted if w.key not in done and all(a in done for a, b in problem.order if b == w.key)
        ]
        pick = rng.choice(ready) if rng is not None else min(ready, key=lambda w: (room[w.key], w.key))
        order.append(pick)
        done.add(pick.key)
    return order


def _possible(problem: Problem, grid: Grid, wanted: Wanted) -> list[int]:
    starts = grid.in_window(wanted, grid.starts(wanted))
    return [
        m
        for m in sorted(starts)
        if any(
            _free(grid, problem.context.expert_calendars.get(e), f"person:{e}", wanted, m)
            for e in wanted.expert_options
        )
        or not wanted.expert_options
    ]


def _first_fit(problem, grid, context, wanted, placed):  # type: ignore[no-untyped-def]
    if wanted.fixed_start is not None:
        start = wanted.fixed_start
        end = start + dt.timedelta(minutes=wanted.minutes)
        options = (wanted.expert_options[:1] or (None,), wanted.venue_options[:1] or (None,))
        return Placement(wanted.key, start, end, options[0][0], options[1][0])
    starts = sorted(grid.in_window(wanted, grid.starts(wanted)))
    people = wanted.participants | wanted.interpreters
    starts = sorted(grid.free(grid.busy_of_people(people), wanted, starts))
    befores = {a for a, b in problem.order if b == wanted.key}
    for minute in starts:
        start, end = grid.moment(minute), grid.moment(minute + wanted.minutes)
        if any(p.key in befores and p.end > start for _, p in placed):
            continue
        for expert in wanted.expert_options or (None,):
            if expert is not None and not _free(
                grid, context.expert_calendars.get(expert), f"person:{expert}", wanted, minute
            ):
                continue
            for venue in wanted.venue_options or (None,):
                if venue is not None and not _free(
                    grid, context.venue_calendars.get(venue), f"venue:{venue}", wanted, minute
                ):
                    continue
                candidate = Placement(wanted.key, start, end, expert, venue)
                if _fits(problem, wanted, candidate, placed):
                    return candidate
    return None


def _free(grid: Grid, calendar: Calendar | None, resource: str, wanted: Wanted, minute: int) -> bool:
    if minute not in grid.covered(calendar, wanted, [minute]):
        return False
    return minute in grid.free(grid.busy_by_resource.get(resource, []), wanted, [minute])


def _fits(
    problem: Problem, wanted: Wanted, candidate: Placement, placed: list[tuple[Wanted, Placement]]
) -> bool:
    travel = problem.context
    for other, where in placed:
        apart = (
            (wanted.participants & other.participants)
            or (candidate.expert is not None and candidate.expert == where.expert)
            or (candidate.venue is not None and candidate.venue == where.venue)
        )
        if not apart:
            continue
        gap = 0
        if wanted.participants & other.participants and candidate.venue and where.venue:
            gap = _travel(problem, where.venue, candidate.venue)
        if candidate.start < where.end + dt.timedelta(
            minutes=gap
        ) and where.start < candidate.end + dt.timedelta(minutes=gap):
            return False
    if not problem.day_rules or not wanted.participants:
        return True
    # The delegation's day with the candidate: the checker's own day rules.
    zone = ZoneInfo(problem.zone)
    day = candidate.start.astimezone(zone).date()
    slots = [
        Slot(
            n,
            w.key,
            p.start,
            p.end,
            problem.visit_id,
            visit_zone=problem.zone,
            delegation_id=1,
            participants=w.participants,
            kind=w.kind,
        )
        for n, (w, p) in enumerate([*placed, (wanted, candidate)])
        if w.participants and p.start.astimezone(zone).date() == day
    ]
    del travel
    return not list(delegation_days(slots, problem.context))


def _travel(problem: Problem, a: int, b: int) -> int:
    if a == b:
        return 0
    origin = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
    venues = problem.venues
    first = Slot(0, "", origin, origin, 0, venue_id=a, city=venues[a].city)
    second = Slot(0, "", origin, origin, 0, venue_id=b, city=venues[b].city)
    return problem.context.travel_minutes(first, second)


# --- Running ------------------------------------------------------------------------------------------------


def figures(name: str, problem: Problem) -> tuple[dict[str, object], Run]:
    started = time.monotonic()
    baseline = greedy(problem)
    greedy_seconds = time.monotonic() - started
    run = solve(problem)
    proposal = run.proposal
    found: dict[str, object] = {
        f"{name}_sessions": len(problem.wanted),
        f"{name}_status": str(proposal.status),
        f"{name}_optimal": proposal.optimal,
        f"{name}_first_feasible_s": round(run.first_seconds or -1, 3),
        f"{name}_solve_s": round(proposal.seconds, 3),
        f"{name}_objective": proposal.objective if proposal.found else None,
        f"{name}_bound": proposal.bound,
        f"{name}_gap": round((proposal.objective - (proposal.bound or 0)) / max(1, proposal.objective), 4)
        if proposal.found
        else None,
        f"{name}_greedy_found": baseline is not None,  # in 20 passes
        f"{name}_greedy_objective": objective(problem, baseline) if baseline is not None else None,
        f"{name}_greedy_s": round(greedy_seconds, 3),
    }
    if baseline is not None and proposal.found:
        found[f"{name}_objective_over_greedy"] = round(
            proposal.objective / max(1, objective(problem, baseline)), 4
        )
    return found, run


def decline(problem: Problem, answer: dict[str, Placement]) -> Problem:
    """The expert proposed for the first session with other possible experts declines it."""
    for wanted in problem.wanted:
        chosen = answer[wanted.key].expert
        if not wanted.fixed and len(wanted.expert_options) > 1 and chosen is not None:
            left = tuple(e for e in wanted.expert_options if e != chosen)
            wanted_now = tuple(
                replace(w, expert_options=left) if w.key == wanted.key else w for w in problem.wanted
            )
            return replace(problem, wanted=wanted_now)
    raise SystemExit("no session of (a) has a second possible expert")


def moves(before: dict[str, Placement], after: tuple[Placement, ...]) -> int:
    return sum(1 for p in after if p != before[p.key])


def main() -> None:
    rng = random.Random(SEED)
    results: dict[str, object] = {"seed": SEED, "time_limit_s": LIMIT}
    week = demo(rng)
    found, run = figures("a", week)
    results.update(found)
    results.update(figures("b", seminar(rng))[0])

    answer = run.proposal.by_key()
    changed = decline(week, answer)
    repair = solve(replace(changed, previous=answer)).proposal
    scratch = solve(changed).proposal
    results.update(
        {
            "c_status": str(repair.status),
            "c_moved": len(repair.moved),
            "c_moved_sessions": list(repair.moved),
            "c_repair_s": round(repair.seconds, 3),
            "c_scratch_moved": moves(answer, scratch.placements) if scratch.found else None,
            "c_scratch_s": round(scratch.seconds, 3),
        }
    )
    for key, value in results.items():
        print(f"{key}: {value}")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
