"""Feeds that cost little to poll: a 304 from one small query, and feeds joined from each event's kept lines
(notifications.feed_cache)."""

import datetime as dt
from email.utils import parsedate_to_datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.http import http_date

from notifications import calendar
from notifications.compose import message_language
from notifications.feed_cache import feed_cache
from notifications.feed_polls import kept_polls
from notifications.feeds import _person_rows, feed_events
from notifications.tokens import person_token, programme_url_of, token_revoke, visit_token
from tests.factories import SessionExpertFactory, SessionFactory, VenueFactory, stockholm
from tests.notifications.conftest import edit, events_of, parse_ics, publish
from visits.models import Session, SessionExpert, Visit
from visits.services import session_change_status, visit_change_status

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(hours=1)


@pytest.fixture(autouse=True)
def fixed_now():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def published(programme):
    publish(programme.visit)
    return programme


def feed_url(person) -> str:
    return reverse("notifications:person_feed", args=[person_token(person).token])


def summaries(response) -> list[str]:
    return [str(e["SUMMARY"]) for e in events_of(parse_ics(response.content))]


class TestNotModified:
    @pytest.mark.parametrize("header", ["if-none-match", "if-modified-since"])
    def test_a_poll_with_the_feeds_validator_is_a_304_with_the_same_headers(self, client, published, header):
        url = feed_url(published.expert)
        first = client.get(url)
        value = first["ETag"] if header == "if-none-match" else first["Last-Modified"]
        again = client.get(url, headers={header: value})
        assert again.status_code == 304
        assert again.content == b""
        assert again["ETag"] == first["ETag"]
        assert again["Last-Modified"] == first["Last-Modified"]
        assert "private" in again["Cache-Control"]

    @pytest.mark.parametrize("which", ["visit_feed", "programme_ics"])
    def test_the_visit_feed_and_the_programme_file_too(self, client, published, which):
        if which == "visit_feed":
            url = reverse("notifications:visit_feed", args=[visit_token(published.visit).token])
        else:
            url = reverse("notifications:programme_ics", args=[person_token(published.expert).token])
        first = client.get(url)
        for header, value in (
            ("if-none-match", first["ETag"]),
            ("if-modified-since", first["Last-Modified"]),
        ):
            again = client.get(url, headers={header: value})
            assert again.status_code == 304
            assert again["ETag"] == first["ETag"]

    def test_a_304_costs_one_query_whatever_the_feed_holds(self, client, published):
        url = feed_url(published.head.person)
        etag = client.get(url)["ETag"]
        with CaptureQueriesContext(connection) as few:
            assert client.get(url, headers={"if-none-match": etag}).status_code == 304
        for n in range(40):
            SessionFactory(
                visit=published.visit, starts_at=stockholm(2027, 3, 24, 8) + dt.timedelta(minutes=n)
            )
        etag = client.get(url)["ETag"]
        with CaptureQueriesContext(connection) as more:
            assert client.get(url, headers={"if-none-match": etag}).status_code == 304
        if kept_polls():  # the token with its person's language and feed stamp; the rest is kept beside it
            assert len(few.captured_queries) == len(more.captured_queries) == 1
            assert "notifications_feedstamp" in few.captured_queries[0]["sql"]
        else:  # SQLite: the token (with its expiry) and the feed's signature
            assert len(few.captured_queries) == len(more.captured_queries) == 2

    @pytest.mark.parametrize("header", ["if-none-match", "if-modified-since"])
    def test_a_revoked_token_is_a_404_never_a_304(self, client, published, header):
        token = person_token(published.expert)
        url = reverse("notifications:person_feed", args=[token.token])
        first = client.get(url)
        token_revoke(token=token)
        value = first["ETag"] if header == "if-none-match" else first["Last-Modified"]
        assert client.get(url, headers={header: value}).status_code == 404

    def test_an_expired_token_is_a_404_never_a_304(self, client, published, fixed_now):
        url = feed_url(published.expert)
        first = client.get(url)
        fixed_now.move_to(dt.datetime(2027, 8, 1, tzinfo=dt.UTC))
        assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 404


