"""A person's calendar feed of 2,000 events, through Django's test client on PostgreSQL, against building the
same events with raw icalendar.

- `raw`: the baseline. The same events (the CalendarEvent values the feed is made of, read beforehand, so no
  database) written with icalendar's Calendar and Event, the same properties in the same order, to bytes.
- `full`: the whole feed, as a calendar program's first poll, once the events' lines are kept (warm).
- `cold`: the whole feed with the feeds cache emptied before each request: every event serialised again.
- `not_modified`: a poll with the feed's ETag in If-None-Match, answered 304; `not_modified_ims`: the same
  with its Last-Modified in If-Modified-Since.
- `full_http`, `not_modified_http`: the whole feed and a poll as a calendar program makes them, over HTTP to
  Django's WSGI handler on a loopback socket (Django's threaded WSGI server, one kept-alive connection;
  the poll sends both If-None-Match and If-Modified-Since): the request's own signals run too (the
  database connection's health check at its start), which the test client leaves out.

Goals: full at most 0.5x raw; a 304 at most 0.05x of the full feed. Each figure is the median of several
requests; each ratio is measured within one round, and the median ratio of the rounds is reported. The
machine is shared: read the ratios, not the times.

Run:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/feeds.py
It works in a database of its own that it creates and drops: BENCH_DATABASE, or a unique name (never one
that exists already).
FEEDS_EVENTS (default 2000) events, FEEDS_ROUNDS (default 5) rounds of FEEDS_REQUESTS (default 7) requests.
The last line is one JSON object.
"""

import datetime as dt
import json
import os
import random
import statistics
import sys
import threading
import time
from collections.abc import Callable
from http.client import HTTPConnection
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "false")  # as in production: cached templates, no query log

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone, translation  # noqa: E402
from icalendar import Calendar, Event, vCalAddress, vDuration  # noqa: E402

from bench.database import create_bench_database, drop_bench_database  # noqa: E402
from notifications import calendar  # noqa: E402
from notifications.calendar import CalendarEvent  # noqa: E402
from notifications.compose import message_language  # noqa: E402
from notifications.feed_cache import feed_cache, stamp_key  # noqa: E402
from notifications.feeds import person_sessions  # noqa: E402
from notifications.sessions import event_status, facts_of_session, session_event  # noqa: E402
from notifications.tokens import person_token, programme_url_of  # noqa: E402
from visits.models import (  # noqa: E402
    Delegation,
    Organisation,
    Person,
    Session,
    SessionExpert,
    Venue,
    Visit,
)

EVENTS = int(os.environ.get("FEEDS_EVENTS", "2000"))
ROUNDS = int(os.environ.get("FEEDS_ROUNDS", "5"))
REQUESTS = int(os.environ.get("FEEDS_REQUESTS", "7"))
SESSIONS_PER_VISIT = 20
STOCKHOLM = ZoneInfo("Europe/Stockholm")
START = dt.date(2027, 3, 1)  # a Monday
rng = random.Random(15)


