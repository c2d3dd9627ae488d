"""Booklets in the reader's language: the demo's Latvian visit has Swedish and Latvian titles
(visits.demo.TITLES_IN_OTHER_LANGUAGES) and its venues directions in Latvian; pdftotext reads them back."""

import pytest

from booklets.documents import person_booklet
from booklets.models import VenueDirections
from tests.booklets.test_booklets import flat, text_of
from visits.models import Person, Session

pytestmark = pytest.mark.django_db


def reader(visit, name: str, language: str) -> Person:
    person = visit.delegation.members.select_related("person").get(person__name=name).person
    person.preferred_language = language
    person.save()
    return person


def test_a_latvian_readers_booklet_has_the_latvian_titles_and_directions(latvia, tmp_path):
    welcome = Session.objects.get(visit=latvia, title="Welcome and introduction to the programme")
    assert welcome.venue is not None
    VenueDirections.objects.update_or_create(
        venue=welcome.venue,
        defaults={
            "text": "Take the metro to Kungsträdgården.",
            "text_translations": {"lv": "Brauciet ar metro."},
        },
    )
    text = flat(text_of(person_booklet(latvia, reader(latvia, "Inese Kalniņa", "lv")).pdf, tmp_path))
    assert "Latvijas policija un prokurori: mācību vizīte Stokholmā" in text
    assert "Sveiciens un ievads programmā" in text
    assert "Brauciet ar metro." in text
    assert "Welcome and introduction to the programme" not in text
    assert "Version 1 of the programme" in text  # the sentences stay English: there is no Latvian interface
    # A session without a Latvian title is in English.
    assert "Lunch at the Swedish Institute" in text


def test_an_english_readers_booklet_of_the_same_visit_stays_english(latvia, tmp_path):
    text = flat(text_of(person_booklet(latvia, reader(latvia, "Artūrs Liepiņš", "en")).pdf, tmp_path))
    assert "Welcome and introduction to the programme" in text
    assert "Sveiciens un ievads programmā" not in text


def test_a_swedish_readers_booklet_has_the_swedish_titles(latvia, tmp_path):
    text = flat(text_of(person_booklet(latvia, reader(latvia, "Māris Ozoliņš", "sv")).pdf, tmp_path))
    assert "Välkommen och introduktion till programmet" in text
    assert "Version 1 av programmet" in text
