"""Delegations in the directory: whoever registers one coordinates it; editing stays within one's scope; a
delegation with visits is not deleted, and the page says which visits keep it."""

import pytest
from django.contrib.auth.models import Permission, User
from django.contrib.messages import get_messages
from django.urls import reverse

from tests.directory.conftest import Scope
from tests.factories import DelegationFactory, DelegationMemberFactory, OrganisationFactory
from visits.models import Delegation, DelegationMember, Organisation, Person

pytestmark = pytest.mark.django_db


def grant(user: User, codename: str) -> None:
    user.user_permissions.add(Permission.objects.get(content_type__app_label="visits", codename=codename))


def delegation_data(**overrides):
    data = {
        "name": "Moldovan prosecutors",
        "countries": ["MD"],
        "organisations": [],
        "languages": ["ro", "en"],
        "notes": "Arrive by train from Copenhagen.",
    }
    return {**data, **overrides}


def only_message(response) -> str:
    (message,) = get_messages(response.wsgi_request)
    return str(message)


def test_registering_a_delegation_makes_you_its_coordinator(scope: Scope):
    grant(scope.coordinator, "add_delegation")
    office = OrganisationFactory.create(
        name="Prosecutor General's Office", country="MD", side=Organisation.Side.VISITING
    )
    url = reverse("directory:delegation_new")
    assert scope.client.get(url).status_code == 200
    response = scope.client.post(url, delegation_data(organisations=[office.pk]))
    delegation = Delegation.objects.get(name="Moldovan prosecutors")
    assert response.status_code == 302
    assert response["Location"] == reverse("directory:members", args=[delegation.pk])
    assert "is registered" in only_message(response)
    assert list(delegation.coordinators.all()) == [scope.coordinator]
    assert [c.code for c in delegation.countries] == ["MD"] and delegation.languages == ["ro", "en"]
    assert list(delegation.organisations.all()) == [office]
    assert delegation.notes == "Arrive by train from Copenhagen."

    listed = [d.name for d in scope.client.get(reverse("directory:delegations")).context["delegations"]]
    assert "Moldovan prosecutors" in listed
    assert scope.client.get(reverse("directory:members", args=[delegation.pk])).status_code == 200
    assert scope.other.get(reverse("directory:members", args=[delegation.pk])).status_code == 404
    assert scope.other.get(reverse("directory:delegation_edit", args=[delegation.pk])).status_code == 404


def test_without_the_permission_to_add_delegations_there_is_no_register_page(scope: Scope):
    url = reverse("directory:delegation_new")
    assert scope.client.get(url).status_code == 404
    assert scope.client.post(url, delegation_data()).status_code == 404
    assert not Delegation.objects.filter(name="Moldovan prosecutors").exists()
    assert url not in scope.client.get(reverse("directory:delegations")).content.decode()
    grant(scope.coordinator, "add_delegation")
    assert url in scope.client.get(reverse("directory:delegations")).content.decode()


def test_a_name_already_registered_is_an_error_on_the_name_and_nothing_is_saved(scope: Scope):
    grant(scope.coordinator, "add_delegation")
    before = Delegation.objects.count()
    response = scope.client.post(
        reverse("directory:delegation_new"), delegation_data(name="latvian state police")
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name"}
    assert "already registered" in str(response.context["form"].errors["name"])
    assert "Latvian State Police" not in str(response.context["form"].errors["name"])  # not echoed
    assert Delegation.objects.count() == before
    assert not scope.coordinator.coordinated_delegations.exists()


def test_editing_a_delegation_in_scope_saves_it(scope: Scope):
    url = reverse("directory:delegation_edit", args=[scope.delegation.pk])
    assert scope.client.get(url).context["form"]["name"].value() == "Latvian State Police"
    refused = scope.client.post(url, delegation_data(name="Riga police", languages=["xx"]))
    assert set(refused.context["form"].errors) == {"languages"}
    assert "Edit Latvian State Police" in refused.content.decode()  # the heading keeps the stored name
    response = scope.client.post(url, delegation_data(name="Latvian State Police", countries=["LV", "LT"]))
    assert response.status_code == 302
    assert response["Location"] == reverse("directory:members", args=[scope.delegation.pk])
    scope.delegation.refresh_from_db()
    assert {c.code for c in scope.delegation.countries} == {"LV", "LT"}
    assert scope.delegation.languages == ["ro", "en"]


def test_editing_a_delegation_out_of_scope_is_404_and_changes_nothing(scope: Scope):
    url = reverse("directory:delegation_edit", args=[scope.delegation.pk])
    assert scope.other.get(url).status_code == 404
    assert scope.other.post(url, delegation_data(name="Renamed")).status_code == 404
    scope.delegation.refresh_from_db()
    assert scope.delegation.name == "Latvian State Police"


def test_the_members_page_links_to_edit_and_with_the_permission_to_delete(scope: Scope):
    members = reverse("directory:members", args=[scope.delegation.pk])
    delete = reverse("directory:delegation_delete", args=[scope.delegation.pk])
    page = scope.client.get(members).content.decode()
    assert reverse("directory:delegation_edit", args=[scope.delegation.pk]) in page and delete not in page
    grant(scope.coordinator, "delete_delegation")
    assert delete in scope.client.get(members).content.decode()


def test_deleting_a_delegation_without_visits_keeps_its_members_people(scope: Scope):
    grant(scope.coordinator, "delete_delegation")
    delegation = DelegationFactory.create(name="Moldovan prosecutors")
    delegation.coordinators.add(scope.coordinator)
    member = DelegationMemberFactory.create(delegation=delegation)
    url = reverse("directory:delegation_delete", args=[delegation.pk])
    assert scope.client.get(url).status_code == 200
    assert Delegation.objects.filter(pk=delegation.pk).exists()  # the page only asks
    response = scope.client.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("directory:delegations")
    assert "was deleted" in only_message(response)
    assert not Delegation.objects.filter(pk=delegation.pk).exists()
    assert not DelegationMember.objects.filter(pk=member.pk).exists()
    assert Person.objects.filter(pk=member.person_id).exists()


def test_deleting_a_delegation_with_a_visit_is_refused_and_names_the_visit(scope: Scope):
    grant(scope.coordinator, "delete_delegation")
    title = scope.delegation.visits.get().title
    url = reverse("directory:delegation_delete", args=[scope.delegation.pk])
    page = scope.client.get(url)
    assert f"visit “{title}”" in page.content.decode() and page.context["refusal"]
    assert ">Delete</button>" not in page.content.decode()
    response = scope.client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("directory:members", args=[scope.delegation.pk])
    assert f"“{title}”" in only_message(response)
    assert Delegation.objects.filter(pk=scope.delegation.pk).exists()


def test_deleting_needs_the_permission_and_the_scope(scope: Scope):
    delegation = DelegationFactory.create(name="Moldovan prosecutors")
    delegation.coordinators.add(scope.coordinator)
    url = reverse("directory:delegation_delete", args=[delegation.pk])
    assert scope.client.get(url).status_code == 404  # no permission to delete delegations
    assert scope.client.post(url).status_code == 404
    grant(User.objects.get(username="bertil"), "delete_delegation")
    assert scope.other.get(url).status_code == 404  # the permission, but not the delegation
    assert scope.other.post(url).status_code == 404
    assert Delegation.objects.filter(pk=delegation.pk).exists()