def _change(kind: str, programme, fixed_now) -> None:
    """One change of each kind a person's feed (that of the head of the delegation, or the expert) shows."""
    morning: Session = programme.morning
    if kind == "session_title":
        edit(morning, title="How the police work, revised")
    elif kind == "publish_sequence":
        edit(morning, starts_at=stockholm(2027, 3, 23, 8), ends_at=stockholm(2027, 3, 23, 9, 30))
        publish(programme.visit)
    elif kind == "visit_title":
        programme.visit.refresh_from_db()
        programme.visit.title = "Policing in Sweden"
        programme.visit.save()
    elif kind == "venue_name":
        assert morning.venue is not None
        morning.venue.name = "Polishuset Kungsholmen"
        morning.venue.save()
    elif kind == "host_name":
        assert morning.host_organisation is not None
        morning.host_organisation.name = "Swedish Police Authority"
        morning.host_organisation.save()
    elif kind == "delegation_name":
        programme.visit.delegation.name = "State Police of Latvia"
        programme.visit.delegation.save()
    elif kind == "language":
        programme.expert.preferred_language = "sv"
        programme.expert.save()
    elif kind == "answer":
        row = SessionExpert.objects.get(session=morning, person=programme.expert)
        row.response, row.answers, row.responded_at = SessionExpert.Response.CONFIRMED, row.answers + 1, LATER
        row.save()
    elif kind == "session_cancelled":
        session_change_status(session=morning, status=Session.Status.CANCELLED)
    elif kind == "visit_cancelled":
        visit_change_status(visit=programme.visit, status=Visit.Status.CANCELLED)
    elif kind == "session_deleted":
        Session.objects.filter(pk=morning.pk).delete()
    elif kind == "removed_from_session":
        SessionExpert.objects.filter(session=morning, person=programme.expert).delete()
    elif kind == "added_to_session":
        SessionExpertFactory(session=programme.afternoon, person=programme.expert)
    elif kind == "keep_window_passed":
        session_change_status(session=morning, status=Session.Status.CANCELLED)
    else:  # pragma: no cover
        raise AssertionError(kind)


CHANGES = [
    "session_title",
    "publish_sequence",
    "visit_title",
    "venue_name",
    "host_name",
    "delegation_name",
    "language",
    "answer",
    "session_cancelled",
    "visit_cancelled",
    "session_deleted",
    "removed_from_session",
    "added_to_session",
]


class TestEveryChangeMovesTheValidator:
    @pytest.mark.parametrize("kind", CHANGES)
    def test_a_change_gives_a_new_etag_a_later_last_modified_and_the_whole_feed(
        self, client, published, fixed_now, kind
    ):
        url = feed_url(published.expert)
        first = client.get(url)
        assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 304
        fixed_now.shift(dt.timedelta(hours=1))
        _change(kind, published, fixed_now)
        fixed_now.shift(dt.timedelta(minutes=5))
        by_etag = client.get(url, headers={"if-none-match": first["ETag"]})
        assert by_etag.status_code == 200, kind
        assert by_etag["ETag"] != first["ETag"]
        by_date = client.get(url, headers={"if-modified-since": first["Last-Modified"]})
        assert by_date.status_code == 200, kind
        assert by_date["Last-Modified"] == http_date((LATER + dt.timedelta(minutes=5)).timestamp())
        # and the new validator answers 304 again
        assert client.get(url, headers={"if-none-match": by_etag["ETag"]}).status_code == 304

    def test_a_cancelled_session_dropping_out_of_its_keep_window_moves_it(self, client, published, fixed_now):
        _change("keep_window_passed", published, fixed_now)
        url = feed_url(published.expert)
        first = client.get(url)
        assert summaries(first) == ["How the police work"]
        fixed_now.shift(dt.timedelta(days=31))
        response = client.get(url, headers={"if-modified-since": first["Last-Modified"]})
        assert response.status_code == 200
        assert summaries(response) == []

    def test_a_change_within_the_same_second_still_moves_last_modified(self, client, published):
        url = feed_url(published.expert)
        first = client.get(url)
        edit(published.morning, title="Revised")
        response = client.get(url, headers={"if-modified-since": first["Last-Modified"]})
        assert response.status_code == 200
        assert response["Last-Modified"] == http_date(NOW.timestamp() + 1)

    def test_the_visit_feed_moves_with_its_visits_title_and_a_deleted_session(self, client, published):
        url = reverse("notifications:visit_feed", args=[visit_token(published.visit).token])
        first = client.get(url)
        published.visit.refresh_from_db()
        published.visit.title = "Policing in Sweden"
        published.visit.save()
        second = client.get(url, headers={"if-none-match": first["ETag"]})
        assert second.status_code == 200
        Session.objects.filter(pk=published.afternoon.pk).delete()
        third = client.get(url, headers={"if-none-match": second["ETag"]})
        assert third.status_code == 200
        assert summaries(third) == ["How the police work"]


