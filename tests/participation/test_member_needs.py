"""The coordinators' notes on what a delegation member needs: kept by participation (ParticipantNeeds rows of
the membership), written through its services by every door, and read back as before."""

import pytest
from django.contrib.admin.sites import site
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from participation.admin import DelegationWithNeedsAdmin, MemberWithNeedsAdmin
from participation.models import ParticipantNeeds
from participation.selectors import MemberNotes, member_notes
from participation.services import member_needs_set, members_needs_set
from tests.factories import DelegationMemberFactory, PersonFactory, VisitFactory
from visits.models import Delegation, DelegationMember

pytestmark = pytest.mark.django_db


def test_a_note_not_given_keeps_what_is_stored_and_two_empty_notes_keep_no_row():
    member = DelegationMemberFactory(dietary_needs="no pork")
    member_needs_set(member=member, notes={"accessibility_needs": "a lift"}, actor=None)
    assert member_notes(DelegationMember.objects.get(pk=member.pk)) == MemberNotes("no pork", "a lift")
    row = ParticipantNeeds.objects.get()
    assert (row.member, row.person, row.visit) == (member, None, None)

    member_needs_set(member=member, notes={"dietary_needs": "", "accessibility_needs": ""}, actor=None)
    assert not ParticipantNeeds.objects.exists()
    assert member_notes(DelegationMember.objects.get(pk=member.pk)) == MemberNotes()


def test_the_notes_go_with_the_membership():
    member = DelegationMemberFactory(dietary_needs="vegan")
    member.delete()
    assert not ParticipantNeeds.objects.exists()


@pytest.mark.parametrize("count", [2, 20])
def test_many_members_notes_take_six_queries_at_most(count):
    delegation = DelegationMemberFactory().delegation
    _kept, emptied, changed, added = (
        [DelegationMemberFactory(delegation=delegation, **needs) for _ in range(count)]
        for needs in ({"dietary_needs": "halal"}, {"dietary_needs": "kosher"}, {"dietary_needs": "x"}, {})
    )
    notes = {m.pk: {"dietary_needs": ""} for m in emptied}
    notes |= {m.pk: {"dietary_needs": "gluten-free"} for m in changed}
    notes |= {m.pk: {"accessibility_needs": "step-free"} for m in added}
    with CaptureQueriesContext(connection) as captured:
        members_needs_set(notes=notes, actor=None)
    # Four for the notes, two for the audit log (the members' names, one INSERT), the savepoint's two.
    assert len(captured) <= 4 + 2 + 2
    rows = ParticipantNeeds.objects.filter(member__isnull=False)
    assert rows.filter(dietary_note="halal").count() == count
    assert rows.filter(dietary_note="gluten-free").count() == count
    assert rows.filter(accessibility_note="step-free", dietary_note="").count() == count
    assert rows.count() == 3 * count


def test_the_member_list_of_the_admin_and_its_form_edit_the_notes(staff_user):
    client = Client()
    client.force_login(staff_user)
    member = DelegationMemberFactory(dietary_needs="no pork", languages=["lv"])
    assert isinstance(site._registry[DelegationMember], MemberWithNeedsAdmin)
    page = client.get(reverse("admin:visits_delegationmember_changelist")).content.decode()
    assert "no pork" in page
    url = reverse("admin:visits_delegationmember_change", args=[member.pk])
    form = client.get(url).context["adminform"].form
    assert form.initial["dietary_needs"] == "no pork"
    response = client.post(
        url,
        {
            "delegation": member.delegation.pk,
            "person": member.person.pk,
            "role": member.role,
            "languages": ["lv"],
            "dietary_needs": "",
            "accessibility_needs": "wheelchair",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert member_notes(DelegationMember.objects.get(pk=member.pk)) == MemberNotes("", "wheelchair")


def test_the_delegations_member_rows_in_the_admin_edit_the_notes(staff_user):
    client = Client()
    client.force_login(staff_user)
    member = DelegationMemberFactory(accessibility_needs="hearing loop", languages=["lv"])
    delegation = member.delegation
    assert isinstance(site._registry[Delegation], DelegationWithNeedsAdmin)
    url = reverse("admin:visits_delegation_change", args=[delegation.pk])
    assert "hearing loop" in client.get(url).content.decode()
    data = {
        "name": delegation.name,
        "languages": list(delegation.languages),
        "notes": "",
        "members-TOTAL_FORMS": "1",
        "members-INITIAL_FORMS": "1",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
        "members-0-id": member.pk,
        "members-0-delegation": delegation.pk,
        "members-0-person": member.person.pk,
        "members-0-role": member.role,
        "members-0-languages": ["lv"],
        "members-0-dietary_needs": "vegetarian",
        "members-0-accessibility_needs": "hearing loop",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    saved = DelegationMember.objects.get(pk=member.pk)
    assert member_notes(saved) == MemberNotes("vegetarian", "hearing loop")


def test_the_participants_needs_admin_lists_only_the_participants_own(staff_user):
    client = Client()
    client.force_login(staff_user)
    visit = VisitFactory()
    own = ParticipantNeeds.objects.create(visit=visit, person=PersonFactory(), dietary=["vegan"])
    DelegationMemberFactory(delegation=visit.delegation, dietary_needs="noted by a coordinator")
    response = client.get(reverse("admin:participation_participantneeds_changelist"))
    assert list(response.context["cl"].result_list) == [own]


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_every_note_and_back():
    """Forward, every membership with a note gets a row with both notes as typed; backward, they return."""
    old = [("participation", "0002_participant_answer"), ("visits", "0008_chosen_member")]
    new = [("participation", "0005_needs_one_kind"), ("visits", "0009_member_needs_moved")]
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(old)
        apps = MigrationExecutor(connection).loader.project_state(old).apps
        delegation = apps.get_model("visits", "Delegation").objects.create(name="Old", languages=["lv"])
        person_model = apps.get_model("visits", "Person")
        member_model = apps.get_model("visits", "DelegationMember")
        typed = {"a@x.lv": ("no pork", "a lift"), "b@x.lv": ("  ", ""), "c@x.lv": ("", "")}
        for email, (dietary, access) in typed.items():
            person = person_model.objects.create(name=email, email=email)
            member_model.objects.create(
                delegation=delegation, person=person, dietary_needs=dietary, accessibility_needs=access
            )

        executor = MigrationExecutor(connection)
        executor.migrate(new)
        apps = executor.loader.project_state(new).apps
        rows = apps.get_model("participation", "ParticipantNeeds").objects.order_by("member__person__email")
        moved = [
            (r.member.person.email, r.dietary_note, r.accessibility_note, r.person_id, r.visit_id)
            for r in rows
        ]
        assert moved == [("a@x.lv", "no pork", "a lift", None, None), ("b@x.lv", "  ", "", None, None)]

        executor = MigrationExecutor(connection)
        executor.migrate(old)
        apps = executor.loader.project_state(old).apps
        back = apps.get_model("visits", "DelegationMember").objects.values_list(
            "person__email", "dietary_needs", "accessibility_needs"
        )
        assert {email: (d, a) for email, d, a in back} == typed
        assert not apps.get_model("participation", "ParticipantNeeds").objects.exists()
    finally:
        MigrationExecutor(connection).migrate(latest)
