"""The planner's pages at two sizes, through Django's test client on PostgreSQL: how their time grows.

- the dashboard, for a coordinator of 5 visits and one of 50 (10 sessions each, experts and venues shared
  across visits so that conflicts cross them): (a) as it is mostly read, with every visit's conflicts kept
  (scheduling.kept); (b) after a change, a session moved before each request, so that its visit and those
  near it in time are checked again; (c) every visit checked on every request, as before the counts were
  kept (all marked stale before each request), as the baseline;
- the board and the publish preview, of a visit of 5 sessions and one of 50.

Each figure is the median of several requests; each ratio (large over small) is measured within one round,
and the median ratio of the rounds is reported. The machine is shared: read the ratios, not the times.

Run:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/pages.py
It works in a database of its own that it creates and drops: BENCH_DATABASE, or a unique name (never one
that exists already).
PAGES_ROUNDS (default 5) rounds of PAGES_REQUESTS (default 7) requests per page. The last line is one JSON
object.
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
os.environ.setdefault("DEBUG", "false")  # as in production: cached templates, no query log

import django

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.database import create_bench_database, drop_bench_database  # noqa: E402
from scheduling.models import KeptConflicts  # noqa: E402
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

ROUNDS = int(os.environ.get("PAGES_ROUNDS", "5"))
REQUESTS = int(os.environ.get("PAGES_REQUESTS", "7"))
SMALL, LARGE = 5, 50
SESSIONS_PER_VISIT = 10
STOCKHOLM = ZoneInfo("Europe/Stockholm")
START = dt.date(2027, 3, 1)  # a Monday
rng = random.Random(14)


class World:
    """Experts and venues shared by every visit, so that visits compete for them as in a real agency."""

    def __init__(self) -> None:
        host = Organisation.objects.create(name="Bench host", country="SE")
        self.experts = Person.objects.bulk_create(
            Person(name=f"Expert {i}", email=f"expert{i}@bench.example", organisation=host) for i in range(60)
        )
        self.venues = Venue.objects.bulk_create(
            Venue(name=f"Venue {i}", address="Gatan 1", city="Stockholm", capacity=40) for i in range(12)
        )
        self.count = 0

    def visit(self, coordinator: User, sessions: int, week: int) -> Visit:
        """A visit of `sessions` sessions in the given week, two starting each week."""
        self.count += 1
        delegation = Delegation.objects.create(name=f"Delegation {self.count}", languages=["en"])
        members = Person.objects.bulk_create(
            Person(name=f"Member {self.count}-{m}", email=f"m{self.count}-{m}@bench.example")
            for m in range(4)
        )
        DelegationMember.objects.bulk_create(
            DelegationMember(delegation=delegation, person=p) for p in members
        )
        first = START + dt.timedelta(days=7 * week)
        visit = Visit.objects.create(
            title=f"Visit {self.count}",
            delegation=delegation,
            starts_on=first,
            ends_on=first + dt.timedelta(days=4),
            city="Stockholm",
            programme_languages=["en"],
        )
        visit.coordinators.add(coordinator)
        rows = []
        for n in range(sessions):
            day = first + dt.timedelta(days=n % 5)
            starts = dt.datetime.combine(day, dt.time(8 + (n // 5) % 9, rng.choice([0, 30])), STOCKHOLM)
            rows.append(
                Session(
                    visit=visit,
                    title=f"S{self.count}-{n}",
                    starts_at=starts,
                    ends_at=starts + dt.timedelta(minutes=rng.choice([45, 60, 90])),
                    venue=rng.choice(self.venues),
                    language="en",
                )
            )
        created = Session.objects.bulk_create(rows)
        SessionExpert.objects.bulk_create(
            SessionExpert(session=s, person=rng.choice(self.experts)) for s in created
        )
        return visit


def median_seconds(client: Client, url: str, before: Callable[[], object] = lambda: None) -> float:
    """The median time of REQUESTS requests of the page, `before` run (untimed) before each."""
    before()
    client.get(url)  # warm the connection and the template cache
    times = []
    for _ in range(REQUESTS):
        before()
        began = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - began)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times)


def one_round(pages: dict[str, tuple[str, Client, Callable[[], object]]]) -> dict[str, float]:
    return {name: median_seconds(client, url, before) for name, (url, client, before) in pages.items()}


def mover(visits: list[Visit]) -> Callable[[], None]:
    """Before each request: one session of one of the visits moved by a quarter of an hour, there and back."""
    sessions = [Session.objects.filter(visit=visit).order_by("pk").first() for visit in visits]
    moves = {"n": 0}

    def move() -> None:
        moves["n"] += 1
        session = sessions[moves["n"] % len(sessions)]
        assert session is not None
        shift = dt.timedelta(minutes=15 if moves["n"] % 2 else -15)
        Session.objects.filter(pk=session.pk).update(starts_at=session.starts_at + shift)

    return move


def all_stale(visits: list[Visit]) -> Callable[[], None]:
    def mark() -> None:
        KeptConflicts.objects.filter(visit__in=visits).update(stale=True)

    return mark


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("bench/pages.py measures PostgreSQL: set DATABASE_URL=postgres://...")
    setup_test_environment()
    test_db = create_bench_database("pages")  # BENCH_DATABASE, or a unique name
    rounds: list[dict[str, float]] = []
    try:
        world = World()
        small_user = User.objects.create_user("small", is_staff=True)
        large_user = User.objects.create_user("large", is_staff=True)
        # Two visits starting each week; the small coordinator's five among the large one's fifty.
        large_visits = [
            world.visit(large_user, SESSIONS_PER_VISIT, week=n // 2) for n in range(LARGE - SMALL)
        ]
        small_visits = [world.visit(small_user, SESSIONS_PER_VISIT, week=10 + n // 2) for n in range(SMALL)]
        for visit in small_visits:
            visit.coordinators.add(large_user)
        large_visits += small_visits
        planner = User.objects.create_user("planner", is_staff=True)
        short = world.visit(planner, SMALL, week=30)
        long = world.visit(planner, LARGE, week=31)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        small, large, boards = Client(), Client(), Client()
        small.force_login(small_user)
        large.force_login(large_user)
        boards.force_login(planner)
        dashboard = reverse("planner:dashboard")
        moved = mover(small_visits)
        pages: dict[str, tuple[str, Client, Callable[[], object]]] = {
            "dashboard_kept_small": (dashboard, small, lambda: None),
            "dashboard_kept_large": (dashboard, large, lambda: None),
            "dashboard_after_change_small": (dashboard, small, moved),
            "dashboard_after_change_large": (dashboard, large, moved),
            "dashboard_every_visit_small": (dashboard, small, all_stale(small_visits)),
            "dashboard_every_visit_large": (dashboard, large, all_stale(large_visits)),
            "board_small": (reverse("planner:board", args=[short.pk]), boards, lambda: None),
            "board_large": (reverse("planner:board", args=[long.pk]), boards, lambda: None),
            "publish_small": (reverse("planner:publish", args=[short.pk]), boards, lambda: None),
            "publish_large": (reverse("planner:publish", args=[long.pk]), boards, lambda: None),
        }
        for number in range(ROUNDS):
            figures = one_round(pages)
            rounds.append(figures)
            print(
                f"round {number + 1}: "
                + ", ".join(
                    f"{name} {figures[f'{name}_large'] / figures[f'{name}_small']:.2f}x "
                    f"({figures[f'{name}_small'] * 1000:.0f}/{figures[f'{name}_large'] * 1000:.0f} ms)"
                    for name in PAGES
                ),
                flush=True,
            )
    finally:
        drop_bench_database(test_db)
    result: dict[str, object] = {"rounds": ROUNDS, "requests_per_page": REQUESTS}
    for name in PAGES:
        ratios = [r[f"{name}_large"] / r[f"{name}_small"] for r in rounds]
        result[f"{name}_ratio"] = round(statistics.median(ratios), 3)
        result[f"{name}_ratio_max"] = round(max(ratios), 3)
        result[f"{name}_small_ms"] = round(statistics.median(r[f"{name}_small"] for r in rounds) * 1000, 1)
        result[f"{name}_large_ms"] = round(statistics.median(r[f"{name}_large"] for r in rounds) * 1000, 1)
    print(json.dumps(result))


PAGES = ["dashboard_kept", "dashboard_after_change", "dashboard_every_visit", "board", "publish"]

if __name__ == "__main__":
    main()
