"""Titles and descriptions in the reader's language (visits.wording): invitations, feeds and pages, and a
changed translation as a change that updates calendars in place."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from notifications.compose import compose_message
from notifications.tokens import person_token
from scheduling.models import ChangeKind, ProgrammeChange
from scheduling.publishing import programme_publish
from tests.factories import OutboxMessageFactory
from tests.notifications.conftest import (
    as_received,
    edit,
    events_of,
    only_event,
    outbox_for,
    parse_ics,
    part_of_type,
    publish,
)

pytestmark = pytest.mark.django_db

SENT_AT = dt.datetime(2027, 3, 1, 7, 30, tzinfo=dt.UTC)
NOW = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)
TITLES = {"sv": "Hur polisen arbetar", "lv": "Kā strādā policija"}
DESCRIPTIONS = {"sv": "En översikt, med frågor.", "lv": "Pārskats ar jautājumiem."}


@pytest.fixture
def translated(programme):
    edit(programme.morning, title_translations=TITLES, description_translations=DESCRIPTIONS)
    programme.visit.title_translations = {
        "sv": "Närpolisarbete i Sverige",
        "lv": "Kopienas policija Zviedrijā",
    }
    programme.visit.save()
    return programme


def speaking(person, language: str):
    person.preferred_language = language
    person.save()
    return person


def invitation_event(message):
    received = as_received(compose_message(message, now=SENT_AT))
    return received, only_event(part_of_type(received, "text/calendar").get_content())


class TestInvitations:
    def test_a_swedish_speaking_expert_gets_the_swedish_title_an_english_one_the_english(self, translated):
        swedish = speaking(translated.expert, "sv")
        received, event = invitation_event(
            OutboxMessageFactory(session=translated.morning, person=swedish, language="sv")
        )
        assert str(event["SUMMARY"]) == "Hur polisen arbetar"
        assert "En översikt, med frågor." in str(event["DESCRIPTION"])
        assert "Besök: Närpolisarbete i Sverige" in str(event["DESCRIPTION"])
        assert received["Subject"].startswith("Inbjudan: Hur polisen arbetar")

        english = speaking(translated.interpreter, "en")
        received, event = invitation_event(
            OutboxMessageFactory(session=translated.morning, person=english, language="en")
        )
        assert str(event["SUMMARY"]) == "How the police work"
        assert "An overview, with questions." in str(event["DESCRIPTION"])
        assert received["Subject"].startswith("Invitation: How the police work")

    def test_a_latvian_reader_gets_latvian_titles_in_english_sentences(self, translated):
        latvian = speaking(translated.head.person, "lv")
        received, event = invitation_event(
            OutboxMessageFactory(session=translated.morning, person=latvian, language="en")
        )
        assert str(event["SUMMARY"]) == "Kā strādā policija"
        assert received["Subject"].startswith("Invitation: Kā strādā policija")
        assert "Visit: Kopienas policija Zviedrijā" in str(event["DESCRIPTION"])

    def test_a_language_without_a_translation_falls_back_to_english(self, translated):
        thai = speaking(translated.member.person, "th")
        _received, event = invitation_event(OutboxMessageFactory(session=translated.morning, person=thai))
        assert str(event["SUMMARY"]) == "How the police work"

    def test_the_english_translation_stands_before_the_base_title(self, translated):
        edit(translated.morning, title_translations={**TITLES, "en": "How the Swedish police work"})
        thai = speaking(translated.member.person, "th")
        _received, event = invitation_event(OutboxMessageFactory(session=translated.morning, person=thai))
        assert str(event["SUMMARY"]) == "How the Swedish police work"


class TestChangedTranslation:
    def test_a_changed_translation_is_an_update_with_a_higher_sequence(self, translated):
        expert = speaking(translated.expert, "sv")
        first = outbox_for(publish(translated.visit), expert, translated.morning.pk)
        _received, before = invitation_event(first)
        edit(translated.morning, title_translations={**TITLES, "sv": "Så arbetar polisen"})
        version = publish(translated.visit)
        change = ProgrammeChange.objects.get(version=version, session_key=translated.morning.pk)
        assert change.kind == ChangeKind.DETAILS_CHANGED
        assert change.after["title_translations"]["sv"] == "Så arbetar polisen"
        received, after = invitation_event(outbox_for(version, expert, translated.morning.pk))
        assert str(after["UID"]) == str(before["UID"])
        assert int(after["SEQUENCE"]) == int(before["SEQUENCE"]) + 1
        assert str(after["SUMMARY"]) == "Så arbetar polisen"
        assert "Så arbetar polisen" in received["Subject"]

    def test_an_unchanged_translation_publishes_nothing(self, translated):
        publish(translated.visit)
        assert programme_publish(visit=translated.visit, actor=None) is None

    def test_a_snapshot_without_translations_and_one_with_none_are_alike(self, translated):
        version = publish(translated.visit)
        # A version published before translations were kept: its snapshot has no such keys.
        snapshot = {
            key: {k: v for k, v in row.items() if not k.endswith("_translations")}
            for key, row in version.snapshot.items()
        }
        edit(translated.morning, title_translations={}, description_translations={})
        version.snapshot = snapshot
        version.save()
        assert programme_publish(visit=translated.visit, actor=None) is None


class TestFeedsAndPages:
    @pytest.fixture(autouse=True)
    def fixed_now(self):
        with time_machine.travel(NOW, tick=False) as traveller:
            yield traveller

    def test_a_latvian_participants_feed_has_the_latvian_titles(self, client, translated):
        publish(translated.visit)
        person = speaking(translated.head.person, "lv")
        response = client.get(reverse("notifications:person_feed", args=[person_token(person).token]))
        summaries = sorted(str(e["SUMMARY"]) for e in events_of(parse_ics(response.content)))
        assert summaries == ["Kā strādā policija", "Visit to a shelter"]  # the shelter has no translation

    def test_the_same_feed_for_an_english_reader_is_english(self, client, translated):
        publish(translated.visit)
        person = speaking(translated.head.person, "en")
        response = client.get(reverse("notifications:person_feed", args=[person_token(person).token]))
        assert "How the police work" in [str(e["SUMMARY"]) for e in events_of(parse_ics(response.content))]

    def test_changing_a_translation_changes_the_feed(self, client, translated, fixed_now):
        publish(translated.visit)
        person = speaking(translated.head.person, "lv")
        url = reverse("notifications:person_feed", args=[person_token(person).token])
        first = client.get(url)
        fixed_now.shift(dt.timedelta(minutes=5))
        edit(translated.morning, title_translations={**TITLES, "lv": "Policijas darbs"})
        response = client.get(url, headers={"if-none-match": first["ETag"]})
        assert response.status_code == 200
        assert "Policijas darbs" in [str(e["SUMMARY"]) for e in events_of(parse_ics(response.content))]

    def test_changing_the_readers_language_changes_the_feed(self, client, translated, fixed_now):
        publish(translated.visit)
        person = speaking(translated.head.person, "en")
        url = reverse("notifications:person_feed", args=[person_token(person).token])
        first = client.get(url)
        speaking(person, "lv")
        response = client.get(url, headers={"if-none-match": first["ETag"]})
        assert response.status_code == 200
        assert "Kā strādā policija" in [str(e["SUMMARY"]) for e in events_of(parse_ics(response.content))]

    def test_the_programme_page_shows_the_readers_titles(self, client, translated):
        publish(translated.visit)
        person = speaking(translated.head.person, "lv")
        page = client.get(reverse("notifications:programme", args=[person_token(person).token]))
        text = page.content.decode()
        assert "Kā strādā policija" in text and "Pārskats ar jautājumiem." in text
        assert "Kopienas policija Zviedrijā" in text
        assert "How the police work" not in text
