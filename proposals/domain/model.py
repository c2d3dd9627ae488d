"""The CP-SAT model of a proposal, built from plain values.

Hard: the conflict checker's fatal rules (no person or venue in two sessions at once, across every visit;
the visit's dates; a venue's capacity) and the rules a coordinator must not have to fix by hand: experts'
hours, venues' opening hours, travel time between the delegation's venues, the longest day, the number of
sessions a day and the meal break. Soft: the terms of proposals.domain.score, weighted.

Each hard rule is enforced under a literal for its group (a session's window, an expert's hours for one
session, a pair of sessions that share a person ...). Solving normally, the literals are not made: the rules
hold unconditionally. Explaining, each is a CP-SAT assumption, and the solver names a set of them that
cannot all hold (proposals.domain.explain turns them into sentences).

Pairs of sessions that share a person or a venue are ordered by one Boolean each, with travel time for the
delegation between the venues chosen. Pairwise, every later session of the day keeps the journey's distance
from every earlier one, not only from the one just before: exact when journeys obey the triangle inequality
(going via a third venue is never quicker), a little stricter than the checker otherwise.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations

from ortools.sat.python import cp_model

from proposals.domain.grid import Grid
from proposals.domain.score import holiday_days, lacks_language, work_days
from proposals.domain.values import Problem, Reason, Wanted
from scheduling.conflicts import MEAL_KINDS, NON_WORK_KINDS, Slot

Literal = cp_model.IntVar
Lits = list[Literal]


@dataclass
class Built:
    model: cp_model.CpModel
    grid: Grid
    start: dict[str, cp_model.IntVar] = field(default_factory=dict)
    expert: dict[str, dict[int, Literal]] = field(default_factory=dict)
    venue: dict[str, dict[int, Literal]] = field(default_factory=dict)
    on_day: dict[str, dict[dt.date, Literal]] = field(default_factory=dict)
    terms: dict[str, cp_model.LinearExprT] = field(default_factory=dict)
    reasons: dict[int, Reason] = field(default_factory=dict)  # assumption literal's index → its group
    assumptions: Lits = field(default_factory=list)

    def literal(self, index: int) -> Literal:
        return next(lit for lit in self.assumptions if lit.index == index)

    def objective(self, problem: Problem) -> cp_model.LinearExprT:
        return sum(getattr(problem.weights, term) * expr for term, expr in self.terms.items())


def reason(code: str, **params: str) -> Reason:
    return Reason(code, tuple(sorted(params.items())))


class Builder:
    def __init__(self, problem: Problem, *, explain: bool) -> None:
        self.problem = problem
        self.explain = explain
        self.model = cp_model.CpModel()
        self.grid = Grid(problem)
        self.built = Built(self.model, self.grid)
        self.wanted = list(problem.wanted)
        self.placeholders = self._venue_slots()

    # --- Helpers --------------------------------------------------------------------------------------------

    def group(self, why: Reason) -> Lits:
        """The literal a hard rule is enforced under while explaining; nothing (always enforced) otherwise."""
        if not self.explain:
            return []
        literal = self.model.new_bool_var(why.code)
        self.built.reasons[literal.index] = why
        self.built.assumptions.append(literal)
        return [literal]

    def allow(self, wanted: Wanted, allowed: set[int], enforce: Lits) -> None:
        start = self.built.start[wanted.key]
        domain = cp_model.Domain.from_values(sorted(allowed))
        self.model.add_linear_expression_in_domain(start, domain).only_enforce_if(enforce)

    def end(self, wanted: Wanted) -> cp_model.LinearExprT:
        return self.built.start[wanted.key] + wanted.minutes

    def when(self, wanted: Wanted) -> str:
        if wanted.fixed_start is None:
            return ""
        return self.grid.spans_text([self.grid.minute(wanted.fixed_start)], wanted.minutes)

    def _venue_slots(self) -> dict[int | None, Slot]:
        origin = self.grid.origin
        slots: dict[int | None, Slot] = {}
        for venue_id, venue in self.problem.venues.items():
            slots[venue_id] = Slot(0, "", origin, origin, 0, venue_id=venue_id, city=venue.city)
        return slots

    def travel(self, a: int | None, b: int | None) -> int:
        """Minutes from venue a to venue b by the checker's rule (scheduling.conflicts.Context)."""
        if a is None or b is None or a == b:
            return 0
        return self.problem.context.travel_minutes(self.placeholders[a], self.placeholders[b])

    # --- The model ------------------------------------------------------------------------------------------

    def build(self) -> Built:
        for wanted in self.wanted:
            self.session(wanted)
        for first, second in combinations(self.wanted, 2):
            self.pair(first, second)
        for before, after in self.problem.order:
            self.ordered(before, after)
        if self.problem.day_rules:
            for day in self.grid.days:
                self.day(day)
        self.soft()
        return self.built

    def session(self, wanted: Wanted) -> None:
        grid, model = self.grid, self.model
        if wanted.fixed_start is not None:
            pinned = grid.minute(wanted.fixed_start)
            starts = sorted({pinned, *grid.starts(wanted)})
        else:
            starts = grid.starts(wanted) or [0]
        self.built.start[wanted.key] = model.new_int_var_from_domain(
            cp_model.Domain.from_values(starts), f"start_{wanted.key}"
        )
        if wanted.fixed_start is not None:
            why = reason("fixed", session=wanted.title, when=self.when(wanted))
            self.allow(wanted, {grid.minute(wanted.fixed_start)}, self.group(why))
        else:
            self.placed_within(wanted, starts)
        self.options(wanted, starts)
        self.days_of(wanted)

    def placed_within(self, wanted: Wanted, starts: list[int]) -> None:
        grid = self.grid
        window = grid.in_window(wanted, grid.starts(wanted))
        why = reason(
            "window",
            session=wanted.title,
            earliest=_bound(wanted.earliest_day, wanted.earliest_time, self.problem.first_day),
            latest=_bound(wanted.latest_day, wanted.latest_time, self.problem.last_day),
            minutes=str(wanted.minutes),
        )
        self.allow(wanted, window, self.group(why))
        people = wanted.participants | wanted.interpreters | wanted.also_leading
        free = grid.free(grid.busy_of_people(people), wanted, starts)
        if free != set(starts):
            taken = set(starts) - free
            why = reason(
                "people_busy",
                session=wanted.title,
                who=self.problem.delegation_name or ", ".join(self.problem.person(p) for p in sorted(people)),
                times=grid.spans_text(taken, wanted.minutes),
            )
            self.allow(wanted, free, self.group(why))

    def options(self, wanted: Wanted, starts: list[int]) -> None:
        """The expert and the venue, or one of each list: a Boolean per option, exactly one chosen."""
        grid, model, problem = self.grid, self.model, self.problem
        experts = {e: model.new_bool_var(f"expert_{wanted.key}_{e}") for e in wanted.expert_options}
        venues = {v: model.new_bool_var(f"venue_{wanted.key}_{v}") for v in wanted.venue_options}
        self.built.expert[wanted.key], self.built.venue[wanted.key] = experts, venues
        for either in (experts, venues):
            if either:
                model.add_exactly_one(either.values())
        if wanted.fixed:
            return
        everyone = set(starts)
        for expert, chosen in experts.items():
            hours = grid.covered(problem.context.expert_calendars.get(expert), wanted, starts)
            if hours != everyone:
                why = reason(
                    "expert_hours",
                    person=problem.person(expert),
                    session=wanted.title,
                    times=grid.spans_text(hours, wanted.minutes) or "-",
                )
                self.allow(wanted, hours, [chosen, *self.group(why)])
            busy = grid.busy_by_resource.get(f"person:{expert}", [])
            free = grid.free(busy, wanted, starts)
            if free != everyone:
                why = reason(
                    "expert_busy",
                    person=problem.person(expert),
                    session=wanted.title,
                    times=grid.spans_text(everyone - free, wanted.minutes),
                )
                self.allow(wanted, free, [chosen, *self.group(why)])
        people = len(wanted.participants | wanted.interpreters) + (1 if experts else 0)
        for venue_id, chosen in venues.items():
            venue = problem.venues.get(venue_id)
            name = problem.venue_name(venue_id)
            if venue is not None and venue.capacity is not None and people > venue.capacity:
                why = reason(
                    "capacity",
                    venue=name,
                    session=wanted.title,
                    count=str(people),
                    capacity=str(venue.capacity),
                )
                model.add(chosen == 0).only_enforce_if(self.group(why))
            hours = grid.covered(problem.context.venue_calendars.get(venue_id), wanted, starts)
            if hours != everyone:
                why = reason(
                    "venue_hours",
                    venue=name,
                    session=wanted.title,
                    times=grid.spans_text(hours, wanted.minutes) or "-",
                )
                self.allow(wanted, hours, [chosen, *self.group(why)])
            free = grid.free(grid.busy_by_resource.get(f"venue:{venue_id}", []), wanted, starts)
            if free != everyone:
                why = reason(
                    "venue_busy",
                    venue=name,
                    session=wanted.title,
                    times=grid.spans_text(everyone - free, wanted.minutes),
                )
                self.allow(wanted, free, [chosen, *self.group(why)])

    def days_of(self, wanted: Wanted) -> None:
        """A Boolean per visit day the session could be on; a fixed one outside the visit's days has none."""
        grid, model = self.grid, self.model
        days = grid.days
        if wanted.fixed_start is not None and grid.day_of(grid.minute(wanted.fixed_start)) not in days:
            self.built.on_day[wanted.key] = {}
            return
        on_day = {day: model.new_bool_var(f"day_{wanted.key}_{day}") for day in days}
        model.add_exactly_one(on_day.values())
        start = self.built.start[wanted.key]
        for day, literal in on_day.items():
            first, last = grid.day_bounds(day)
            model.add_linear_constraint(start, first, last - 1).only_enforce_if(literal)
        self.built.on_day[wanted.key] = on_day

    def pair(self, a: Wanted, b: Wanted) -> None:
        """Two sessions that share the delegation, an expert, a venue or an interpreter are one after the
        other; for the delegation, with the journey between their venues in between."""
        experts = set(a.expert_options) & set(b.expert_options)
        venues = set(a.venue_options) & set(b.venue_options)
        interpreters = (a.interpreters | a.also_leading) & (b.interpreters | b.also_leading)
        delegation = bool(a.participants & b.participants)
        if not (experts or venues or interpreters or delegation):
            return
        first = self.model.new_bool_var(f"before_{a.key}_{b.key}")
        names = {"session1": a.title, "session2": b.title}
        if delegation:
            enforce = self.group(reason("delegation_pair", who=self.problem.delegation_name, **names))
            self.apart(a, b, first, enforce, self.built.venue[a.key], self.built.venue[b.key], travel=True)
        for expert in sorted(experts):
            enforce = self.group(reason("person_pair", person=self.problem.person(expert), **names))
            one = {expert: self.built.expert[a.key][expert]}
            other = {expert: self.built.expert[b.key][expert]}
            self.apart(a, b, first, enforce, one, other, travel=False)
        for person in sorted(interpreters):
            enforce = self.group(reason("person_pair", person=self.problem.person(person), **names))
            self.apart(a, b, first, enforce, {}, {}, travel=False)
        for venue_id in sorted(venues):
            enforce = self.group(reason("venue_pair", venue=self.problem.venue_name(venue_id), **names))
            one = {venue_id: self.built.venue[a.key][venue_id]}
            other = {venue_id: self.built.venue[b.key][venue_id]}
            self.apart(a, b, first, enforce, one, other, travel=False)

    def apart(
        self,
        a: Wanted,
        b: Wanted,
        first: Literal,
        enforce: Lits,
        one: dict[int, Literal],
        other: dict[int, Literal],
        *,
        travel: bool,
    ) -> None:
        """a ends before b starts when `first`, else b before a; under each pair of options (venues, for the
        journey between them; the shared expert or venue) that puts them in the same place or hands."""
        model = self.model
        for x, when_x in one.items() or [(None, None)]:
            for y, when_y in other.items() or [(None, None)]:
                chosen = [lit for lit in (when_x, when_y) if lit is not None]
                there = self.travel(x, y) if travel else 0
                back = self.travel(y, x) if travel else 0
                model.add(self.built.start[b.key] >= self.end(a) + there).only_enforce_if(
                    [first, *chosen, *enforce]
                )
                model.add(self.built.start[a.key] >= self.end(b) + back).only_enforce_if(
                    [~first, *chosen, *enforce]
                )

    def ordered(self, before: str, after: str) -> None:
        wanted = self.problem.wanted_by_key()
        if before not in wanted or after not in wanted:
            return
        a, b = wanted[before], wanted[after]
        enforce = self.group(reason("order", session1=a.title, session2=b.title))
        self.model.add(self.built.start[b.key] >= self.end(a)).only_enforce_if(enforce)

    def day(self, day: dt.date) -> None:
        """The delegation's day: not longer than the longest day, not more sessions than allowed, and with a
        meal break in the meal window when it is long enough to need one (the checker's rules)."""
        model, grid, rules = self.model, self.grid, self.problem.context.rules
        members = [w for w in self.wanted if w.participants and day in self.built.on_day[w.key]]
        if not members:
            return
        on = {w.key: self.built.on_day[w.key][day] for w in members}
        low, high = grid.day_bounds(day)
        first, last = (
            model.new_int_var(low, high, f"first_{day}"),
            model.new_int_var(low, high, f"last_{day}"),
        )
        for wanted in members:
            model.add(first <= self.built.start[wanted.key]).only_enforce_if(on[wanted.key])
            model.add(last >= self.end(wanted)).only_enforce_if(on[wanted.key])
        model.add(first <= last)
        who, when = self.problem.delegation_name, day.isoformat()
        longest = int(rules.max_day_hours * 60)
        enforce = self.group(reason("day_length", who=who, day=when, hours=f"{rules.max_day_hours:g}"))
        model.add(last - first <= longest).only_enforce_if(enforce)
        work = [on[w.key] for w in members if w.kind not in NON_WORK_KINDS]
        if len(work) > rules.max_sessions_per_day:
            enforce = self.group(
                reason("day_count", who=who, day=when, limit=str(rules.max_sessions_per_day))
            )
            model.add(sum(work) <= rules.max_sessions_per_day).only_enforce_if(enforce)
        self.meal(day, members, on, last - first)

    def meal(
        self, day: dt.date, members: Sequence[Wanted], on: dict[str, Literal], span: cp_model.LinearExprT
    ) -> None:
        model, grid, rules = self.model, self.grid, self.problem.context.rules
        needs = model.new_bool_var(f"long_{day}")
        model.add(span < int(rules.meal_rule_from_day_hours * 60)).only_enforce_if(~needs)
        opens, closes = (grid.at(day, t) for t in rules.meal_window)
        length = rules.min_meal_break_minutes
        if closes - opens < length:
            return
        meal = model.new_int_var(opens, closes - length, f"meal_{day}")
        enforce = self.group(
            reason(
                "meal",
                who=self.problem.delegation_name,
                day=day.isoformat(),
                minutes=str(length),
                window="–".join(t.strftime("%H:%M") for t in rules.meal_window),
            )
        )
        # A meal or a break in the window is the meal; otherwise `length` free minutes in it.
        for wanted in members:
            if wanted.kind in MEAL_KINDS:
                continue
            after = model.new_bool_var(f"meal_after_{wanted.key}_{day}")
            start = self.built.start[wanted.key]
            guard = [needs, on[wanted.key], *enforce]
            model.add(meal >= self.end(wanted)).only_enforce_if([after, *guard])
            model.add(meal + length <= start).only_enforce_if([~after, *guard])

    # --- Soft terms -----------------------------------------------------------------------------------------

    def soft(self) -> None:
        model, grid, problem = self.model, self.grid, self.problem
        holidays = holiday_days(problem)
        on_day = self.built.on_day
        terms = self.built.terms
        days = grid.days
        terms["holiday"] = sum(on_day[w.key][d] for w in self.wanted for d in on_day[w.key] if d in holidays)
        terms["weekend"] = sum(
            on_day[w.key][d]
            for w in self.wanted
            for d in on_day[w.key]
            if d.weekday() >= 5 and d not in holidays
        )
        terms["language"] = sum(1 for w in self.wanted if lacks_language(problem, w))
        terms["journeys"] = self.journeys(days)
        terms["balance"] = self.balance(work_days(problem))
        preferred: list[cp_model.LinearExprT] = []
        early: list[cp_model.LinearExprT] = []
        for wanted in self.wanted:
            start = self.built.start[wanted.key]
            if wanted.fixed_start is not None:
                local = wanted.fixed_start.astimezone(grid.zone)
                early.append(int(local.time() < problem.horizon.early_before))
                if wanted.preferred_time is not None:
                    wish = dt.datetime.combine(local.date(), wanted.preferred_time, tzinfo=grid.zone)
                    preferred.append(abs(int((wanted.fixed_start - wish).total_seconds() // 60)))
                continue
            is_early = model.new_bool_var(f"early_{wanted.key}")
            early.append(is_early)
            away = model.new_int_var(0, 24 * 60, f"away_{wanted.key}") if wanted.preferred_time else None
            for day, literal in on_day[wanted.key].items():
                cutoff = grid.at(day, problem.horizon.early_before)
                model.add(start >= cutoff).only_enforce_if([literal, ~is_early])
                if away is not None and wanted.preferred_time is not None:
                    aim = grid.at(day, wanted.preferred_time)
                    model.add(away >= start - aim).only_enforce_if(literal)
                    model.add(away >= aim - start).only_enforce_if(literal)
            if away is not None:
                preferred.append(away)
        terms["preferred"] = sum(preferred)
        terms["early"] = sum(early)
        terms["moved"] = self.moved()

    def journeys(self, days: list[dt.date]) -> cp_model.LinearExprT:
        """Venues the delegation visits on a day beyond the first: the fewest journeys the day needs."""
        model = self.model
        counts: list[cp_model.IntVar] = []
        for day in days:
            used: dict[int, Literal] = {}
            for wanted in self.wanted:
                if not wanted.participants or day not in self.built.on_day[wanted.key]:
                    continue
                for venue_id, chosen in self.built.venue[wanted.key].items():
                    if venue_id not in used:
                        used[venue_id] = model.new_bool_var(f"used_{day}_{venue_id}")
                    model.add_bool_or([~self.built.on_day[wanted.key][day], ~chosen, used[venue_id]])
            if len(used) > 1:
                extra = model.new_int_var(0, len(used), f"journeys_{day}")
                model.add(extra >= sum(used.values()) - 1)
                counts.append(extra)
        return sum(counts)

    def balance(self, days: list[dt.date]) -> cp_model.LinearExprT:
        """Minutes between the fullest and the emptiest working day."""
        model = self.model
        if len(days) < 2:
            return 0
        total = sum(w.minutes for w in self.wanted)
        top, bottom = model.new_int_var(0, total, "fullest"), model.new_int_var(0, total, "emptiest")
        for day in days:
            load = sum(
                w.minutes * self.built.on_day[w.key][day]
                for w in self.wanted
                if day in self.built.on_day[w.key]
            )
            model.add(top >= load)
            model.add(bottom <= load)
        return top - bottom

    def moved(self) -> cp_model.LinearExprT:
        """A repair: each session kept at the previous proposal's time, expert and venue, or counted moved."""
        model, grid = self.model, self.grid
        moved: list[Literal] = []
        for wanted in self.wanted:
            previous = self.problem.previous.get(wanted.key)
            if previous is None or wanted.fixed:
                continue
            is_moved = model.new_bool_var(f"moved_{wanted.key}")
            moved.append(is_moved)
            kept = [self.built.start[wanted.key] == grid.minute(previous.start)]
            experts, venues = self.built.expert[wanted.key], self.built.venue[wanted.key]
            for chosen, option in ((experts, previous.expert), (venues, previous.venue)):
                if option is None:
                    continue
                if option not in chosen:
                    model.add(is_moved == 1)  # the previous expert or venue is no longer an option
                    continue
                kept.append(chosen[option] == 1)
            for constraint in kept:
                model.add(constraint).only_enforce_if(~is_moved)
            model.add_hint(self.built.start[wanted.key], grid.minute(previous.start))
        return sum(moved)


def _bound(day: dt.date | None, time: dt.time | None, default: dt.date) -> str:
    text = (day or default).isoformat()
    return f"{text} {time:%H:%M}" if time else text


def build(problem: Problem, *, explain: bool = False) -> Built:
    return Builder(problem, explain=explain).build()
