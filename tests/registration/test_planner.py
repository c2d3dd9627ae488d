"""The coordinators' pages: the registration settings (which give the seminar its audience when it opens) and
the check-in list for the day, made for a phone: a list to tick, each with the QR code of the registrant's
personal page. Another coordinator finds neither (404)."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditEntry
from notifications.tokens import person_token, programme_url_of
from registration.models import Registration, RegistrationSettings
from registration.services import registration_settings_save
from tests.factories import UserFactory, VisitFactory
from tests.registration.conftest import register, registration_of
from visits.models import Visit

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_settings_page_opens_registration_and_gives_the_seminar_its_audience(db):
    rita = UserFactory.create(username="rita2", is_staff=True)
    visit = VisitFactory.create(kind=Visit.Kind.SEMINAR_ABROAD, delegation=None, title="Seminar in Tallinn",
                                starts_on=dt.date(2027, 5, 10), ends_on=dt.date(2027, 5, 11),
                                time_zone="Europe/Tallinn", city="Tallinn", country="EE")  # fmt: skip
    visit.coordinators.add(rita)
    client = signed_in(rita)
    url = reverse("registration:settings", args=[visit.pk])
    page = client.get(url)
    assert page.status_code == 200 and "has not been set up" in page.content.decode()
    bad = client.post(
        url, {"is_open": "on", "capacity": "0", "closes_at": "2027-05-01 12:00", "confirm_within_hours": "24"}
    )
    assert bad.status_code == 400 and "capacity" in bad.context["form"].errors
    good = client.post(
        url,
        {"is_open": "on", "capacity": "30", "closes_at": "2027-05-01 12:00", "confirm_within_hours": "24"},
    )
    assert good.status_code == 302
    settings_row = RegistrationSettings.objects.get(visit=visit)
    # Typed in the seminar's zone.
    assert settings_row.closes_at == dt.datetime(2027, 5, 1, 9, 0, tzinfo=dt.UTC)
    visit.refresh_from_db()
    assert visit.delegation is not None and list(visit.delegation.coordinators.all()) == [rita]
    assert AuditEntry.objects.filter(object_type="registration.registrationsettings").exists()
    page = client.get(url).content.decode()
    assert f"/register/{settings_row.public_key}/" in page


def test_a_study_visit_has_no_registration(db):
    rita = UserFactory.create(username="rita3", is_staff=True)
    visit = VisitFactory.create()
    visit.coordinators.add(rita)
    assert signed_in(rita).get(reverse("registration:settings", args=[visit.pk])).status_code == 404


def test_the_check_in_list_ticks_and_shows_each_personal_pages_qr_code(client, seminar):
    for n in (1, 2, 3):
        register(client, seminar, n=n)
    rita = signed_in(seminar.coordinator)
    url = reverse("registration:check_in", args=[seminar.visit.pk])
    page = rita.get(url).content.decode()
    assert 'name="viewport"' in page
    assert page.count("data:image/svg+xml") == 2  # the two with a place; the one waiting is not listed
    assert "Registrant Number1" in page and "Registrant Number3" not in page
    assert "0 of 2 present." in page
    first = registration_of(1)
    tick = reverse("registration:check_in_tick", args=[seminar.visit.pk, first.pk])
    assert rita.get(tick).status_code == 405
    assert rita.post(tick, {"present": "maybe"}).status_code == 400
    response = rita.post(tick, {"present": "yes"})
    assert response.status_code == 302 and response["Location"].endswith(f"#registration-{first.pk}")
    assert registration_of(1).checked_in_at is not None
    assert "1 of 2 present." in rita.get(url).content.decode()
    rita.post(tick, {"present": "no"})
    assert registration_of(1).checked_in_at is None
    # The QR code is of the registrant's own page.
    from booklets.qr import qr_data_uri

    assert qr_data_uri(programme_url_of(person_token(first.person))) in page


def test_another_coordinator_finds_no_check_in(client, seminar):
    register(client, seminar)
    bertil = signed_in(UserFactory.create(username="bertil2", is_staff=True))
    registration = Registration.objects.get()
    for url in (
        reverse("registration:settings", args=[seminar.visit.pk]),
        reverse("registration:check_in", args=[seminar.visit.pk]),
    ):
        assert bertil.get(url).status_code == 404
    tick = reverse("registration:check_in_tick", args=[seminar.visit.pk, registration.pk])
    assert bertil.post(tick, {"present": "yes"}).status_code == 404
    assert Registration.objects.get().checked_in_at is None


def test_more_places_offer_them_to_those_waiting(client, seminar):
    for n in (1, 2, 3):
        register(client, seminar, n=n)
    assert registration_of(3).status == "waiting"
    data = {
        "is_open": True,
        "capacity": 3,
        "closes_at": seminar.settings.closes_at,
        "confirm_within_hours": 24,
    }
    registration_settings_save(visit=seminar.visit, data=data, actor=seminar.coordinator)
    assert registration_of(3).status == "offered"


def test_a_coordinator_cancels_a_registration_and_the_place_moves_on(client, seminar):
    for n in (1, 2, 3):
        register(client, seminar, n=n)
    first = registration_of(1)
    url = reverse("registration:cancel", args=[seminar.visit.pk, first.pk])
    bertil = signed_in(UserFactory.create(username="bertil3", is_staff=True))
    assert bertil.post(url).status_code == 404
    rita = signed_in(seminar.coordinator)
    page = rita.get(reverse("registration:settings", args=[seminar.visit.pk])).content.decode()
    assert url in page
    assert rita.get(url).status_code == 405
    response = rita.post(url)
    assert response.status_code == 302
    assert registration_of(1).status == "cancelled"
    assert registration_of(3).status == "offered"
    entry = (
        AuditEntry.objects.filter(object_type="registration.registration", object_id=first.pk)
        .order_by("pk")
        .last()
    )
    assert entry is not None and entry.actor_user == seminar.coordinator
    assert rita.post(url).status_code == 404  # nothing left to cancel
