"""The public registration form through the real views: every field's bad input is named, never a 500; a
flood from one address is stopped; a double submit makes one registration; a robot's form makes none."""

import datetime as dt

import pytest
from django.test import Client

from notifications.models import OutboxMessage
from participation.models import ParticipantNeeds
from registration.models import Registration
from tests.registration.conftest import form_data, register, registration_of
from visits.models import DelegationMember, Person

pytestmark = pytest.mark.django_db

TOO_LONG = "x" * 2001

BAD_INPUT = [
    ("name", {"name": ""}),
    ("name", {"name": "   "}),
    ("name", {"name": "n" * 201}),
    ("email", {"email": ""}),
    ("email", {"email": "not-an-address"}),
    ("email", {"email": "a" * 250 + "@example.org"}),
    ("organisation", {"organisation": ""}),
    ("organisation", {"organisation": "o" * 201}),
    ("role", {"role": "r" * 201}),
    ("sector", {"sector": ""}),
    ("sector", {"sector": "police"}),
    ("dietary", {"dietary": ["meat"]}),
    ("dietary", {"dietary": ["none", "vegan"]}),
    ("dietary_note", {"dietary": ["other"], "dietary_note": ""}),
    ("dietary_note", {"dietary_note": TOO_LONG}),
    ("accessibility_note", {"accessibility_note": TOO_LONG}),
    ("interpreting_language", {"interpreting_language": "klingon-xx"}),
    ("consent", {"consent": None}),
]


@pytest.mark.parametrize(("field", "bad"), BAD_INPUT, ids=[f"{f}-{i}" for i, (f, _) in enumerate(BAD_INPUT)])
def test_bad_input_names_its_field_and_registers_no_one(client, seminar, field, bad):
    response = register(client, seminar, **bad)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field], errors
    page = response.content.decode()
    assert f'id="field-{field}"' in page
    assert str(errors[field][0]).split("“")[0][:20] in page.replace("&quot;", '"').replace("&#x27;", "'")
    assert not Registration.objects.exists()
    assert not Person.objects.filter(email__iexact="registrant1@ngo.example.org").exists()
    assert not OutboxMessage.objects.exists()


def test_a_good_form_registers_and_keeps_what_was_said(client, seminar):
    response = register(client, seminar, dietary=["vegetarian", "gluten_free"], wheelchair="on")
    assert response.status_code == 302
    assert response["Location"].endswith(f"/register/{seminar.settings.public_key}/sent/")
    registration = registration_of(1)
    assert registration.status == Registration.Status.CONFIRMED
    assert (registration.organisation, registration.role, registration.sector) == (
        "Centre for Safe Migration",
        "Programme officer",
        "ngos",
    )
    needs = ParticipantNeeds.objects.get(person=registration.person, visit=seminar.visit)
    assert needs.dietary == ["vegetarian", "gluten_free"] and needs.wheelchair
    assert needs.interpreting_language == "lt"
    assert DelegationMember.objects.filter(
        delegation=seminar.visit.delegation, person=registration.person
    ).exists()
    page = client.get(response["Location"]).content.decode()
    assert "Your registration for Seminar in Vilnius is received" in page


def test_a_double_submit_makes_one_registration_and_one_message(client, seminar):
    first = register(client, seminar)
    second = register(client, seminar, email="Registrant1@NGO.example.org")
    assert first.status_code == second.status_code == 302
    assert Registration.objects.count() == 1
    assert OutboxMessage.objects.count() == 1


def test_a_flood_from_one_address_is_stopped_and_other_addresses_go_on(client, seminar, settings):
    settings.REGISTRATION_RATE_LIMIT = 3
    answers = [register(client, seminar, n=n).status_code for n in range(1, 6)]
    assert answers == [302, 302, 302, 429, 429]
    assert Registration.objects.count() == 3
    too_many = register(client, seminar, n=9)
    assert "Too many registrations from your address" in too_many.content.decode()
    assert register(client, seminar, n=6, address="198.51.100.7").status_code == 302
    assert Registration.objects.count() == 4


def test_behind_a_proxy_the_address_is_the_one_the_proxy_wrote(client, seminar, settings):
    settings.REGISTRATION_RATE_LIMIT = 1
    settings.PROXY_COUNT = 1
    # A client cannot dodge the limit by writing its own X-Forwarded-For entries on the left.
    first = client.post(
        seminar.url, form_data(1), REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.5"
    )
    second = client.post(
        seminar.url, form_data(2), REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="2.2.2.2, 203.0.113.5"
    )
    assert (first.status_code, second.status_code) == (302, 429)


def test_a_robots_form_is_thanked_and_dropped(client, seminar):
    response = register(client, seminar, website="https://spam.example.com")
    assert response.status_code == 302
    assert not Registration.objects.exists() and not OutboxMessage.objects.exists()


def test_a_closed_seminar_says_so_and_takes_no_one(client, seminar, fixed_now):
    fixed_now.move_to(dt.datetime(2027, 4, 8, 9, 0, tzinfo=dt.UTC))
    assert "closed on 2027-04-07 23:59 (Europe/Vilnius)" in client.get(seminar.url).content.decode()
    response = register(client, seminar)
    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_an_unknown_key_is_a_plain_404(client, seminar):
    assert client.get("/register/not-a-key/").status_code == 404
    assert client.post("/register/not-a-key/", form_data()).status_code == 404


def test_the_form_is_refused_for_a_seminar_not_opened(client, seminar):
    seminar.settings.is_open = False
    seminar.settings.save()
    response = register(client, seminar)
    assert response.status_code == 400
    assert "Registration for this seminar is closed." in response.content.decode()
    assert not Registration.objects.exists()


def test_the_page_is_private_and_unindexed(seminar):
    response = Client().get(seminar.url)
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex"
    assert "private" in response["Cache-Control"]
