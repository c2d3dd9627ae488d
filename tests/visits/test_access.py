"""The access matrix: what each kind of user sees of each kind of object, as visits.access decides it and as
every front end answers it.

Anna and Bertil are coordinators (staff), each of one visit ("a" and "b"); Nils coordinates visit "a" without
being staff; the root is a superuser and "agency" an agency admin (the role, not a superuser); the guest is
signed in and coordinates nothing; and someone is not signed in at all. Anna has also registered a delegation
("r") that has no visit yet.
"""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser, Permission, User
from django.db.models import Model
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from notifications.models import OutboxMessage, PersonalToken
from notifications.tokens import find_person_token, find_visit_token, token_revoke
from scheduling.models import ProgrammeVersion
from tests.api.conftest import client_for
from tests.factories import (
    DelegationFactory,
    DelegationMemberFactory,
    OutboxMessageFactory,
    PersonalTokenFactory,
    SessionFactory,
    UserFactory,
)
from visits.access import (
    delegations_for_user,
    members_for_user,
    people_for_user,
    sessions_for_user,
    visible_person_tokens,
    visible_visits,
    visits_for_user,
)
from visits.models import Person
from visits.roles import agency_admins_group

pytestmark = pytest.mark.django_db

USERS = ["anna", "bertil", "nils", "root", "agency", "guest", "anonymous"]

ADMIN_VIEWS = [
    "visits.view_visit",
    "visits.view_session",
    "visits.view_delegation",
    "visits.view_delegationmember",
    "notifications.view_outboxmessage",
    "scheduling.view_programmeversion",
    "visits.view_person",
    "notifications.view_personaltoken",
]


@dataclass
class World:
    users: dict[str, User | AnonymousUser]
    objects: dict[str, dict[str, Model]]  # kind -> {"a": row of visit a, "b": row of visit b, ...}


@pytest.fixture
def world(db):
    anna = UserFactory(username="anna", is_staff=True)
    bertil = UserFactory(username="bertil", is_staff=True)
    nils = UserFactory(username="nils")
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    agency = UserFactory(username="agency", is_staff=True)
    agency.groups.add(agency_admins_group())
    guest = UserFactory(username="guest")
    permissions = [
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in (name.split(".") for name in ADMIN_VIEWS)
    ]
    for staff in (anna, bertil):
        staff.user_permissions.add(*permissions)
    objects: dict[str, dict[str, Model]] = {
        kind: {}
        for kind in ["visit", "session", "delegation", "member", "outbox", "version", "person", "token"]
    }
    for letter, coordinators in (("a", [anna, nils]), ("b", [bertil])):
        session = SessionFactory(title=f"Session {letter}")
        session.visit.coordinators.add(*coordinators)
        objects["visit"][letter] = session.visit
        objects["session"][letter] = session
        objects["delegation"][letter] = session.visit.delegation
        objects["member"][letter] = DelegationMemberFactory(delegation=session.visit.delegation)
        objects["person"][letter] = objects["member"][letter].person
        objects["token"][letter] = PersonalTokenFactory(person=objects["person"][letter])
        objects["outbox"][letter] = OutboxMessageFactory(session=session)
        objects["version"][letter] = ProgrammeVersion.objects.create(
            visit=session.visit, number=1, snapshot={}
        )
    registered = DelegationFactory(name="Registered by Anna")
    registered.coordinators.add(anna)
    objects["delegation"]["r"] = registered
    objects["member"]["r"] = DelegationMemberFactory(delegation=registered)
    objects["person"]["r"] = objects["member"]["r"].person
    objects["token"]["r"] = PersonalTokenFactory(person=objects["person"]["r"])
    users = {"anna": anna, "bertil": bertil, "nils": nils, "root": root, "agency": agency, "guest": guest}
    return World(users={**users, "anonymous": AnonymousUser()}, objects=objects)


# --- The module's rules ---

