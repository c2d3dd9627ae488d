"""Conflict checking at 1,000, 10,000 and 100,000 stored sessions, on PostgreSQL.

At each size it times (a) the check of one edited session (scheduling.checks.session_conflicts) and (b) the
full conflict report of one 200-session programme (visit_conflict_report), each the median of several runs.
As a baseline measured in the same run, (a) is also done the naive way: load every session that shares a
person or venue with the edited one, whenever it is, and check them all.

Run:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/conflicts.py
It works in a database of its own that it creates and drops: BENCH_DATABASE, or a unique name (never one
that exists already). The last line is one JSON object.
"""

import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import connection  # noqa: E402

from bench.database import create_bench_database, drop_bench_database  # noqa: E402
from scheduling.checks import (  # noqa: E402
    context_for,
    neighbours,
    rules_from_settings,
    session_conflicts,
    slot_of,
    travel_buffer,
    visit_conflict_report,
    with_people,
)
from scheduling.conflicts import conflicts_of  # noqa: E402
from visits.models import (  # noqa: E402
    Delegation,
    DelegationMember,
    Organisation,
    Person,
    Session,
    SessionExpert,
    Venue,
    Visit,
)

SIZES = [1_000, 10_000, 100_000]
PROGRAMME = 200
REPEAT = 7
VISITS_PER_WEEK = 4
STOCKHOLM = ZoneInfo("Europe/Stockholm")
START = dt.date(2027, 1, 4)  # a Monday
rng = random.Random(31)


def median_seconds(action: Callable[[], object], repeat: int = REPEAT) -> float:
    action()  # warm caches and the connection
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


class World:
    """Experts, venues and delegations shared by all visits, so that visits really compete for them."""

    def __init__(self) -> None:
        host = Organisation.objects.create(name="Bench host", country="SE")
        self.experts = Person.objects.bulk_create(
            [
                Person(name=f"Expert {i}", email=f"expert{i}@bench.example", organisation=host)
                for i in range(2000)
            ]
        )
        self.venues = Venue.objects.bulk_create(
            [
                Venue(
                    name=f"Venue {i}",
                    address="Gatan 1",
                    city=rng.choice(["Stockholm", "Göteborg", "Malmö"]),
                    capacity=60,
                )
                for i in range(300)
            ]
        )
        self.visits: list[Visit] = []
        self.sessions = 0

    def add_visits(self, sessions_wanted: int, per_visit: int = 100) -> None:
        while self.sessions < sessions_wanted:
            count = min(per_visit, sessions_wanted - self.sessions)
            self.add_visit(count)

    def add_visit(self, count: int) -> Visit:
        index = len(self.visits)
        delegation = Delegation.objects.create(name=f"Delegation {index}", languages=["en"])
        members = Person.objects.bulk_create(
            [Person(name=f"Member {index}-{m}", email=f"m{index}-{m}@bench.example") for m in range(6)]
        )
        DelegationMember.objects.bulk_create(
            [DelegationMember(delegation=delegation, person=p) for p in members]
        )
        # A steady load of VISITS_PER_WEEK visits a week: more sessions stored means more weeks of history,
        # as in a real agency, while the number of sessions near any one session stays about the same.
        first = START + dt.timedelta(days=7 * (index // VISITS_PER_WEEK))
        visit = Visit.objects.create(
            title=f"Visit {index}",
            delegation=delegation,
            starts_on=first,
            ends_on=first + dt.timedelta(days=4),
            city="Stockholm",
            programme_languages=["en"],
        )
        rows = []
        for n in range(count):
            day = first + dt.timedelta(days=n % 5)
            hour = 8 + (n // 5) % 10
            starts = dt.datetime.combine(day, dt.time(hour, rng.choice([0, 15, 30])), STOCKHOLM)
            rows.append(
                Session(
                    visit=visit,
                    title=f"S{index}-{n}",
                    starts_at=starts,
                    ends_at=starts + dt.timedelta(minutes=rng.choice([45, 60, 90])),
                    venue=rng.choice(self.venues),
                    language="en",
                )
            )
        created = Session.objects.bulk_create(rows)
        SessionExpert.objects.bulk_create(
            [SessionExpert(session=s, person=rng.choice(self.experts)) for s in created]
        )
        self.visits.append(visit)
        self.sessions += count
        return visit


def naive_session_check(session: Session) -> int:
    """Baseline: everything sharing a person or venue, at any time, loaded and checked in Python."""
    slot = slot_of(*with_people(Session.objects.filter(pk=session.pk))[0])
    people = list(slot.people)
    candidates = with_people(
        (
            Session.objects.filter(venue_id__in=[slot.venue_id] if slot.venue_id else [])
            | Session.objects.filter(session_experts__person_id__in=people)
            | Session.objects.filter(visit__delegation__members__person_id__in=people)
        ).distinct()
    )
    slots = [slot, *(slot_of(s, r) for s, r in candidates if s.pk != session.pk)]
    return len(conflicts_of(slot.id, slots, context_for(slots)))


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("bench/conflicts.py measures PostgreSQL: set DATABASE_URL=postgres://...")
    test_db = create_bench_database("conflicts")  # BENCH_DATABASE, or a unique name
    results: dict[str, dict[str, float]] = {}
    try:
        world = World()
        programme = world.add_visit(PROGRAMME)
        for size in SIZES:
            world.add_visits(size)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            edited = Session.objects.filter(visit=programme).order_by("pk")[PROGRAMME // 2]
            one = median_seconds(lambda: session_conflicts(edited))  # noqa: B023 - called at once
            naive = median_seconds(lambda: naive_session_check(edited), repeat=3)  # noqa: B023
            report = median_seconds(lambda: visit_conflict_report(programme), repeat=3)
            edited_slot = slot_of(*with_people(Session.objects.filter(pk=edited.pk))[0])
            near = neighbours([edited_slot], buffer=travel_buffer(rules_from_settings())).count()
            results[str(size)] = {
                "session_check_s": one,
                "naive_session_check_s": naive,
                "programme_report_s": report,
                "neighbours_of_edited_session": near,
            }
            print(
                f"{size:>7} sessions: one session {one * 1000:7.1f} ms (naive {naive * 1000:7.1f} ms), "
                f"200-session programme {report * 1000:7.1f} ms",
                flush=True,
            )
    finally:
        drop_bench_database(test_db)
    small, large = results[str(SIZES[0])], results[str(SIZES[-1])]
    figures = {
        "sizes": SIZES,
        "results": results,
        "session_check_growth_100k_over_1k": large["session_check_s"] / small["session_check_s"],
        "programme_report_growth_100k_over_1k": large["programme_report_s"] / small["programme_report_s"],
        "naive_session_check_growth_100k_over_1k": large["naive_session_check_s"]
        / small["naive_session_check_s"],
        "naive_over_ours_at_100k": large["naive_session_check_s"] / large["session_check_s"],
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
