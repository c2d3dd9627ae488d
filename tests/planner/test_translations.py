"""The planner's forms take a session's title and description, and a new visit's title, in other languages:
an input per language of the visit (English, Swedish, its programme's and delegation's), and one to add."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests.factories import SessionFactory
from tests.planner.test_sessions import edit_data, form_data
from visits.models import Session, Visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def latvian_visit(visit):
    visit.delegation.languages = ["lv", "ru"]
    visit.delegation.save()
    return visit


def test_the_session_form_offers_the_visits_languages_and_one_more(signed_in, latvian_visit):
    html = signed_in.get(reverse("planner:session_new", args=[latvian_visit.pk])).content.decode()
    for code in ("en", "sv", "lv", "ru"):
        assert f'name="title_translations__{code}"' in html
        assert f'name="description_translations__{code}"' in html
    assert 'name="title_translations__new_language"' in html


def test_a_session_is_saved_with_its_titles_in_other_languages(signed_in, latvian_visit):
    response = signed_in.post(
        reverse("planner:session_new", args=[latvian_visit.pk]),
        form_data(
            title_translations__sv="Möte med åklagarna",
            title_translations__lv="Tikšanās ar prokuroriem",
            title_translations__ru="",
            title_translations__new_language="th",
            title_translations__new_text="พบอัยการ",
            description_translations__lv="Apraksts",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    session = Session.objects.get(title="Meeting the prosecutors")
    assert session.title_translations == {
        "sv": "Möte med åklagarna",
        "lv": "Tikšanās ar prokuroriem",
        "th": "พบอัยการ",
    }
    assert session.description_translations == {"lv": "Apraksts"}


def test_an_edit_that_sends_no_translations_keeps_them(signed_in, latvian_visit):
    session = SessionFactory(visit=latvian_visit, title_translations={"lv": "Tikšanās"})
    response = signed_in.post(reverse("planner:session_edit", args=[session.pk]), edit_data(session))
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.title_translations == {"lv": "Tikšanās"}


def test_a_title_too_long_in_one_language_is_an_error_naming_it(signed_in, latvian_visit):
    response = signed_in.post(
        reverse("planner:session_new", args=[latvian_visit.pk]), form_data(title_translations__lv="a" * 301)
    )
    assert response.status_code == 200
    assert (
        "The text in Latvian (lv) has 301 characters; at most 300 are allowed." in response.content.decode()
    )
    assert not Session.objects.filter(title="Meeting the prosecutors").exists()


def test_a_new_visit_takes_its_title_in_swedish(signed_in, coordinator, latvian_visit):
    coordinator.user_permissions.add(Permission.objects.get(codename="add_visit"))
    response = signed_in.post(
        reverse("planner:visit_new"),
        {
            "title": "Ministry officials' visit",
            "title_translations__sv": "Ministeriernas besök",
            "kind": "study_visit",
            "delegation": str(latvian_visit.delegation_id),
            "starts_on": "2027-05-03",
            "ends_on": "2027-05-05",
            "city": "Stockholm",
            "country": "SE",
            "time_zone": "Europe/Stockholm",
            "programme_languages": ["en"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Visit.objects.get(title="Ministry officials' visit").title_translations == {
        "sv": "Ministeriernas besök"
    }
