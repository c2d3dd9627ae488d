"""The hijack chain of issue 13, refused at its first step through every door.

The chain: Bertil changes the e-mail of Anna's delegate Ilze to his own (or pulls Ilze into his own
delegation), publishes his own visit with her in it, and Ilze's personal link (Anna's whole programme, the
feed, the needs form) arrives in Bertil's mailbox. Its first step is changing where Ilze's mail goes, or
making her a member of Bertil's delegation: each door below refuses it, and the database is as it was.
Then the same for a delegate of both coordinators, whom Bertil may see but whose mail is Anna's too.
"""

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from notifications.models import OutboxMessage
from tests.factories import DelegationMemberFactory
from tests.visits.scope_world import World, people_as_stored
from tests.visits.test_admin import change_form_data

pytestmark = pytest.mark.django_db

BERTILS = "bertil@example.se"


def csv_file(text):
    return SimpleUploadedFile("members.csv", text.encode("utf-8-sig"), content_type="text/csv")


def api_patch(world):
    response = world.api(world.bertil).patch(
        f"/api/v1/people/{world.ilze.person.pk}/", {"email": BERTILS}, format="json"
    )
    return response.status_code


def api_put(world):
    body = {"name": "Ilze Berzina", "email": BERTILS, "preferred_language": "en", "home_time_zone": "UTC"}
    return (
        world.api(world.bertil)
        .put(f"/api/v1/people/{world.ilze.person.pk}/", body, format="json")
        .status_code
    )


def api_membership(world):
    body = {"delegation": world.delegation_b.pk, "person": world.ilze.person.pk}
    return world.api(world.bertil).post("/api/v1/delegation-members/", body, format="json").status_code


def api_import(world):
    response = world.api(world.bertil).post(
        f"/api/v1/delegations/{world.delegation_b.pk}/import/",
        {"file": csv_file("name,email\nIlze Berzina,ilze@vp.gov.lv\n")},
        format="multipart",
    )
    assert response.json()["rows"][0]["action"] == "conflict"
    return response.status_code


def directory_member_edit(world):
    url = reverse("directory:member_edit", args=[world.delegation_a.pk, world.ilze.pk])
    data = {"name": "Ilze Berzina", "email": BERTILS, "preferred_language": "en", "role": "member"}
    return world.browser(world.bertil).post(url, data).status_code


def directory_member_add(world):
    url = reverse("directory:member_add", args=[world.delegation_b.pk])
    data = {"name": "Ilze Berzina", "email": "ilze@vp.gov.lv", "preferred_language": "en", "role": "member"}
    response = world.browser(world.bertil).post(url, data)
    assert response.context["person_form"].errors["email"]
    return response.status_code


def directory_import(world):
    client = world.browser(world.bertil)
    upload = csv_file("name,email\nIlze Berzina,ilze@vp.gov.lv\n")
    preview = client.post(reverse("directory:members_import", args=[world.delegation_b.pk]), {"file": upload})
    confirm = reverse("directory:members_import_confirm", args=[world.delegation_b.pk])
    return client.post(confirm, {"token": preview.context["token"]}).status_code


def admin_person_change(world):
    url = reverse("admin:visits_person_change", args=[world.ilze.person.pk])
    body = {"name": "Ilze Berzina", "email": BERTILS, "preferred_language": "en", "home_time_zone": "UTC"}
    response = world.browser(world.bertil).post(url, body)
    assert response.status_code == 302 and response["Location"] == "/admin/"  # as if there were no Ilze
    return response.status_code


def admin_membership(world):
    body = {"delegation": world.delegation_b.pk, "person": world.ilze.person.pk, "role": "member"}
    response = world.browser(world.bertil).post(reverse("admin:visits_delegationmember_add"), body)
    assert "person" in response.context["adminform"].form.errors
    return response.status_code


FIRST_STEPS: dict[str, tuple[Callable[[World], int], int]] = {
    "api PATCH people": (api_patch, 404),
    "api PUT people": (api_put, 404),
    "api delegation-members": (api_membership, 400),
    "api import": (api_import, 200),
    "directory member edit": (directory_member_edit, 404),
    "directory member add": (directory_member_add, 200),
    "directory import": (directory_import, 302),
    "admin person": (admin_person_change, 302),
    "admin delegation member": (admin_membership, 200),
}


@pytest.mark.parametrize("door", FIRST_STEPS)
def test_the_first_step_is_refused(world, door):
    attempt, answer = FIRST_STEPS[door]
    before = people_as_stored()
    assert attempt(world) == answer
    assert people_as_stored() == before
    assert not world.delegation_b.members.filter(person=world.ilze.person).exists()
    assert not OutboxMessage.objects.filter(to_email__iexact=BERTILS).exists()


# --- A delegate of both: Bertil sees Ilze, but her mail is Anna's too ---


def shared_member_edit(world):
    shared = world.delegation_b.members.get(person=world.ilze.person)
    url = reverse("directory:member_edit", args=[world.delegation_b.pk, shared.pk])
    data = {"name": "Ilze Berzina", "email": BERTILS, "preferred_language": "en", "role": "member"}
    response = world.browser(world.bertil).post(url, data)
    assert response.context["person_form"].errors["email"]
    return response.status_code


def shared_admin_change(world):
    client = world.browser(world.bertil)
    url = reverse("admin:visits_person_change", args=[world.ilze.person.pk])
    response = client.post(url, {**change_form_data(client.get(url)), "email": BERTILS})
    assert response.context["adminform"].form.errors["email"]
    return response.status_code


def shared_import(world):
    response = world.api(world.bertil).post(
        f"/api/v1/delegations/{world.delegation_b.pk}/import/",
        {"file": csv_file("name,email,title\nIlze B.,ilze@vp.gov.lv,Chief\n")},
        format="multipart",
    )
    assert response.json()["rows"][0]["action"] == "conflict"
    return response.status_code


SHARED_STEPS: dict[str, tuple[Callable[[World], int], int]] = {
    "api PATCH people": (api_patch, 400),
    "api PUT people": (api_put, 400),
    "api import": (shared_import, 200),
    "directory member edit": (shared_member_edit, 200),
    "admin person": (shared_admin_change, 200),
}


@pytest.mark.parametrize("door", SHARED_STEPS)
def test_the_first_step_is_refused_for_a_delegate_of_both(world, door):
    DelegationMemberFactory(delegation=world.delegation_b, person=world.ilze.person)
    attempt, answer = SHARED_STEPS[door]
    before = people_as_stored()
    assert attempt(world) == answer
    assert people_as_stored() == before