class TestKeptLines:
    def assert_same_as_built_afresh(self, response, person) -> None:
        token = person_token(person)
        rows = _person_rows(person, now=NOW)
        with translation.override(message_language(person.preferred_language)):
            events = feed_events(rows, url=programme_url_of(token))
            fresh = calendar.build_calendar(
                events,
                method=calendar.PUBLISH,
                stamp=parsedate_to_datetime(response["Last-Modified"]),
                name=translation.gettext("Visitplan: my programme"),
                refresh=dt.timedelta(minutes=60),
            )
        assert response.content == fresh
        kept, built = parse_ics(response.content), parse_ics(fresh)
        assert [dict(e) for e in events_of(kept)] == [dict(e) for e in events_of(built)]
        assert b"\r\n" in response.content and b"\n" not in response.content.replace(b"\r\n", b"")

    def test_the_joined_feed_is_byte_for_byte_the_one_icalendar_builds(self, client, published):
        long = "A very long title that has to be folded, with åäö and emoji 🚓, " * 3
        edit(published.morning, title=long, description="Line one\nLine two; with, commas\\")
        response = client.get(feed_url(published.head.person))  # cold: built and kept
        self.assert_same_as_built_afresh(response, published.head.person)
        warm = client.get(feed_url(published.head.person))  # warm: joined from the kept lines
        assert warm.content == response.content
        self.assert_same_as_built_afresh(warm, published.head.person)

    def test_a_warm_feed_serialises_no_event(self, client, published, monkeypatch):
        url = feed_url(published.head.person)
        client.get(url)
        calls = []
        original = calendar.event_parts
        monkeypatch.setattr(calendar, "event_parts", lambda *a, **k: calls.append(1) or original(*a, **k))
        fresh = client.get(url)
        assert fresh.status_code == 200 and calls == []
        edit(published.morning, title="Revised")
        client.get(url)
        assert len(calls) == 1  # only the changed event

    @pytest.mark.parametrize(
        "kind", ["session_title", "venue_name", "host_name", "delegation_name", "language"]
    )
    def test_kept_lines_are_not_used_after_a_change(self, client, published, fixed_now, kind):
        person = published.expert
        client.get(feed_url(person))
        fixed_now.shift(dt.timedelta(hours=1))
        _change(kind, published, fixed_now)
        person.refresh_from_db()
        response = client.get(feed_url(person))
        self.assert_same_as_built_afresh(response, person)
        text = response.content.decode()
        expected = {
            "session_title": "How the police work\\, revised",
            "venue_name": "Polishuset Kungsholmen",
            "host_name": "Swedish Police Authority",
            "delegation_name": "State Police of Latvia",
            "language": "Visitplan: mitt program",
        }[kind]
        assert expected in text.replace("\r\n ", "")

    def test_lines_lost_from_the_cache_give_the_same_feed(self, client, published):
        url = feed_url(published.head.person)
        first = client.get(url)
        cache = feed_cache()
        kept = [key.split(":", 2)[2] for key in cache._cache if "feed-event:" in key]
        assert kept
        cache.delete_many(kept)
        assert client.get(url).content == first.content


def _add_sessions(programme, count: int, day: int) -> None:
    venues = [VenueFactory() for _ in range(3)]
    for n in range(count):
        session = SessionFactory(
            visit=programme.visit,
            venue=venues[n % 3],
            starts_at=stockholm(2027, 3, day, 8) + dt.timedelta(minutes=5 * n),
        )
        SessionExpertFactory(session=session, person=programme.expert)


class TestQueries:
    @pytest.mark.parametrize("warm", [True, False])
    def test_the_whole_feed_reads_as_many_queries_for_10_events_as_for_100(self, client, published, warm):
        url = feed_url(published.expert)
        counts = []
        for size, day in ((10, 24), (100, 25)):
            _add_sessions(published, size - len(summaries(client.get(url))), day)
            assert len(summaries(client.get(url))) == size  # and the lines kept
            if not warm:
                feed_cache().clear()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert len(summaries(response)) == size
            counts.append(len(queries.captured_queries))
        # warm: the token (and expiry), row stamps, and on PostgreSQL the poll's token with the feed stamp
        # (the validator kept beside it), on SQLite the feed's signature; cold: the poll (PostgreSQL), the
        # token, the signature (its validator was emptied too), row stamps, the sessions whose lines are
        # missing
        poll = 1 if kept_polls() else 0
        assert counts == ([3, 3] if warm else [4 + poll, 4 + poll])


@pytest.mark.parametrize("method", sorted(calendar.METHODS))
def test_assemble_calendar_writes_what_build_calendar_writes(method):
    start = dt.datetime(2027, 3, 23, 8, tzinfo=dt.UTC)
    events = [
        calendar.CalendarEvent(
            uid=f"session-{n}@visitplan.example.org",
            sequence=n,
            start=start + dt.timedelta(hours=n),
            end=start + dt.timedelta(hours=n + 1),
            summary="Ett långt namn på ett möte som måste vikas över flera rader 🚓; med, tecken " * n,
            description="Rad ett\nRad två\\n; slut",
            location="Polishuset, Kungsholmsgatan 43, 112 27 Stockholm",
            url="https://visitplan.example.org/p/abc/",
            status=calendar.TENTATIVE if n % 2 else calendar.CONFIRMED,
            organizer_email="coordinators@visitplan.example.org",
            organizer_name="Visitplan coordinators",
            attendees=(calendar.Attendee(email="eva@example.org", name="Eva Lind"),),
            last_modified=start - dt.timedelta(days=n),
        )
        for n in range(4)
    ]
    stamp = dt.datetime(2027, 3, 1, 9, 30, 15, tzinfo=dt.UTC)
    refresh = dt.timedelta(minutes=60)
    built = calendar.build_calendar(
        events, method=method, stamp=stamp, name="Visitplan: mitt program", refresh=refresh
    )
    parts = [calendar.event_parts(event, method=method) for event in events]
    joined = calendar.assemble_calendar(
        parts, method=method, stamp=stamp, name="Visitplan: mitt program", refresh=refresh
    )
    assert joined == built
    assert all(len(line) <= 75 for line in joined.split(b"\r\n"))
