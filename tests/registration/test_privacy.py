"""A registrant's data joins their export and their erasure: what they typed on the form and the addresses of
the e-mails about their registration go; the sector and the status stay, as the report counts them."""

import datetime as dt

import pytest

from notifications.models import OutboxMessage
from privacy.scrub import placeholder_email
from privacy.services import person_erase, person_export
from registration.models import Registration
from tests.registration.conftest import register, registration_of

pytestmark = pytest.mark.django_db


def test_the_export_holds_the_registration(client, seminar):
    register(client, seminar)
    exported = person_export(registration_of(1).person)
    (row,) = exported["registrations"]
    assert row["seminar_title"] == "Seminar in Vilnius"
    assert (row["organisation"], row["role"], row["sector"], row["status"]) == (
        "Centre for Safe Migration",
        "Programme officer",
        "ngos",
        "confirmed",
    )
    assert row["email"] == "registrant1@ngo.example.org"


def test_erasure_empties_what_they_typed_and_readdresses_the_messages(client, seminar):
    register(client, seminar)
    registration = registration_of(1)
    person = registration.person
    person_erase(person=person, actor=None)
    registration = Registration.objects.get(pk=registration.pk)
    erased = placeholder_email(person.pk)
    assert (registration.organisation, registration.role, registration.email) == ("", "", erased)
    assert (registration.sector, registration.status) == ("ngos", "confirmed")
    messages = OutboxMessage.objects.filter(payload__registration=registration.pk)
    assert messages.exists()
    assert set(messages.values_list("to_email", flat=True)) == {erased}


def test_registrants_who_never_had_a_place_are_erased_after_the_retention_period(client, seminar, settings):
    from registration.tasks import erase_due_registrants
    from tests.factories import SessionExpertFactory

    settings.PERSONAL_DATA_RETENTION_DAYS = 30
    seminar.settings.capacity = 1
    seminar.settings.save()
    for n in (1, 2, 3):
        register(client, seminar, n=n)
    SessionExpertFactory.create(person=registration_of(3).person)  # an expert too: the directory keeps them
    second = registration_of(2)
    waiting = second.person
    assert erase_due_registrants(today=dt.date(2027, 5, 13)) == 0  # 30 days after 14 April: not yet
    assert erase_due_registrants(today=dt.date(2027, 5, 14)) == 1
    waiting.refresh_from_db()
    assert waiting.email == placeholder_email(waiting.pk)
    assert Registration.objects.get(pk=second.pk).organisation == ""
    # The one with a place is a member: privacy's own retention task erases them.
    assert registration_of(1).person.name == "Registrant Number1"
    assert registration_of(3).person.name == "Registrant Number3"
    assert erase_due_registrants(today=dt.date(2027, 5, 14)) == 0
