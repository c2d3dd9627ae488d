"""The report to government (issue 19) over one year and over five years of generated data.

Five years of an agency's work are written with bulk_create: 400 visits a year (360 study visits, 40 seminars
abroad), each with a delegation of 20 members (8,000 participants a year, 40,000 people in all), 10 sessions
a visit with one or two experts from a shared directory (some cancelled, some for chosen members, experts'
answers of every kind), themes, sectors and host organisations. Then the report runs, through the planner's
page (Django's test client, the page rendered with its charts) and as the figures alone
(reports.figures.report_figures), over the last year and over all five years, for an agency admin.

Each round measures both periods back to back; each figure is the median of BENCH_REPORT_REQUESTS
(default 5) requests, and the ratio five years over one year is taken within the round. The median ratio of
BENCH_REPORT_ROUNDS (default 5) rounds is reported. The machine is shared: read the ratios, not the times.
It also counts the queries of each: they must be the same for both periods.

Run:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/report.py
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
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "false")  # as in production: cached templates, no query log

import django

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.database import create_bench_database, drop_bench_database  # noqa: E402
from reports.figures import Period, report_figures  # noqa: E402
from visits.models import (  # noqa: E402
    ChosenMember,
    Delegation,
    DelegationMember,
    Gender,
    Organisation,
    Person,
    Session,
    SessionExpert,
    TargetGroup,
    Theme,
    Venue,
    Visit,
)
from visits.roles import agency_admins_group  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_REPORT_ROUNDS", "5"))
REQUESTS = int(os.environ.get("BENCH_REPORT_REQUESTS", "5"))
YEARS = (2021, 2022, 2023, 2024, 2025)
VISITS_PER_YEAR, SEMINARS_PER_YEAR = 400, 40
MEMBERS = 20  # per delegation: 8,000 participants a year
SESSIONS = 10  # per visit
COUNTRIES = ["LV", "LT", "EE", "PL", "BG", "RO", "NP", "KH", "TH", "BD", "UA", "MD"]
rng = random.Random(19)


def generate() -> None:
    """Five years of visits, written in bulk."""
    themes = Theme.objects.bulk_create(
        Theme(slug=f"theme-{n}", name_en=f"Theme {n}", name_sv=f"Tema {n}") for n in range(8)
    )
    kinds = list(Organisation.Kind)
    visiting = Organisation.objects.bulk_create(
        Organisation(
            name=f"Visiting organisation {n}",
            country=COUNTRIES[n % len(COUNTRIES)],
            kind=kinds[n % len(kinds)],
            side=Organisation.Side.VISITING,
        )
        for n in range(60)
    )
    hosts = Organisation.objects.bulk_create(
        Organisation(name=f"Host organisation {n}", country="SE", kind=kinds[n % len(kinds)])
        for n in range(40)
    )
    venues = Venue.objects.bulk_create(
        Venue(name=f"Venue {n}", address="Gatan 1", city="Stockholm", host_organisation=hosts[n % 40])
        for n in range(30)
    )
    experts = Person.objects.bulk_create(
        Person(
            name=f"Expert {n}",
            email=f"expert{n}@bench.example",
            organisation=hosts[n % 40],
            gender=rng.choice([*Gender, ""]),
        )
        for n in range(300)
    )
    groups = [*TargetGroup, ""]
    genders = [*Gender, ""]
    responses = list(SessionExpert.Response)
    for year in YEARS:
        count = VISITS_PER_YEAR
        delegations = Delegation.objects.bulk_create(
            Delegation(
                name=f"Delegation {year}-{n}",
                countries=rng.sample(COUNTRIES, rng.choice((1, 1, 2))),  # type: ignore[misc]
                languages=["en"],
            )
            for n in range(count)
        )
        Delegation.organisations.through.objects.bulk_create(
            Delegation.organisations.through(delegation_id=delegation.pk, organisation_id=organisation.pk)
            for delegation in delegations
            for organisation in rng.sample(visiting, rng.choice((1, 2, 3)))
        )
        visits = []
        for n, delegation in enumerate(delegations):
            starts = dt.date(year, 1, 5) + dt.timedelta(days=(n * 353) // count)
            seminar = n < SEMINARS_PER_YEAR
            visit = Visit(
                kind=Visit.Kind.SEMINAR_ABROAD if seminar else Visit.Kind.STUDY_VISIT,
                title=f"Visit {year}-{n}",
                delegation=delegation,
                starts_on=starts,
                ends_on=starts + dt.timedelta(days=4),
                time_zone="Europe/Stockholm",
                city="Kathmandu" if seminar else "Stockholm",
                country="NP" if seminar else "SE",
                programme_languages=["en"],
                status=rng.choice(
                    [Visit.Status.COMPLETED] * 8 + [Visit.Status.CANCELLED, Visit.Status.DRAFT]
                ),
                target_group=rng.choice(groups),
                first_published_at=dt.datetime(year, 1, 1, tzinfo=dt.UTC),
            )
            visit.window_starts_at, visit.window_ends_at = visit.compute_window()
            visits.append(visit)
        Visit.objects.bulk_create(visits, batch_size=500)
        Visit.themes.through.objects.bulk_create(
            Visit.themes.through(visit_id=visit.pk, theme_id=theme.pk)
            for visit in visits
            for theme in rng.sample(themes, rng.choice((0, 1, 2)))
        )
        people = Person.objects.bulk_create(
            (
                Person(
                    name=f"Participant {year}-{n}",
                    email=f"participant{year}-{n}@bench.example",
                    organisation=rng.choice(visiting),
                    gender=rng.choice(genders),
                )
                for n in range(count * MEMBERS)
            ),
            batch_size=2000,
        )
        members = DelegationMember.objects.bulk_create(
            (
                DelegationMember(delegation=delegations[n // MEMBERS], person=person, languages=["en"])
                for n, person in enumerate(people)
            ),
            batch_size=2000,
        )
        sessions = []
        for visit in visits:
            for number in range(SESSIONS):
                starts = visit.window_starts_at + dt.timedelta(days=number // 3, hours=8 + 3 * (number % 3))
                sessions.append(
                    Session(
                        visit=visit,
                        title=f"Session {number}",
                        starts_at=starts,
                        ends_at=starts + dt.timedelta(minutes=rng.choice((60, 90, 120))),
                        venue=rng.choice(venues),
                        host_organisation=rng.choice([None, None, rng.choice(hosts)]),
                        attendance=(
                            Session.Attendance.CHOSEN if number % 3 == 2 else Session.Attendance.DELEGATION
                        ),
                        status=Session.Status.CANCELLED if rng.random() < 0.05 else Session.Status.CONFIRMED,
                    )
                )
        Session.objects.bulk_create(sessions, batch_size=2000)
        SessionExpert.objects.bulk_create(
            (
                SessionExpert(session=session, person=expert, response=rng.choice(responses))
                for session in sessions
                for expert in rng.sample(experts, rng.choice((1, 2)))
            ),
            batch_size=2000,
        )
        by_visit = {visit.pk: members[n * MEMBERS : (n + 1) * MEMBERS] for n, visit in enumerate(visits)}
        ChosenMember.objects.bulk_create(
            (
                ChosenMember(session=session, member=member)
                for session in sessions
                if session.attendance == Session.Attendance.CHOSEN
                for member in rng.sample(by_visit[session.visit_id], 6)
            ),
            batch_size=2000,
        )
        print(
            f"{year}: {len(visits)} visits, {len(people)} participants, {len(sessions)} sessions", flush=True
        )


def page_url(period: Period) -> str:
    return f"{reverse('reports:report')}?from={period.first.isoformat()}&to={period.last.isoformat()}"


def timed(run: Any) -> float:
    times = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def count_queries(run: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        run()
    return len(captured)


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("bench/report.py measures PostgreSQL: set DATABASE_URL=postgres://...")
    setup_test_environment()
    test_db = create_bench_database("report")  # BENCH_DATABASE, or a unique name
    rounds: list[dict[str, float]] = []
    one, five = Period.year(YEARS[-1]), Period(dt.date(YEARS[0], 1, 1), dt.date(YEARS[-1], 12, 31))
    try:
        started = time.perf_counter()
        generate()
        print(f"generated in {time.perf_counter() - started:.1f} s", flush=True)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        admin = User.objects.create_user("agency", is_staff=True)
        admin.groups.add(agency_admins_group())
        client = Client()
        client.force_login(admin)

        def page(period: Period) -> Any:
            def run() -> None:
                response = client.get(page_url(period))
                assert response.status_code == 200, response.status_code

            return run

        def figures(period: Period) -> Any:
            return lambda: report_figures(Visit.objects.all(), period)

        summary = {
            name: {
                row.label: row.values[0] for row in report_figures(Visit.objects.all(), period).summary.rows
            }
            for name, period in (("one_year", one), ("five_years", five))
        }
        print("one year:", summary["one_year"])
        print("five years:", summary["five_years"])
        queries = {
            "page_one_year": count_queries(page(one)),
            "page_five_years": count_queries(page(five)),
            "figures_one_year": count_queries(figures(one)),
            "figures_five_years": count_queries(figures(five)),
        }
        print("queries:", queries, flush=True)
        for _ in range(2):  # warm the caches (templates, the planner's statistics) before measuring
            page(one)()
            page(five)()
        for number in range(ROUNDS):
            figures_round = {
                "page_one_year": timed(page(one)),
                "page_five_years": timed(page(five)),
                "figures_one_year": timed(figures(one)),
                "figures_five_years": timed(figures(five)),
            }
            rounds.append(figures_round)
            print(
                f"round {number + 1}: page {figures_round['page_one_year'] * 1000:.0f} ms / "
                f"{figures_round['page_five_years'] * 1000:.0f} ms "
                f"({figures_round['page_five_years'] / figures_round['page_one_year']:.2f}x), figures "
                f"{figures_round['figures_one_year'] * 1000:.0f} ms / "
                f"{figures_round['figures_five_years'] * 1000:.0f} ms "
                f"({figures_round['figures_five_years'] / figures_round['figures_one_year']:.2f}x)",
                flush=True,
            )
    finally:
        drop_bench_database(test_db)
    result: dict[str, object] = {
        "years": len(YEARS),
        "visits_per_year": VISITS_PER_YEAR,
        "participants_per_year": VISITS_PER_YEAR * MEMBERS,
        "rounds": ROUNDS,
        "requests": REQUESTS,
        "participations_one_year": summary["one_year"]["Participants (counted once per visit)"],
        "participations_five_years": summary["five_years"]["Participants (counted once per visit)"],
        **{f"queries_{name}": count for name, count in queries.items()},
        "same_query_count": queries["page_one_year"] == queries["page_five_years"]
        and queries["figures_one_year"] == queries["figures_five_years"],
    }
    for name in ("page", "figures"):
        ratios = [r[f"{name}_five_years"] / r[f"{name}_one_year"] for r in rounds]
        result[f"{name}_one_year_ms"] = round(
            statistics.median(r[f"{name}_one_year"] for r in rounds) * 1000, 1
        )
        result[f"{name}_five_years_ms"] = round(
            statistics.median(r[f"{name}_five_years"] for r in rounds) * 1000, 1
        )
        result[f"{name}_ratio"] = round(statistics.median(ratios), 3)
        result[f"{name}_ratio_max"] = round(max(ratios), 3)
    result["goal_ratio_at_most_1_5"] = bool(result["page_ratio"] <= 1.5)  # type: ignore[operator]
    print(json.dumps(result))


if __name__ == "__main__":
    main()
