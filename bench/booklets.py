"""Programme booklets of a delegation of 20 for a 5-day visit of 25 sessions, on PostgreSQL.

- `booklet`: each participant's booklet as the person's page gives it (booklets.documents.person_booklet):
  the version read, the rows around it, the map and feed QR codes, WeasyPrint's layout and the PDF.
- `content`: the same booklet's content alone (booklets.content.build_booklet, no PDF): the baseline that
  says how much of a booklet is the database and how much the layout.
- `no_qr`: the same booklet with its QR codes left out, for what the codes cost.
- `delegation`: the delegation's booklet (every session), once per round.

Each ratio is measured within one round against its baseline, and the median of the rounds is reported; the
machine is shared: read the ratios and the pages, not the times.

Run:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/booklets.py
It works in a database of its own that it creates and drops: BENCH_DATABASE, or
visitplan_bench_booklets_<pid>;
a database of that name that exists already is left alone (the run stops). BOOKLETS_PEOPLE (default 20)
members, BOOKLETS_ROUNDS (default 2) rounds. The last line is one JSON object.
"""

import datetime as dt
import json
import logging
import os
import statistics
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "false")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import translation  # noqa: E402

import booklets.content  # noqa: E402
from booklets.content import build_booklet  # noqa: E402
from booklets.documents import delegation_booklet, person_booklet  # noqa: E402
from booklets.models import BookletSettings, VenueDirections  # noqa: E402
from participation.models import ParticipantNeeds  # noqa: E402
from scheduling.models import TravelTime  # noqa: E402
from scheduling.publishing import programme_publish  # noqa: E402
from visits.models import (  # noqa: E402
    Delegation,
    DelegationMember,
    Organisation,
    Person,
    Session,
    SessionExpert,
    SessionInterpreter,
    Venue,
    Visit,
)

PEOPLE = int(os.environ.get("BOOKLETS_PEOPLE", "20"))
ROUNDS = int(os.environ.get("BOOKLETS_ROUNDS", "2"))
STOCKHOLM = ZoneInfo("Europe/Stockholm")
FIRST = dt.date(2027, 3, 22)  # a Monday
NAMES = ["Inese Kalniņa", "Елена Соколова", "बिष्णु गुरुङ", "ជា ស្រីមុំ", "สมชาย ใจดี", "রহিম উদ্দিন", "Åsa Öberg"]


