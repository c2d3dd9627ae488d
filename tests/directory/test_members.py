"""A delegation's members: add, edit, remove, and a list whose queries do not grow with its rows."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from participation.selectors import member_notes
from tests.factories import DelegationMemberFactory, OrganisationFactory, PersonFactory, VisitFactory
from visits.models import DelegationMember, Person

pytestmark = pytest.mark.django_db


def member_data(**overrides):
    data = {
        "name": "Ilze Kalnina",
        "email": "ilze.kalnina@police.example.lv",
        "phone": "+371 2000 0000",
        "organisation": "",
        "title": "Inspector",
        "preferred_language": "en",
        "role": DelegationMember.Role.HEAD,
        "languages": ["lv", "en"],
        "dietary_needs": "vegetarian",
        "accessibility_needs": "",
    }
    return {**data, **overrides}


def test_adding_a_member_adds_the_person_and_the_membership(scope):
    organisation = OrganisationFactory(name="State Police", country="LV")
    url = reverse("directory:member_add", args=[scope.delegation.pk])
    response = scope.client.post(url, member_data(organisation=organisation.pk))
    assert response.status_code == 302
    member = DelegationMember.objects.get(delegation=scope.delegation)
    assert member.person.name == "Ilze Kalnina" and member.person.organisation == organisation
    assert (
        member.role == "head"
        and member.languages == ["lv", "en"]
        and member_notes(member).dietary_needs == "vegetarian"
    )
    page = scope.client.get(reverse("directory:members", args=[scope.delegation.pk])).content.decode()
    assert "Ilze Kalnina" in page and "Latvian" in page and "vegetarian" in page


def test_adding_someone_already_in_the_directory_matches_them_by_email(scope):
    person = PersonFactory(name="Old Name", email="Ilze.Kalnina@police.example.lv")
    url = reverse("directory:member_add", args=[scope.delegation.pk])
    response = scope.client.post(url, member_data())
    assert response.status_code == 302
    assert Person.objects.count() == 1
    person.refresh_from_db()
    assert person.name == "Ilze Kalnina"
    assert scope.delegation.members.get().person == person
    assert "matched by e-mail" in str(next(iter(get_messages(response.wsgi_request))))


def test_adding_a_member_twice_is_an_error_on_the_email(scope):
    DelegationMemberFactory(delegation=scope.delegation, person=PersonFactory(email=member_data()["email"]))
    response = scope.client.post(reverse("directory:member_add", args=[scope.delegation.pk]), member_data())
    assert response.status_code == 200
    assert "already a member of this delegation" in str(response.context["person_form"].errors["email"])


def test_a_member_form_names_the_fields_in_error(scope):
    url = reverse("directory:member_add", args=[scope.delegation.pk])
    response = scope.client.post(url, member_data(name="", email="not-an-address", languages=["xx"]))
    assert response.status_code == 200
    assert set(response.context["person_form"].errors) == {"name", "email"}
    assert set(response.context["membership_form"].errors) == {"languages"}
    assert DelegationMember.objects.count() == 0


def test_editing_a_member_changes_the_person_and_the_membership(scope):
    member = DelegationMemberFactory(delegation=scope.delegation)
    url = reverse("directory:member_edit", args=[scope.delegation.pk, member.pk])
    assert scope.client.get(url).context["person_form"]["email"].value() == member.person.email
    response = scope.client.post(
        url, member_data(email=member.person.email, role="interpreter", accessibility_needs="wheelchair")
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.person.name == "Ilze Kalnina" and member.role == "interpreter"
    assert member_notes(member).accessibility_needs == "wheelchair"


def test_editing_a_member_to_another_persons_address_is_refused_on_the_email(scope):
    member = DelegationMemberFactory(delegation=scope.delegation)
    PersonFactory(name="Someone Else", email="taken@example.org")
    url = reverse("directory:member_edit", args=[scope.delegation.pk, member.pk])
    response = scope.client.post(url, member_data(email="TAKEN@example.org"))
    assert response.status_code == 200
    assert "Someone Else" in str(response.context["person_form"].errors["email"])


def test_removing_a_member_keeps_the_person(scope):
    member = DelegationMemberFactory(delegation=scope.delegation)
    url = reverse("directory:member_remove", args=[scope.delegation.pk, member.pk])
    assert scope.client.get(url).status_code == 200
    response = scope.client.post(url)
    assert response.status_code == 302
    assert not DelegationMember.objects.exists() and Person.objects.filter(pk=member.person_id).exists()


def test_a_member_of_a_published_programme_is_kept_as_a_record(scope):
    member = DelegationMemberFactory(delegation=scope.delegation)
    VisitFactory(delegation=scope.delegation, first_published_at=timezone.now())
    url = reverse("directory:member_remove", args=[scope.delegation.pk, member.pk])
    response = scope.client.post(url)
    assert response.status_code == 302
    assert DelegationMember.objects.filter(pk=member.pk).exists()
    assert "published" in str(next(iter(get_messages(response.wsgi_request))))


@pytest.mark.parametrize("rows", [5, 50])
def test_the_member_list_issues_the_same_queries_for_5_and_50_members(scope, django_assert_num_queries, rows):
    DelegationMemberFactory.create_batch(rows, delegation=scope.delegation)
    url = reverse("directory:members", args=[scope.delegation.pk])
    # session, user, delegation, members with people and organisations; the user's and their groups'
    # permissions (for the link to delete the delegation)
    with django_assert_num_queries(6):
        response = scope.client.get(url)
    assert len(response.context["rows"]) == rows


@pytest.mark.parametrize("rows", [5, 50])
def test_the_delegation_list_issues_the_same_queries_for_5_and_50(scope, django_assert_num_queries, rows):
    for _ in range(rows):
        VisitFactory().coordinators.add(scope.coordinator)
    # session, user, delegations with member counts; the user's and their groups' permissions (for the link
    # to register a delegation)
    with django_assert_num_queries(5):
        response = scope.client.get(reverse("directory:delegations"))
    assert len(response.context["delegations"]) == rows + 1
