"""Calendar feeds and the programme page behind personal tokens."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.http import http_date

from notifications.compose import session_uid
from notifications.models import PersonalToken
from notifications.tokens import person_token, token_revoke, visit_token
from tests.factories import (
    PersonalTokenFactory,
    SessionExpertFactory,
    SessionFactory,
    VenueFactory,
    VisitFactory,
    stockholm,
)
from tests.notifications.conftest import assert_utc, edit, events_of, parse_ics, publish, undefined_tzids
from visits.models import Session, Visit
from visits.services import session_change_status, visit_change_status

pytestmark = pytest.mark.django_db

# The programme of the conftest is on 23 March 2027; its rows are written "now", so travel to a fixed now.
NOW = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)


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


def event_named(response, summary: str):
    matches = [e for e in events_of(parse_ics(response.content)) if str(e["SUMMARY"]) == summary]
    assert len(matches) == 1
    return matches[0]


def assert_private(response) -> None:
    assert "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"


class TestPersonFeed:
    def test_the_feed_holds_the_persons_sessions_as_a_published_calendar(self, client, published):
        response = client.get(feed_url(published.head.person))
        assert response.status_code == 200
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        assert_private(response)
        calendar = parse_ics(response.content)
        assert str(calendar["METHOD"]) == "PUBLISH"
        assert str(calendar["X-WR-CALNAME"]) == "Visitplan: my programme"
        assert summaries(response) == ["How the police work", "Visit to a shelter"]
        morning = event_named(response, "How the police work")
        assert str(morning["UID"]) == session_uid(published.morning.pk)
        assert int(morning["SEQUENCE"]) == 0
        assert_utc(morning, "DTSTART", "DTEND", "DTSTAMP")
        assert morning["DTSTART"].to_ical() == b"20270323T080000Z"
        assert "ATTENDEE" not in morning
        assert str(morning["URL"]).endswith(
            reverse("notifications:programme", args=[person_token(published.head.person).token])
        )
        assert undefined_tzids(response.content) == set()

    def test_only_the_persons_own_sessions(self, client, published):
        assert summaries(client.get(feed_url(published.member.person))) == ["How the police work"]
        assert summaries(client.get(feed_url(published.expert))) == ["How the police work"]

    def test_a_draft_visit_is_not_in_anyones_feed(self, client, programme):
        assert summaries(client.get(feed_url(programme.head.person))) == []

    def test_sessions_across_visits(self, client, published):
        other = VisitFactory(
            starts_on=dt.date(2027, 5, 3), ends_on=dt.date(2027, 5, 7), title="Spring seminar"
        )
        session = SessionFactory(visit=other, title="Panel", starts_at=stockholm(2027, 5, 4, 10))
        SessionExpertFactory(session=session, person=published.expert)
        publish(other)
        assert summaries(client.get(feed_url(published.expert))) == ["How the police work", "Panel"]

    def test_the_feed_is_in_the_persons_language(self, client, published):
        person = published.head.person
        person.preferred_language = "sv"
        person.save()
        response = client.get(feed_url(person))
        assert str(parse_ics(response.content)["X-WR-CALNAME"]) == "Visitplan: mitt program"


class TestConditionalRequests:
    def test_an_unchanged_feed_answers_304_to_if_none_match(self, client, published):
        url = feed_url(published.head.person)
        first = client.get(url)
        assert first["ETag"].startswith('"')
        again = client.get(url, headers={"if-none-match": first["ETag"]})
        assert again.status_code == 304
        assert again.content == b""
        assert again["ETag"] == first["ETag"]
        assert_private(again)

    def test_an_unchanged_feed_answers_304_to_if_modified_since(self, client, published):
        url = feed_url(published.head.person)
        first = client.get(url)
        assert first["Last-Modified"] == http_date(NOW.timestamp())
        again = client.get(url, headers={"if-modified-since": first["Last-Modified"]})
        assert again.status_code == 304

    def test_the_same_programme_gives_the_same_bytes(self, client, published, fixed_now):
        url = feed_url(published.head.person)
        first = client.get(url)
        fixed_now.shift(dt.timedelta(hours=5))
        assert client.get(url).content == first.content

    def test_a_change_gives_a_new_etag_and_a_later_last_modified(self, client, published, fixed_now):
        url = feed_url(published.head.person)
        first = client.get(url)
        fixed_now.shift(dt.timedelta(hours=1))
        edit(published.morning, title="How the police work, revised")
        response = client.get(
            url, headers={"if-none-match": first["ETag"], "if-modified-since": first["Last-Modified"]}
        )
        assert response.status_code == 200
        assert response["ETag"] != first["ETag"]
        assert response["Last-Modified"] == http_date((NOW + dt.timedelta(hours=1)).timestamp())
        assert "How the police work, revised" in summaries(response)
        assert client.get(url, headers={"if-modified-since": first["Last-Modified"]}).status_code == 200

    def test_publishing_a_raised_sequence_moves_last_modified(self, client, published, fixed_now):
        url = feed_url(published.head.person)
        first = client.get(url)
        fixed_now.shift(dt.timedelta(hours=1))
        edit(published.morning, starts_at=stockholm(2027, 3, 23, 8), ends_at=stockholm(2027, 3, 23, 9))
        fixed_now.shift(dt.timedelta(hours=1))
        publish(published.visit)
        response = client.get(url, headers={"if-modified-since": first["Last-Modified"]})
        assert response.status_code == 200
        assert response["Last-Modified"] == http_date((NOW + dt.timedelta(hours=2)).timestamp())
        assert int(event_named(response, "How the police work")["SEQUENCE"]) == 1


class TestCancelledSessions:
    def test_a_cancelled_session_stays_marked_cancelled_for_the_keep_window(
        self, client, published, fixed_now
    ):
        session_change_status(session=published.morning, status=Session.Status.CANCELLED)
        url = feed_url(published.head.person)
        fixed_now.shift(dt.timedelta(days=29, hours=23))
        response = client.get(url)
        assert str(event_named(response, "How the police work")["STATUS"]) == "CANCELLED"
        assert str(event_named(response, "Visit to a shelter")["STATUS"]) == "TENTATIVE"

    def test_then_it_drops_out(self, client, published, fixed_now):
        session_change_status(session=published.morning, status=Session.Status.CANCELLED)
        fixed_now.shift(dt.timedelta(days=30, minutes=1))
        assert summaries(client.get(feed_url(published.head.person))) == ["Visit to a shelter"]

    def test_the_keep_window_is_a_setting(self, client, published, fixed_now, settings):
        settings.FEED_KEEP_CANCELLED_DAYS = 2
        session_change_status(session=published.morning, status=Session.Status.CANCELLED)
        fixed_now.shift(dt.timedelta(days=1))
        assert "How the police work" in summaries(client.get(feed_url(published.head.person)))
        fixed_now.shift(dt.timedelta(days=2))
        assert "How the police work" not in summaries(client.get(feed_url(published.head.person)))

    def test_a_cancelled_visit_cancels_every_session_in_the_feed(self, client, published, fixed_now):
        visit_change_status(visit=published.visit, status=Visit.Status.CANCELLED)
        response = client.get(feed_url(published.head.person))
        assert {str(e["STATUS"]) for e in events_of(parse_ics(response.content))} == {"CANCELLED"}
        fixed_now.shift(dt.timedelta(days=31))
        assert summaries(client.get(feed_url(published.head.person))) == []

    def test_the_downloaded_programme_leaves_cancelled_sessions_out(self, client, published):
        session_change_status(session=published.morning, status=Session.Status.CANCELLED)
        token = person_token(published.head.person).token
        response = client.get(reverse("notifications:programme_ics", args=[token]))
        assert response.status_code == 200
        assert response["Content-Disposition"] == 'attachment; filename="programme.ics"'
        assert str(parse_ics(response.content)["METHOD"]) == "PUBLISH"
        assert summaries(response) == ["Visit to a shelter"]
        assert_private(response)


class TestVisitFeed:
    def test_coordinators_see_every_session_drafts_included(self, client, programme):
        SessionFactory(visit=programme.visit, title="Dinner", starts_at=stockholm(2027, 3, 23, 19))
        response = client.get(reverse("notifications:visit_feed", args=[visit_token(programme.visit).token]))
        assert response.status_code == 200
        assert_private(response)
        calendar = parse_ics(response.content)
        assert str(calendar["METHOD"]) == "PUBLISH"
        assert str(calendar["X-WR-CALNAME"]) == "Visitplan: Community policing in Sweden"
        assert summaries(response) == ["How the police work", "Visit to a shelter", "Dinner"]

    def test_304_on_if_none_match(self, client, programme):
        url = reverse("notifications:visit_feed", args=[visit_token(programme.visit).token])
        etag = client.get(url)["ETag"]
        assert client.get(url, headers={"if-none-match": etag}).status_code == 304


class TestTokens:
    @pytest.mark.parametrize("name", ["person_feed", "programme", "programme_ics"])
    def test_a_revoked_token_is_a_plain_404(self, client, published, name):
        token = person_token(published.head.person)
        url = reverse(f"notifications:{name}", args=[token.token])
        assert client.get(url).status_code == 200
        token_revoke(token=token)
        response = client.get(url)
        assert response.status_code == 404
        assert b"This link does not work" in response.content
        assert b"revoked" not in response.content.lower()
        assert_private(response)

    @pytest.mark.parametrize("name", ["person_feed", "visit_feed", "programme", "programme_ics"])
    def test_an_unknown_token_is_a_plain_404(self, client, db, name):
        response = client.get(reverse(f"notifications:{name}", args=["no-such-token"]))
        assert response.status_code == 404
        assert b"This link does not work" in response.content

    def test_a_visit_token_opens_no_persons_feed_and_the_other_way_round(self, client, published):
        visit = visit_token(published.visit).token
        person = person_token(published.head.person).token
        assert client.get(reverse("notifications:person_feed", args=[visit])).status_code == 404
        assert client.get(reverse("notifications:visit_feed", args=[person])).status_code == 404

    def test_a_revoked_visit_token_is_a_404(self, client, programme):
        token = PersonalTokenFactory(
            purpose=PersonalToken.Purpose.VISIT_FEED, person=None, visit=programme.visit
        )
        token_revoke(token=token)
        assert client.get(reverse("notifications:visit_feed", args=[token.token])).status_code == 404

    def test_the_404_is_not_logged_with_its_token(self, client, db, caplog):
        client.get(reverse("notifications:person_feed", args=["secret-looking-token"]))
        assert "secret-looking-token" not in caplog.text

    def test_urls(self):
        assert reverse("notifications:person_feed", args=["abc"]) == "/feeds/abc.ics"
        assert reverse("notifications:visit_feed", args=["abc"]) == "/feeds/visit/abc.ics"
        assert reverse("notifications:programme", args=["abc"]) == "/p/abc/"
        assert reverse("notifications:programme_ics", args=["abc"]) == "/p/abc/programme.ics"


class TestProgrammePage:
    def test_the_page_lists_the_sessions_in_the_venues_zone_with_the_persons_beside_it(
        self, client, published
    ):
        person = published.head.person
        person.home_time_zone = "Europe/Riga"
        person.save()
        token = person_token(person).token
        response = client.get(reverse("notifications:programme", args=[token]))
        assert response.status_code == 200
        assert_private(response)
        page = response.content.decode()
        assert "How the police work" in page and "Visit to a shelter" in page
        assert "Tuesday 23 March 2027, 09:00–10:30 (Europe/Stockholm)" in page
        assert "Your time: Tuesday 23 March 2027, 10:00–11:30 (Europe/Riga)" in page
        assert reverse("notifications:programme_ics", args=[token]) in page
        assert f"/feeds/{token}.ics" in page
        assert 'name="viewport"' in page
        assert "Polishuset" in page

    def test_no_home_time_when_it_is_the_venues_own(self, client, published):
        person = published.head.person
        person.home_time_zone = "Europe/Stockholm"
        person.save()
        page = client.get(
            reverse("notifications:programme", args=[person_token(person).token])
        ).content.decode()
        assert "Your time:" not in page

    def test_the_page_is_in_swedish_for_a_swedish_reader(self, client, published):
        person = published.expert
        person.preferred_language = "sv"
        person.save()
        response = client.get(reverse("notifications:programme", args=[person_token(person).token]))
        page = response.content.decode()
        assert '<html lang="sv">' in page
        assert "Ditt program" in page
        assert "tisdag 23 mars 2027, 09:00–10:30 (Europe/Stockholm)" in page
        assert response["Content-Language"] == "sv"

    def test_and_in_english_for_anyone_else(self, client, published):
        person = published.expert
        person.preferred_language = "de"
        person.save()
        page = client.get(
            reverse("notifications:programme", args=[person_token(person).token])
        ).content.decode()
        assert '<html lang="en">' in page and "Your programme" in page

    def test_the_page_reads_a_fixed_number_of_queries(self, client, published):
        person = published.head.person
        url = reverse("notifications:programme", args=[person_token(person).token])
        client.get(url)
        with CaptureQueriesContext(connection) as few:
            client.get(url)
        for day in range(5):
            venue = VenueFactory()
            SessionFactory(visit=published.visit, venue=venue, starts_at=stockholm(2027, 3, 22 + day, 16))
        with CaptureQueriesContext(connection) as more:
            response = client.get(url)
        assert response.content.decode().count("<article") == 7
        # token (with its expiry), sessions; the participant's sessions with answers, visits, needs; the
        # visits with a published version, for their booklets (booklets.person_views)
        assert len(more.captured_queries) == len(few.captured_queries) == 6


@pytest.mark.django_db
def test_a_persons_links_expire_some_days_after_their_last_visit(client, settings):
    import datetime as dt

    import time_machine

    from notifications.tokens import person_token
    from tests.factories import SessionExpertFactory

    settings.PERSONAL_LINK_DAYS_AFTER_VISIT = 60
    expert = SessionExpertFactory()  # a visit ending 2027-03-26
    token = person_token(expert.person).token
    page = f"/p/{token}/"
    with time_machine.travel(dt.datetime(2027, 5, 25, 12, tzinfo=dt.UTC)):  # 60 days after
        assert client.get(page).status_code == 200
        assert client.get(f"/feeds/{token}.ics").status_code == 200
    with time_machine.travel(dt.datetime(2027, 5, 26, 12, tzinfo=dt.UTC)):  # 61 days after
        assert client.get(page).status_code == 404
        assert client.get(f"/feeds/{token}.ics").status_code == 404
