"""The agency admin: a role of its own, not a superuser. Sees every visit and delegation (tests/visits/
test_access.py) and manages the coordinators' accounts in the admin, without the means to make itself more."""

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory
from visits.access import is_agency_admin
from visits.roles import AGENCY_ADMINS_GROUP, COORDINATORS_GROUP, agency_admins_group, coordinators_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency(db):
    user = UserFactory(username="agency", is_staff=True)
    user.groups.add(agency_admins_group())
    client = Client()
    client.force_login(user)
    return client


def test_the_role_is_a_permission_of_its_own_group_and_every_superusers():
    coordinator = UserFactory(username="c", is_staff=True)
    coordinator.groups.add(coordinators_group())
    agency_user = UserFactory(username="a", is_staff=True)
    agency_user.groups.add(agency_admins_group())
    inactive = UserFactory(username="i", is_staff=True, is_active=False)
    inactive.groups.add(agency_admins_group())
    root = UserFactory(username="r", is_staff=True, is_superuser=True)
    assert [is_agency_admin(u) for u in (coordinator, agency_user, inactive, root)] == [
        False,
        True,
        False,
        True,
    ]
    assert not Group.objects.get(name=COORDINATORS_GROUP).permissions.filter(codename="agency_admin").exists()


def test_the_groups_exist_after_migrate_with_their_permissions():
    agency_permissions = set(
        Group.objects.get(name=AGENCY_ADMINS_GROUP).permissions.values_list(
            "content_type__app_label", "codename"
        )
    )
    assert {("visits", "agency_admin"), ("auth", "add_user"), ("auth", "change_user")} <= agency_permissions
    assert ("auth", "change_group") not in agency_permissions
    assert ("visits", "change_session") in agency_permissions


def test_an_agency_admin_adds_a_coordinator(agency):
    response = agency.post(
        reverse("admin:auth_user_add"),
        {
            "username": "new-coordinator",
            "password1": "a-long-passphrase-9",
            "password2": "a-long-passphrase-9",
        },
    )
    assert response.status_code == 302, response.content[:500]
    user = User.objects.get(username="new-coordinator")
    page = agency.get(reverse("admin:auth_user_change", args=[user.pk]))
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert "is_superuser" not in form.fields and "user_permissions" not in form.fields
    assert set(form.fields["groups"].queryset.values_list("name", flat=True)) == {
        COORDINATORS_GROUP,
        AGENCY_ADMINS_GROUP,
    }
    data = {
        "username": "new-coordinator",
        "is_active": "on",
        "is_staff": "on",
        "is_superuser": "on",  # not a field for an agency admin: ignored
        "groups": [Group.objects.get(name=COORDINATORS_GROUP).pk],
        "date_joined_0": "2026-12-01",
        "date_joined_1": "09:00:00",
    }
    response = agency.post(reverse("admin:auth_user_change", args=[user.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    user.refresh_from_db()
    assert user.is_staff and not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == [COORDINATORS_GROUP]


def test_an_agency_admin_does_not_reach_superusers_nor_the_groups(agency):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    response = agency.get(reverse("admin:auth_user_change", args=[root.pk]))
    assert response.status_code in {302, 404}
    assert agency.get(reverse("admin:auth_group_changelist")).status_code == 403