# Who sees which rows of a visit (its sessions, outbox messages, versions): their own visit's; root all.
OF_A_VISIT = {
    "anna": "a",
    "bertil": "b",
    "nils": "a",
    "root": "ab",
    "agency": "ab",
    "guest": "",
    "anonymous": "",
}
# Delegations and their members: also those one registered oneself.
OF_A_DELEGATION = {
    "anna": "ar",
    "bertil": "b",
    "nils": "a",
    "root": "abr",
    "agency": "abr",
    "guest": "",
    "anonymous": "",
}

SCOPES = {
    "visit": (lambda user: visits_for_user(user), OF_A_VISIT),
    "session": (lambda user: sessions_for_user(user), OF_A_VISIT),
    "outbox": (lambda user: OutboxMessage.objects.filter(visible_visits(user, "visit")), OF_A_VISIT),
    "version": (lambda user: ProgrammeVersion.objects.filter(visible_visits(user, "visit")), OF_A_VISIT),
    "delegation": (lambda user: delegations_for_user(user), OF_A_DELEGATION),
    "member": (lambda user: members_for_user(user), OF_A_DELEGATION),
    # A member's person, contact data and personal token go with their delegation.
    "person": (lambda user: people_for_user(user), OF_A_DELEGATION),
    "token": (lambda user: PersonalToken.objects.filter(visible_person_tokens(user)), OF_A_DELEGATION),
}


@pytest.mark.parametrize("kind", SCOPES)
@pytest.mark.parametrize("who", USERS)
def test_each_user_sees_the_rows_of_their_own_visits_and_delegations(world, kind, who):
    scope, expected = SCOPES[kind]
    rows = world.objects[kind]
    seen = {letter for letter, row in rows.items() if scope(world.users[who]).filter(pk=row.pk).exists()}
    assert seen == set(expected[who]), (kind, who)


@pytest.mark.parametrize("who", USERS)
def test_people_in_no_delegation_are_shared_by_everyone_who_is_signed_in(world, who):
    # Experts and interpreters. Who reaches a page that lists them is the entry rules' business (the
    # directory needs staff).
    shared = Person.objects.filter(memberships__isnull=True)
    assert shared.exists()
    expected = 0 if who == "anonymous" else shared.count()
    assert people_for_user(world.users[who]).filter(memberships__isnull=True).count() == expected


def test_tokens_open_what_they_name_whoever_is_signed_in(world):
    person = world.objects["token"]["a"]
    feed = PersonalTokenFactory(
        purpose=PersonalToken.Purpose.VISIT_FEED, person=None, visit=world.objects["visit"]["a"]
    )
    assert find_person_token(person.token) == person and find_visit_token(feed.token) == feed
    assert find_person_token(feed.token) is None and find_visit_token(person.token) is None
    token_revoke(token=person)
    assert find_person_token(person.token) is None
    root = Client()
    root.force_login(world.users["root"])
    assert root.get(reverse("notifications:programme", args=[person.token])).status_code == 404


# --- Every front end answers the same rules ---

LOGIN = "login"  # sent to sign in
ADMIN_LOGIN = "admin-login"
ABSENT = "absent"  # the admin's answer for a row that does not exist: back to its index


def client_of(world, who):
    client = Client()
    if who != "anonymous":
        client.force_login(world.users[who])
    return client


def outcome(response):
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith(reverse("admin:login")):
            return ADMIN_LOGIN
        if location.startswith(reverse("login")):
            return LOGIN
        if location == reverse("admin:index"):
            return ABSENT
    return int(response.status_code)


PLANNER = {
    "anna": 200,
    "bertil": 404,
    "nils": 200,
    "root": 200,
    "agency": 200,
    "guest": 404,
    "anonymous": LOGIN,
}


