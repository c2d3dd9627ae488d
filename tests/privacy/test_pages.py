"""A coordinator exports and erases one person from the directory, after a confirmation; another
coordinator finds nothing (404); a person on a published programme not over yet is refused, saying why."""

import datetime as dt
import json

import pytest
import time_machine
from django.urls import reverse

from privacy.models import Erasure
from privacy.services import person_erase
from tests.privacy.conftest import EMAIL, NAME
from visits.models import Person
from visits.services import Refused

AFTER_THE_VISIT = dt.datetime(2027, 6, 1, 12, 0, tzinfo=dt.UTC)


def urls(person):
    return [
        reverse("privacy:person", args=[person.pk]),
        reverse("privacy:export", args=[person.pk]),
        reverse("privacy:erase", args=[person.pk]),
    ]


def test_another_coordinator_finds_none_of_the_pages(past):
    for url in urls(past.ilze):
        assert past.other.get(url).status_code == 404
    assert past.other.post(reverse("privacy:erase", args=[past.ilze.pk])).status_code == 404
    assert Person.objects.get(pk=past.ilze.pk).name == NAME


def test_the_export_holds_everything_about_the_person(past):
    response = past.client.get(reverse("privacy:export", args=[past.ilze.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    data = json.loads(response.content)
    assert data["person"]["name"] == NAME and data["person"]["email"] == EMAIL
    assert data["memberships"][0]["notes_on_needs"]["dietary"] == "vegetarian, no nuts"
    assert data["needs"][0]["accessibility_note"] == "Bad knee"
    assert data["participant_answers"][0]["answer"] == "attending"
    assert data["outbox"] and all(message["to"] == EMAIL for message in data["outbox"])
    assert data["tokens"] and "token" not in data["tokens"][0]


def test_erasing_a_person_on_a_published_programme_not_over_is_refused_saying_why(past):
    with time_machine.travel(dt.datetime(2027, 3, 1, 12, 0, tzinfo=dt.UTC), tick=False):
        past.client.force_login(past.coordinator)  # a session of the travelled-to day
        page = past.client.get(reverse("privacy:erase", args=[past.ilze.pk])).content.decode()
        assert "Take them off the programme first" in page and "Study visit on trafficking" in page
        with pytest.raises(Refused):
            person_erase(person=past.ilze, actor=past.coordinator)
    assert not Erasure.objects.exists()


def test_the_confirmation_lists_what_goes_and_erasing_keeps_the_person_as_a_placeholder(past):
    with time_machine.travel(AFTER_THE_VISIT, tick=False):
        past.client.force_login(past.coordinator)  # a session of the travelled-to day
        page = past.client.get(reverse("privacy:erase", args=[past.ilze.pk])).content.decode()
        assert "Needs and notes on what they need: 2" in page
        assert "Their links to their programme page and calendar feed (revoked): 1" in page
        response = past.client.post(reverse("privacy:erase", args=[past.ilze.pk]))
    assert response.status_code == 302
    erasure = Erasure.objects.get(person=past.ilze)
    assert erasure.reason == "request" and erasure.erased_by == past.coordinator
    assert Person.objects.get(pk=past.ilze.pk).name == f"Erased person {past.ilze.pk}"
    page = past.client.get(response["Location"]).content.decode()
    assert "Erased on" in page and NAME not in page


def test_a_person_also_in_another_coordinators_delegation_is_theirs_to_erase_only_with_an_admin(past):
    from tests.factories import DelegationMemberFactory

    DelegationMemberFactory(person=past.ilze)  # a delegation anna does not see
    with time_machine.travel(AFTER_THE_VISIT, tick=False):
        past.client.force_login(past.coordinator)  # a session of the travelled-to day
        page = past.client.get(reverse("privacy:erase", args=[past.ilze.pk])).content.decode()
        assert "Ask an agency admin" in page
        past.client.post(reverse("privacy:erase", args=[past.ilze.pk]))
        assert past.client.get(reverse("privacy:export", args=[past.ilze.pk])).status_code == 302
    assert not Erasure.objects.exists()


def test_the_personal_data_page_lists_who_is_due_and_what_is_left(past):
    with time_machine.travel(AFTER_THE_VISIT, tick=False):
        past.client.force_login(past.coordinator)  # a session of the travelled-to day
        page = past.client.get(reverse("privacy:overview")).content.decode()
    assert NAME in page and "Study visit on trafficking" in page
    due, left = page.split("Left from past visits")
    # Ilze goes a year after this visit, Juris a year after his next one.
    assert "Juris" not in due and "March 25, 2028" in due and "Sept. 8, 2029" in left
    assert past.other.get(reverse("privacy:overview")).content.decode().count(NAME) == 0


def test_the_history_is_exported_and_loses_the_persons_values_on_erasure(past):
    from audit.models import AuditEntry
    from visits.services import person_update

    person_update(person=past.ilze, actor=past.coordinator, data={"title": "Inspector"})
    history = past.client.get(reverse("privacy:export", args=[past.ilze.pk])).json()["history"]
    assert {"title": ["Chief inspector", "Inspector"]} in [entry["changes"] for entry in history]
    assert AuditEntry.objects.filter(object_repr__contains=NAME).exists()
    with time_machine.travel(AFTER_THE_VISIT, tick=False):
        person_erase(person=past.ilze, actor=past.coordinator)
    assert AuditEntry.objects.filter(person_id=past.ilze.pk).exists()  # what happened stays
    erased = AuditEntry.objects.filter(object_type="visits.person", object_id=past.ilze.pk).latest("pk")
    assert erased.actor_user == past.coordinator
    assert erased.changes["name"] == ["[erased]", f"Erased person {past.ilze.pk}"]
    for entry in AuditEntry.objects.all():
        assert NAME not in f"{entry.object_repr} {entry.actor_label} {entry.changes}"
        assert EMAIL not in f"{entry.object_repr} {entry.actor_label} {entry.changes}"
