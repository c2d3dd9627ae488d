"""The soft terms of a programme, counted from its placements: what the score shows, and what the solver's
objective adds up (proposals.domain.model builds the same terms as expressions; a test holds them equal).
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from zoneinfo import ZoneInfo

from proposals.domain.values import Placement, Problem, ScoreLine, Wanted

TERMS = ("holiday", "weekend", "language", "journeys", "balance", "preferred", "early", "moved")


def holiday_days(problem: Problem) -> dict[dt.date, str]:
    return dict(problem.context.holidays.get(problem.country, {}))


def work_days(problem: Problem) -> list[dt.date]:
    """The days balanced against each other: the visit's weekdays that are not holidays (or every day)."""
    holidays = holiday_days(problem)
    days = [d for d in problem.days() if d.weekday() < 5 and d not in holidays]
    return days or problem.days()


def lacks_language(problem: Problem, wanted: Wanted) -> bool:
    """The checker's language warnings, which no placement avoids: an interpreter needed and none booked, or
    a language the delegation does not speak with no interpreter."""
    if wanted.interpreters:
        return False
    if wanted.interpreter_needed:
        return True
    languages = problem.delegation_languages
    return bool(wanted.language and languages and wanted.language not in languages)


def amounts(problem: Problem, placements: Iterable[Placement]) -> dict[str, int]:
    zone = ZoneInfo(problem.zone)
    wanted = problem.wanted_by_key()
    holidays = holiday_days(problem)
    horizon = problem.horizon
    found = dict.fromkeys(TERMS, 0)
    load: dict[dt.date, int] = defaultdict(int)
    venues_of_day: dict[dt.date, set[int]] = defaultdict(set)
    placed = list(placements)
    for placement in placed:
        session = wanted[placement.key]
        local = placement.start.astimezone(zone)
        day = local.date()
        if day in holidays:
            found["holiday"] += 1
        elif day.weekday() >= 5:
            found["weekend"] += 1
        found["language"] += lacks_language(problem, session)
        load[day] += session.minutes
        if session.participants and placement.venue is not None:
            venues_of_day[day].add(placement.venue)
        if session.preferred_time is not None:
            preferred = dt.datetime.combine(day, session.preferred_time, tzinfo=zone)
            found["preferred"] += abs(int((placement.start - preferred).total_seconds() // 60))
        if local.time() < horizon.early_before:
            found["early"] += 1
    found["journeys"] = sum(max(0, len(v) - 1) for v in venues_of_day.values())
    loads = [load.get(day, 0) for day in work_days(problem)]
    found["balance"] = max(loads) - min(loads) if loads else 0
    found["moved"] = len(moved(problem, placed))
    return found


def moved(problem: Problem, placements: Iterable[Placement]) -> list[str]:
    """The sessions a repair moved: placed at another time, with another expert or at another venue than the
    previous proposal had them."""
    if not problem.previous:
        return []
    return sorted(
        p.key
        for p in placements
        if p.key in problem.previous
        and not problem.wanted_by_key()[p.key].fixed
        and p != problem.previous[p.key]
    )


def score_lines(problem: Problem, placements: Iterable[Placement]) -> tuple[ScoreLine, ...]:
    weights = problem.weights
    found = amounts(problem, placements)
    return tuple(ScoreLine(term, found[term], getattr(weights, term)) for term in TERMS)


def objective(problem: Problem, placements: Iterable[Placement]) -> int:
    return sum(line.points for line in score_lines(problem, placements))


def weights_of(problem: Problem) -> Mapping[str, int]:
    return {term: getattr(problem.weights, term) for term in TERMS}
