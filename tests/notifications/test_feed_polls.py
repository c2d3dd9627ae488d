"""A poll of a person's feed answered from their feed stamp (notifications.feed_polls): every write to what
the feed shows, by any door, moves the stamp and stops the 304; a write elsewhere leaves the poll at one
query and the same ETag. The triggers run on PostgreSQL, where these tests run."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from notifications import feed_polls
from notifications.models import FeedStamp
from notifications.tokens import person_token
from tests.factories import (
    DelegationMemberFactory,
    PersonFactory,
    SessionExpertFactory,
    SessionFactory,
    SessionInterpreterFactory,
    VenueFactory,
    VisitFactory,
    stockholm,
)
from tests.notifications.conftest import edit, publish
from visits.models import ChosenMember, DelegationMember, Person, Session, SessionExpert, Venue

pytestmark = pytest.mark.django_db
# The stamps are kept by PostgreSQL's triggers; on SQLite every poll is worked out (TestWithoutTheTriggers).
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="feed stamps are kept by PostgreSQL triggers only"
)

NOW = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def fixed_now():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def published(programme):
    publish(programme.visit)
    return programme


def feed_url(person: Person) -> str:
    return reverse("notifications:person_feed", args=[person_token(person).token])


def poll(client, url: str, etag: str) -> tuple[int, int]:
    """The status of a poll with `etag`, and how many queries it read."""
    with CaptureQueriesContext(connection) as queries:
        status = client.get(url, headers={"if-none-match": etag}).status_code
    return status, len(queries.captured_queries)


def revision(person: Person) -> int:
    return FeedStamp.objects.filter(person=person).values_list("revision", flat=True).first() or 0


# Writes to what the person's feed shows, beyond those tests/notifications/test_feed_cache.py makes for an
# expert: a participant's place, an interpreter's booking, and writes that go round the models' save().
def _chosen_for_session(p) -> Person:
    ChosenMember.objects.create(session=p.afternoon, member=p.member)
    return p.member.person


def _attendance_changed(p) -> Person:
    edit(p.morning, attendance=Session.Attendance.CHOSEN)  # the member is no longer on it
    return p.member.person


def _interpreter_booked(p) -> Person:
    SessionInterpreterFactory(session=p.afternoon, person=p.expert)
    return p.expert


def _venue_renamed_in_bulk(p) -> Person:
    Venue.objects.filter(pk=p.morning.venue_id).update(
        name="Polishuset Kungsholmen", updated_at=timezone.now()
    )
    return p.expert


def _answer_in_bulk(p) -> Person:
    SessionExpert.objects.filter(person=p.expert).update(response=SessionExpert.Response.DECLINED)
    return p.expert


def _session_moved_in_bulk(p) -> Person:
    Session.objects.filter(pk=p.morning.pk).update(
        starts_at=stockholm(2027, 3, 24, 9), ends_at=stockholm(2027, 3, 24, 10), updated_at=timezone.now()
    )
    return p.member.person


SHOWN = {
    "chosen_for_session": _chosen_for_session,
    "attendance_changed": _attendance_changed,
    "interpreter_booked": _interpreter_booked,
    "venue_renamed_in_bulk": _venue_renamed_in_bulk,
    "answer_in_bulk": _answer_in_bulk,
    "session_moved_in_bulk": _session_moved_in_bulk,
}
READERS = {
    "chosen_for_session": "member",
    "attendance_changed": "member",
    "interpreter_booked": "expert",
    "venue_renamed_in_bulk": "expert",
    "answer_in_bulk": "expert",
    "session_moved_in_bulk": "member",
}


def reader(p, kind: str) -> Person:
    return p.member.person if READERS[kind] == "member" else p.expert


@postgres_only
class TestAWriteToWhatTheFeedShows:
    @pytest.mark.parametrize("kind", sorted(SHOWN))
    def test_moves_the_stamp_and_stops_the_304(self, client, published, fixed_now, kind):
        person = reader(published, kind)
        url = feed_url(person)
        first = client.get(url)
        assert poll(client, url, first["ETag"]) == (304, 1)
        before = revision(person)
        fixed_now.shift(dt.timedelta(hours=1))
        assert SHOWN[kind](published) == person
        assert revision(person) != before
        again = client.get(url, headers={"if-none-match": first["ETag"]})
        assert again.status_code == 200
        assert again["ETag"] != first["ETag"]
        assert again.content != first.content
        # and the new validator is kept: one query again
        assert poll(client, url, again["ETag"]) == (304, 1)

    def test_joining_a_delegation_brings_its_sessions(self, client, published):
        newcomer = PersonFactory(name="Liga Kalna")
        url = feed_url(newcomer)
        first = client.get(url)
        assert b"BEGIN:VEVENT" not in first.content
        assert poll(client, url, first["ETag"]) == (304, 1)
        DelegationMemberFactory(delegation=published.visit.delegation, person=newcomer)
        again = client.get(url, headers={"if-none-match": first["ETag"]})
        assert again.status_code == 200
        assert b"How the police work" in again.content

    def test_a_new_visit_of_their_delegation_moves_their_last_day(self, client, published):
        person = published.member.person
        before = revision(person)
        VisitFactory(
            delegation=published.visit.delegation, starts_on=dt.date(2027, 9, 1), ends_on=dt.date(2027, 9, 3)
        )
        assert revision(person) != before

    def test_a_published_programme_reaches_its_people_once_published(self, client, programme):
        url = feed_url(programme.expert)
        first = client.get(url)
        assert b"BEGIN:VEVENT" not in first.content  # a draft is in no one's feed
        publish(programme.visit)
        again = client.get(url, headers={"if-none-match": first["ETag"]})
        assert again.status_code == 200 and b"How the police work" in again.content


@postgres_only
class TestAWriteElsewhere:
    @pytest.mark.parametrize(
        "kind", ["another_visits_session", "another_persons_answer", "an_unused_venue", "another_delegation"]
    )
    def test_leaves_the_stamp_and_the_304_at_one_query(self, client, published, kind):
        url = feed_url(published.expert)
        first = client.get(url)
        before = revision(published.expert)
        if kind == "another_visits_session":
            other = SessionFactory(visit=VisitFactory(), title="Elsewhere")
            edit(other, title="Elsewhere, revised")
        elif kind == "another_persons_answer":
            colleague = SessionExpertFactory(session=published.afternoon)
            colleague.response = SessionExpert.Response.CONFIRMED
            colleague.save()
        elif kind == "an_unused_venue":
            venue = VenueFactory()
            venue.name = "Renamed"
            venue.save()
        else:
            DelegationMemberFactory().delegation.save()
        assert revision(published.expert) == before
        assert poll(client, url, first["ETag"]) == (304, 1)

    def test_a_write_that_shows_nothing_new_is_worked_out_again_to_the_same_etag(self, client, published):
        person = published.head.person
        url = feed_url(person)
        first = client.get(url)
        before = revision(person)
        DelegationMember.objects.filter(pk=published.head.pk).update(languages=["lv"])
        assert revision(person) != before
        status, queries = poll(client, url, first["ETag"])
        assert status == 304 and queries > 1  # the signature again: it did not change
        assert poll(client, url, first["ETag"]) == (304, 1)


@postgres_only
class TestWhatIsKeptBesideTheStamp:
    def test_another_organizer_setting_is_not_answered_from_what_was_kept(self, client, published, settings):
        url = feed_url(published.expert)
        first = client.get(url)
        settings.ORGANIZER_EMAIL = "visits@agency.example"
        again = client.get(url, headers={"if-none-match": first["ETag"]})
        assert again.status_code == 200 and again["ETag"] != first["ETag"]

    def test_a_kept_validator_does_not_outlive_its_tokens_last_day(self, client, published, fixed_now):
        url = feed_url(published.expert)
        first = client.get(url)
        assert poll(client, url, first["ETag"]) == (304, 1)
        fixed_now.move_to(dt.datetime(2027, 8, 1, tzinfo=dt.UTC))
        assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 404

    def test_the_feed_and_the_programme_file_keep_their_own(self, client, published):
        token = person_token(published.expert).token
        feed = client.get(reverse("notifications:person_feed", args=[token]))
        file = client.get(reverse("notifications:programme_ics", args=[token]))
        assert feed["ETag"] != file["ETag"]
        assert poll(client, reverse("notifications:programme_ics", args=[token]), file["ETag"]) == (304, 1)
        assert (
            client.get(
                reverse("notifications:programme_ics", args=[token]), headers={"if-none-match": feed["ETag"]}
            ).status_code
            == 200
        )


class TestWithoutTheTriggers:
    def test_every_poll_is_worked_out(self, client, published, monkeypatch):
        # SQLite has no triggers: kept_polls() is False there, and a poll reads the token and the signature.
        monkeypatch.setattr(feed_polls, "kept_polls", lambda: False)
        url = feed_url(published.expert)
        first = client.get(url)
        assert poll(client, url, first["ETag"]) == (304, 2)
        edit(published.morning, title="Revised")
        assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 200
