"""Texts in other languages: the field's checks, and visits.wording's choice of text for a reader."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from booklets.models import VenueDirections
from tests.factories import SessionFactory, VenueFactory, VisitFactory
from visits.forms import TranslationsFormField
from visits.wording import in_language, languages_for, reading, reading_language, text_in

pytestmark = pytest.mark.django_db


def errors_of(obj) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as raised:
        obj.full_clean()
    return raised.value.message_dict


class TestValidation:
    def test_known_codes_with_texts_are_accepted(self):
        session = SessionFactory.build(
            visit=VisitFactory(), title_translations={"sv": "Polisens arbete", "lv": "Policijas darbs"}
        )
        session.full_clean(exclude=["visit"])

    def test_an_unknown_language_is_refused_naming_the_field_and_the_code(self):
        session = SessionFactory(visit=VisitFactory())
        session.title_translations = {"xx": "?"}
        errors = errors_of(session)
        assert list(errors) == ["title_translations"]
        assert "“xx” is not a language code" in errors["title_translations"][0]

    def test_a_text_longer_than_the_base_fields_is_refused_naming_the_language(self):
        visit = VisitFactory()
        visit.title_translations = {"lv": "a" * 201}
        errors = errors_of(visit)
        assert errors["title_translations"] == [
            "The text in Latvian (lv) has 201 characters; at most 200 are allowed."
        ]

    def test_a_text_that_is_not_a_string_or_not_an_object_is_refused(self):
        session = SessionFactory(visit=VisitFactory())
        session.description_translations = {"sv": 5}
        assert "must be a string" in errors_of(session)["description_translations"][0]
        session.description_translations = ["sv"]
        assert "object of language code and text" in errors_of(session)["description_translations"][0]

    def test_the_directions_take_translations_without_a_length_limit(self):
        directions = VenueDirections(
            venue=VenueFactory(), text="Take the metro.", text_translations={"sv": "x" * 5000}
        )
        directions.full_clean()
        directions.text_translations = {"sv-SE": "Ta tunnelbanan."}
        assert "text_translations" in errors_of(directions)


class TestResolution:
    def test_the_readers_language_first(self):
        session = SessionFactory.build(
            title="Police work", title_translations={"sv": "Polisarbete", "lv": "Policija"}
        )
        assert in_language(session, "title", "lv") == "Policija"
        assert in_language(session, "title", "sv-SE") == "Polisarbete"

    def test_then_english_then_the_base_field(self):
        assert text_in("Base", {"en": "English", "sv": "Svenska"}, "th") == "English"
        assert text_in("Base", {"sv": "Svenska"}, "th") == "Base"
        assert text_in("Base", {"th": "  "}, "th") == "Base"  # an empty translation is none
        assert text_in("Base", None, "sv") == "Base"

    def test_the_reading_language_is_the_readers_else_the_interface_language(self):
        with translation.override("sv"):
            assert reading_language() == "sv"
            with reading("lv"):
                assert reading_language() == "lv"
                assert text_in("Base", {"lv": "Latviski", "sv": "Svenska"}) == "Latviski"
            with reading(""):
                assert reading_language() == "sv"
            assert reading_language() == "sv"

    def test_a_snapshot_without_translations_reads_its_base_text(self):
        assert text_in("Old title", {}.get("title_translations"), "lv") == "Old title"


def test_a_visits_texts_are_offered_in_english_swedish_and_its_delegations_languages():
    visit = VisitFactory(programme_languages=["en", "ru"], delegation__languages=["lv", "en"])
    assert languages_for(visit) == ["en", "sv", "ru", "lv"]


class TestFormField:
    def test_one_input_per_language_and_one_to_add(self):
        field = TranslationsFormField(text_max_length=10)
        field.widget.languages = ["en", "sv", "lv"]
        html = field.widget.render("title_translations", {"lv": "Policija"})
        assert 'name="title_translations__sv"' in html
        assert 'name="title_translations__lv" value="Policija"' in html
        assert 'name="title_translations__new_language"' in html

    def test_the_inputs_are_read_back_empty_ones_dropped(self):
        field = TranslationsFormField(text_max_length=10)
        data = {
            "title_translations__sv": "Polis",
            "title_translations__lv": "",
            "title_translations__new_language": "th",
            "title_translations__new_text": "ตำรวจ",
        }
        value = field.widget.value_from_datadict(data, {}, "title_translations")
        assert field.clean(value) == {"sv": "Polis", "th": "ตำรวจ"}

    def test_a_text_added_without_its_language_is_an_error(self):
        field = TranslationsFormField(text_max_length=10)
        value = field.widget.value_from_datadict({"t__new_text": "Polis"}, {}, "t")
        with pytest.raises(ValidationError, match="is not a language code"):
            field.clean(value)