def world() -> tuple[Visit, list[Person]]:
    """A delegation of PEOPLE for 5 days of 5 sessions each at 6 venues in two cities, with experts, an
    interpreter, needs, directions and travel times."""
    hosts = Organisation.objects.bulk_create(Organisation(name=f"Värd {i}", country="SE") for i in range(6))
    venues = Venue.objects.bulk_create(
        Venue(
            name=f"Plats {i}",
            address=f"Storgatan {i}\n111 2{i} {'Stockholm' if i < 4 else 'Göteborg'}",
            city="Stockholm" if i < 4 else "Gothenburg",
            host_organisation=hosts[i],
            accessibility_notes="Step-free entrance; lift to all floors.",
        )
        for i in range(6)
    )
    VenueDirections.objects.bulk_create(
        VenueDirections(venue=v, text="Tunnelbana to T-Centralen, then five minutes on foot.") for v in venues
    )
    TravelTime.objects.create(venue_a=venues[0], venue_b=venues[1], minutes=25)
    delegation = Delegation.objects.create(name="Bench delegation", languages=["lv", "ru", "en"])
    people = Person.objects.bulk_create(
        Person(name=f"{NAMES[n % len(NAMES)]} {n}", email=f"p{n}@bench.example", preferred_language="en")
        for n in range(PEOPLE)
    )
    DelegationMember.objects.bulk_create(DelegationMember(delegation=delegation, person=p) for p in people)
    experts = Person.objects.bulk_create(
        Person(name=f"Expert Lindqvist {n}", email=f"e{n}@bench.example", organisation=hosts[n % 6])
        for n in range(10)
    )
    interpreter = Person.objects.create(name="Laura Krūmiņa", email="lk@bench.example")
    visit = Visit.objects.create(
        title="Study visit on victim support",
        delegation=delegation,
        starts_on=FIRST,
        ends_on=FIRST + dt.timedelta(days=4),
        city="Stockholm",
        programme_languages=["en"],
    )
    BookletSettings.objects.create(visit=visit, emergency_phone="+46 8 112 000", coordinators_phone="+46 8 1")
    for n, person in enumerate(people[: PEOPLE // 2]):
        ParticipantNeeds.objects.create(
            person=person, visit=visit, dietary=["vegetarian"] if n % 2 else [], wheelchair=n == 3
        )
    for n in range(25):
        day = FIRST + dt.timedelta(days=n // 5)
        starts = dt.datetime.combine(day, dt.time(9 + (n % 5) * 2), STOCKHOLM)
        session = Session.objects.create(
            visit=visit,
            title=f"Session {n + 1}: cooperation between authorities, part {n % 5 + 1}",
            description="A talk with questions and a case study; bring the handbook.",
            kind=Session.Kind.MEAL if n % 5 == 2 else Session.Kind.MEETING,
            starts_at=starts,
            ends_at=starts + dt.timedelta(minutes=90),
            venue=venues[(n // 5) % 2 * 4 + n % 2] if n % 5 != 2 else venues[0],
            host_organisation=hosts[n % 6],
            language="sv",
            interpreter_needed=True,
            interpretation_language="lv",
            status=Session.Status.CONFIRMED,
        )
        SessionExpert.objects.create(session=session, person=experts[n % 10])
        SessionInterpreter.objects.create(session=session, person=interpreter, languages=["sv", "lv"])
    version = programme_publish(visit=visit, actor=None)
    assert version is not None
    return visit, people


def no_code(text: str, *, scale: int = 3) -> str:
    return ""


def timed(run: object) -> tuple[float, object]:
    began = time.perf_counter()
    result = run()  # type: ignore[operator]
    return time.perf_counter() - began, result


def database_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("bench/booklets.py measures PostgreSQL: set DATABASE_URL=postgres://...")
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    name = os.environ.get("BENCH_DATABASE") or f"visitplan_bench_booklets_{os.getpid()}"
    if database_exists(name):
        sys.exit(f"The database {name} exists already: bench/booklets.py leaves it alone. Name another.")
    setup_test_environment()
    connection.settings_dict["TEST"]["NAME"] = name
    test_db = connection.creation.create_test_db(verbosity=0, autoclobber=False, keepdb=False)
    results: list[dict[str, float]] = []
    try:
        visit, people = world()
        for _ in range(ROUNDS):
            booklet_s, content_s, pages = [], [], []
            for person in people:
                seconds, rendered = timed(lambda p=person: person_booklet(visit, p))
                booklet_s.append(seconds)
                pages.append(rendered.pages)  # type: ignore[attr-defined]
                with translation.override("en"):
                    content_s.append(timed(lambda p=person: build_booklet(visit, person=p, language="en"))[0])
            make_qr = booklets.content.qr_data_uri
            booklets.content.qr_data_uri = no_code  # type: ignore[assignment]
            try:
                no_qr_s = [timed(lambda p=p: person_booklet(visit, p))[0] for p in people[:5]]
            finally:
                booklets.content.qr_data_uri = make_qr
            delegation_s, whole = timed(lambda: delegation_booklet(visit, language="sv"))
            booklet = statistics.median(booklet_s)
            results.append(
                {
                    "booklet_s": booklet,
                    "booklet_max_s": max(booklet_s),
                    "content_s": statistics.median(content_s),
                    "content_over_booklet": statistics.median(content_s) / booklet,
                    "no_qr_over_booklet": statistics.median(no_qr_s) / statistics.median(booklet_s[:5]),
                    "delegation_s": delegation_s,
                    "delegation_over_booklet": delegation_s / booklet,
                    "pages": statistics.median(pages),
                    "delegation_pages": whole.pages,  # type: ignore[attr-defined]
                    "total_s": sum(booklet_s),
                }
            )
            print(json.dumps({k: round(v, 3) for k, v in results[-1].items()}), flush=True)
    finally:
        connection.creation.destroy_test_db(test_db, verbosity=0)
    summary: dict[str, float] = {"people": PEOPLE, "sessions": 25, "days": 5, "rounds": ROUNDS}
    for key in results[0]:
        summary[key] = round(statistics.median(r[key] for r in results), 3)
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
