"""Who may use the directory: coordinators see the shared directories and the delegations of their own visits.
A delegation someone may not see is a 404, never a 403; a visitor who is not signed in is sent to sign in."""

import pytest
from django.urls import reverse

from tests.directory.conftest import signed_in
from tests.factories import DelegationFactory, DelegationMemberFactory, UserFactory, VenueFactory

pytestmark = pytest.mark.django_db


def member_pages(delegation_id: int, member_id: int) -> list[str]:
    return [
        reverse("directory:members", args=[delegation_id]),
        reverse("directory:member_add", args=[delegation_id]),
        reverse("directory:member_edit", args=[delegation_id, member_id]),
        reverse("directory:member_remove", args=[delegation_id, member_id]),
        reverse("directory:members_import", args=[delegation_id]),
        reverse("directory:delegation_edit", args=[delegation_id]),
    ]


def test_the_coordinator_of_a_visit_of_the_delegation_sees_its_member_pages(scope):
    member = DelegationMemberFactory(delegation=scope.delegation)
    for url in member_pages(scope.delegation.pk, member.pk):
        assert scope.client.get(url).status_code == 200, url


def test_another_coordinator_gets_404_for_every_member_page_and_write(scope):
    member = DelegationMemberFactory(delegation=scope.delegation)
    for url in member_pages(scope.delegation.pk, member.pk):
        assert scope.other.get(url).status_code == 404, url
        assert scope.other.post(url, {}).status_code in (404, 405), url
    confirm = reverse("directory:members_import_confirm", args=[scope.delegation.pk])
    assert scope.other.post(confirm, {"token": "x"}).status_code == 404
    assert scope.delegation.members.count() == 1


def test_a_member_of_another_delegation_is_404_even_for_its_coordinator(scope):
    stranger = DelegationMemberFactory()
    url = reverse("directory:member_edit", args=[scope.delegation.pk, stranger.pk])
    assert scope.client.get(url).status_code == 404


def test_a_superuser_sees_every_delegation(scope):
    client = signed_in(UserFactory(username="root", is_staff=True, is_superuser=True))
    assert client.get(reverse("directory:members", args=[scope.delegation.pk])).status_code == 200


def test_the_delegation_list_shows_only_the_delegations_of_ones_visits(scope):
    names = [d.name for d in scope.client.get(reverse("directory:delegations")).context["delegations"]]
    assert names == ["Latvian State Police"]
    assert "Latvian State Police" not in scope.other.get(reverse("directory:delegations")).content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client, scope):
    venue = VenueFactory()
    for url in [
        reverse("directory:index"),
        reverse("directory:delegations"),
        reverse("directory:members", args=[scope.delegation.pk]),
        reverse("directory:experts"),
        reverse("directory:venues"),
        reverse("directory:venue", args=[venue.pk]),
        reverse("directory:members_import_template"),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url


def test_a_signed_in_person_who_is_not_a_coordinator_finds_nothing(scope):
    client = signed_in(UserFactory(username="guest"))
    assert client.get(reverse("directory:experts")).status_code == 404
    assert client.get(reverse("directory:members", args=[scope.delegation.pk])).status_code == 404


def test_the_shared_directories_are_open_to_every_coordinator(scope):
    assert scope.other.get(reverse("directory:experts")).status_code == 200
    assert scope.other.get(reverse("directory:venues")).status_code == 200


def test_a_delegation_one_coordinates_oneself_is_seen_before_it_has_visits(scope):
    registered = DelegationFactory(name="Moldovan prosecutors")
    registered.coordinators.add(scope.coordinator)
    names = [d.name for d in scope.client.get(reverse("directory:delegations")).context["delegations"]]
    assert names == ["Latvian State Police", "Moldovan prosecutors"]
    assert scope.client.get(reverse("directory:members", args=[registered.pk])).status_code == 200
    assert scope.other.get(reverse("directory:members", args=[registered.pk])).status_code == 404