def world() -> Person:
    """One expert on EVENTS sessions of published visits, two visits a week, venues and hosts shared."""
    hosts = Organisation.objects.bulk_create(Organisation(name=f"Host {i}", country="SE") for i in range(10))
    venues = Venue.objects.bulk_create(
        Venue(name=f"Venue {i}", address=f"Gatan {i}\n111 22 Stockholm", city="Stockholm", capacity=40)
        for i in range(12)
    )
    expert = Person.objects.create(name="Eva Expert", email="eva@bench.example", organisation=hosts[0])
    now = timezone.now()
    for number in range(EVENTS // SESSIONS_PER_VISIT):
        delegation = Delegation.objects.create(name=f"Delegation {number}", languages=["en"])
        first = START + dt.timedelta(days=7 * (number // 2))
        visit = Visit.objects.create(
            title=f"Study visit {number}",
            delegation=delegation,
            starts_on=first,
            ends_on=first + dt.timedelta(days=4),
            city="Stockholm",
            programme_languages=["en"],
        )
        rows = []
        for n in range(SESSIONS_PER_VISIT):
            day = first + dt.timedelta(days=n % 5)
            starts = dt.datetime.combine(day, dt.time(8 + n // 5 * 2, 15 * (number % 2)), STOCKHOLM)
            rows.append(
                Session(
                    visit=visit,
                    title=f"How the work is done, part {number}-{n}",
                    description="A talk and questions.\nBring the handbook; we start on time.",
                    starts_at=starts,
                    ends_at=starts + dt.timedelta(minutes=rng.choice([45, 60, 90])),
                    venue=rng.choice(venues),
                    host_organisation=rng.choice(hosts),
                    language="en",
                )
            )
        created = Session.objects.bulk_create(rows)
        SessionExpert.objects.bulk_create(
            SessionExpert(session=s, person=expert, response=SessionExpert.Response.CONFIRMED)
            for s in created
        )
        Visit.objects.filter(pk=visit.pk).update(first_published_at=now, status=Visit.Status.PUBLISHED)
    return expert


def the_events(person: Person, url: str) -> list[CalendarEvent]:
    """The events of the person's feed, as the feed makes them: the input of the raw baseline."""
    with translation.override(message_language(person.preferred_language)):
        events = []
        for session in person_sessions(person, now=timezone.now()):
            facts = facts_of_session(session)
            events.append(
                session_event(
                    facts,
                    sequence=session.sequence,
                    status=event_status(facts),
                    url=url,
                    last_modified=session.updated_at,
                )
            )
        return events


def raw_icalendar(events: list[CalendarEvent], stamp: dt.datetime) -> bytes:
    """The same calendar, every event built with icalendar's Calendar and Event and written to bytes."""
    cal = Calendar()
    cal.add("prodid", calendar.PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", "Visitplan: my programme")
    refresh = dt.timedelta(minutes=settings.FEED_REFRESH_MINUTES)
    cal.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(refresh))
    for e in events:
        event = Event()
        event.add("uid", e.uid)
        event.add("sequence", e.sequence)
        event.add("dtstamp", stamp)
        event.add("dtstart", e.start.astimezone(dt.UTC))
        event.add("dtend", e.end.astimezone(dt.UTC))
        event.add("summary", e.summary)
        event.add("location", e.location)
        event.add("status", e.status)
        if e.last_modified is not None:
            event.add("last-modified", e.last_modified.astimezone(dt.UTC))
        organizer = vCalAddress(f"mailto:{e.organizer_email}")
        organizer.params["CN"] = e.organizer_name
        event.add("organizer", organizer)
        event.add("description", e.description)
        event.add("url", e.url)
        cal.add_component(event)
    return cal.to_ical()


def median_seconds(run: Callable[[], object], before: Callable[[], object] = lambda: None) -> float:
    times = []
    for _ in range(REQUESTS):
        before()
        began = time.perf_counter()
        run()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def get(client: Client, url: str, status: int, **headers: str) -> Callable[[], object]:
    def run() -> None:
        response = client.get(url, headers=headers)
        assert response.status_code == status, (url, response.status_code)

    return run


class QuietHandler(WSGIRequestHandler):
    # As servers in front of Django do (nginx's tcp_nodelay): without it, a small answer written in two
    # parts waits for the client's delayed ACK (about 40 ms on loopback), which would measure the socket.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: object) -> None:
        pass


def serve() -> ThreadedWSGIServer:
    """Django's WSGI handler on a free loopback port, served from threads of this process."""
    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler)
    server.daemon_threads = False  # server_close() waits for each connection's thread to close its database
    server.set_app(WSGIHandler())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def http_get(http: HTTPConnection, url: str, status: int, **headers: str) -> Callable[[], object]:
    def run() -> None:
        http.request("GET", url, headers=headers)
        response = http.getresponse()
        response.read()
        assert response.status == status, (url, response.status)

    return run


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("bench/feeds.py measures PostgreSQL: set DATABASE_URL=postgres://...")
    setup_test_environment()
    test_db = create_bench_database("feeds")  # BENCH_DATABASE, or a unique name
    rounds: list[dict[str, float]] = []
    try:
        expert = world()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        token = person_token(expert)
        url = reverse("notifications:person_feed", args=[token.token])
        client = Client()
        first = client.get(url)
        assert first.status_code == 200
        events = the_events(expert, programme_url_of(token))
        assert len(events) == EVENTS, len(events)
        assert first.content.count(b"BEGIN:VEVENT") == EVENTS
        stamp = timezone.now().replace(microsecond=0)
        etag, modified = first["ETag"], first["Last-Modified"]
        cache, kept_stamp = feed_cache(), stamp_key(f"feed:{token.token}")

        def forget_events() -> None:
            """Empty the cache of the events' lines, keeping the feed's Last-Modified (and so its ETag)."""
            stamp = cache.get(kept_stamp)
            cache.clear()
            cache.set(kept_stamp, stamp, timeout=None)

        server = serve()
        http = HTTPConnection("127.0.0.1", server.server_address[1], timeout=60)
        both = {"If-None-Match": etag, "If-Modified-Since": modified}
        cases: dict[str, tuple[Callable[[], object], Callable[[], object]]] = {
            "raw": (lambda: raw_icalendar(events, stamp), lambda: None),
            "full": (get(client, url, 200), lambda: None),
            "cold": (get(client, url, 200), forget_events),
            "not_modified": (get(client, url, 304, if_none_match=etag), lambda: None),
            "not_modified_ims": (get(client, url, 304, if_modified_since=modified), lambda: None),
            "full_http": (http_get(http, url, 200), lambda: None),
            "not_modified_http": (http_get(http, url, 304, **both), lambda: None),
        }
        for number in range(ROUNDS):
            figures = {}
            for name, (run, before) in cases.items():
                if name == "not_modified":
                    client.get(url)  # warm again after "cold"
                figures[name] = median_seconds(run, before)
            rounds.append(figures)
            print(
                f"round {number + 1}: "
                + ", ".join(f"{name} {seconds * 1000:.1f} ms" for name, seconds in figures.items())
                + f"; full/raw {figures['full'] / figures['raw']:.3f}, "
                f"304/full {figures['not_modified'] / figures['full']:.3f}, "
                f"over HTTP {figures['not_modified_http'] / figures['full_http']:.3f}",
                flush=True,
            )
        http.close()
        server.shutdown()
        server.server_close()
    finally:
        connections.close_all()  # the server's threads' connections too, or the database cannot be dropped
        drop_bench_database(test_db)
    ratios = {
        "full_over_raw": ("full", "raw"),
        "cold_over_raw": ("cold", "raw"),
        "not_modified_over_full": ("not_modified", "full"),
        "not_modified_ims_over_full": ("not_modified_ims", "full"),
        "not_modified_http_over_full_http": ("not_modified_http", "full_http"),
    }
    result: dict[str, object] = {"events": EVENTS, "rounds": ROUNDS, "requests": REQUESTS}
    for name, (top, bottom) in ratios.items():
        values = [r[top] / r[bottom] for r in rounds]
        result[name] = round(statistics.median(values), 4)
        result[f"{name}_max"] = round(max(values), 4)
    for name in cases:
        result[f"{name}_ms"] = round(statistics.median(r[name] for r in rounds) * 1000, 2)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