@pytest.mark.parametrize("who", USERS)
def test_the_planner(world, who):
    """Signing in is enough to come in: a coordinator of the visit plans it even without being staff."""
    client = client_of(world, who)
    visit, session = world.objects["visit"]["a"], world.objects["session"]["a"]
    for url in [
        reverse("planner:board", args=[visit.pk]),
        reverse("planner:session_edit", args=[session.pk]),
        reverse("planner:history", args=[visit.pk]),
    ]:
        assert outcome(client.get(url)) == PLANNER[who], url


DIRECTORY = {
    "anna": 200,
    "bertil": 404,
    "nils": 404,
    "root": 200,
    "agency": 200,
    "guest": 404,
    "anonymous": LOGIN,
}


@pytest.mark.parametrize("who", USERS)
def test_the_directory(world, who):
    """Coordinators (staff) only; a delegation and its members (their people too) as the scope says."""
    client = client_of(world, who)
    delegation, member = world.objects["delegation"]["a"], world.objects["member"]["a"]
    for url in [
        reverse("directory:members", args=[delegation.pk]),
        reverse("directory:member_edit", args=[delegation.pk, member.pk]),
        reverse("directory:delegation_edit", args=[delegation.pk]),
    ]:
        assert outcome(client.get(url)) == DIRECTORY[who], url
    person = member.person
    assert outcome(client.get(reverse("directory:expert_availability", args=[person.pk]))) == DIRECTORY[who]
    # A person's history is there for whoever may see the person; its lines are scoped (tests/audit).
    assert outcome(client.get(reverse("directory:person_history", args=[person.pk]))) == DIRECTORY[who]


@pytest.mark.parametrize("who", USERS)
def test_the_personal_data_pages(world, who):
    """A member's personal data (export, erase) goes with their delegation; the list of what is due is every
    coordinator's, each seeing their own."""
    client = client_of(world, who)
    person = world.objects["member"]["a"].person
    for name in ["privacy:person", "privacy:export", "privacy:erase"]:
        url = reverse(name, args=[person.pk])
        assert outcome(client.get(url)) == DIRECTORY[who], url
    assert outcome(client.get(reverse("privacy:overview"))) == {**DIRECTORY, "bertil": 200}[who]


API = {"anna": 200, "bertil": 404, "nils": 403, "root": 200, "agency": 200, "guest": 403, "anonymous": 401}


@pytest.mark.parametrize("who", USERS)
def test_the_api(world, who):
    client = APIClient() if who == "anonymous" else client_for(world.users[who])
    rows = world.objects
    for url in [
        f"/api/v1/visits/{rows['visit']['a'].pk}/",
        f"/api/v1/sessions/{rows['session']['a'].pk}/",
        f"/api/v1/delegations/{rows['delegation']['a'].pk}/",
        f"/api/v1/delegation-members/{rows['member']['a'].pk}/",
        f"/api/v1/outbox/{rows['outbox']['a'].pk}/",
        f"/api/v1/people/{rows['person']['a'].pk}/",
    ]:
        assert outcome(client.get(url)) == API[who], url


ADMIN = {"anna": 200, "bertil": ABSENT, "nils": ADMIN_LOGIN, "root": 200, "agency": 200, "guest": ADMIN_LOGIN}


@pytest.mark.parametrize("who", [*ADMIN, "anonymous"])
def test_the_admin(world, who):
    """Staff come in; another coordinator's row is answered as a row that does not exist."""
    client = client_of(world, who)
    expected = ADMIN.get(who, ADMIN_LOGIN)
    for kind, name in [
        ("visit", "visits_visit"),
        ("session", "visits_session"),
        ("delegation", "visits_delegation"),
        ("member", "visits_delegationmember"),
        ("outbox", "notifications_outboxmessage"),
        ("version", "scheduling_programmeversion"),
        ("person", "visits_person"),
        ("token", "notifications_personaltoken"),
    ]:
        url = reverse(f"admin:{name}_change", args=[world.objects[kind]["a"].pk])
        assert outcome(client.get(url)) == expected, (kind, url)
