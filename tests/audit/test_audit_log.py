"""The audit log: every service writes an entry with who, which door and what changed; the history pages
read it within the reader's scope; nothing in the application changes or deletes an entry, and on PostgreSQL
the table itself refuses to."""

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from audit.doors import through
from audit.log import REDACTED, redact_person
from audit.models import ActorKind, AppendOnly, AuditEntry, Door
from notifications.models import OutboxStatus
from notifications.outbox import outbox_send_again
from notifications.tasks import deliver_outbox
from notifications.tokens import token_revoke
from responses.answers import answer_move
from responses.models import Door as AnswerDoor
from tests.factories import (
    DelegationMemberFactory,
    OutboxMessageFactory,
    PersonalTokenFactory,
    PersonFactory,
    SessionExpertFactory,
    SessionFactory,
    UserFactory,
    stockholm,
)
from visits.models import Session, SessionExpert
from visits.roles import agency_admins_group
from visits.services import (
    delegation_update,
    member_update,
    person_update,
    session_change_status,
    session_update,
    visit_update,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def anna():
    return UserFactory(username="anna", first_name="Anna", last_name="Berg", is_staff=True)


def _session(anna):
    session = SessionFactory(title="Police HQ")
    session.visit.coordinators.add(anna)
    return session


# Each case: make the change, and say which row it was about, which field changed, and its new value.
def case_visit(anna):
    visit = _session(anna).visit
    before = visit.title
    visit_update(visit=visit, data={"title": "Trafficking 2027"}, actor=anna)
    return visit, "title", before, "Trafficking 2027"


def case_session_moved(anna):
    session = _session(anna)
    start = stockholm(2027, 3, 23, 10, 0)
    session_update(
        session=session, data={"starts_at": start, "ends_at": start + dt.timedelta(hours=1)}, actor=anna
    )
    return session, "starts_at", "2027-03-23T08:00:00+00:00", "2027-03-23T09:00:00+00:00"


def case_session_status(anna):
    session = _session(anna)
    session_change_status(session=session, status=Session.Status.CONFIRMED, actor=anna)
    return session, "status", "tentative", "confirmed"


def case_delegation(anna):
    member = DelegationMemberFactory()
    delegation = member.delegation
    before = delegation.name
    delegation_update(delegation=delegation, data={"name": "Moldova 2027"}, actor=anna)
    return delegation, "name", before, "Moldova 2027"


def case_member(anna):
    member = DelegationMemberFactory()
    before = member.role
    member_update(member=member, person_data={}, membership_data={"role": "head"}, actor=anna)
    return member, "role", before, "head"


def case_person(anna):
    person = PersonFactory(email="eva@example.org")
    person_update(person=person, data={"email": "eva.norrman@example.org"}, actor=anna)
    return person, "email", "eva@example.org", "eva.norrman@example.org"


def case_answer(anna):
    expert = SessionExpertFactory(response=SessionExpert.Response.INVITED)
    answer_move(expert_ids=[expert.pk], to="declined", door=AnswerDoor.PHONE, actor=anna)
    return expert, "response", "invited", "declined"


def case_token(anna):
    token = PersonalTokenFactory()
    token_revoke(token=token, actor=anna)
    token.refresh_from_db()
    return token, "revoked_at", None, token.revoked_at.astimezone(dt.UTC).isoformat()


def case_outbox(anna):
    message = OutboxMessageFactory(status=OutboxStatus.FAILED)
    outbox_send_again(message=message, actor=anna)
    return message, "status", "failed", "queued"


@pytest.mark.parametrize(
    "case",
    [
        case_visit,
        case_session_moved,
        case_session_status,
        case_delegation,
        case_member,
        case_person,
        case_answer,
        case_token,
        case_outbox,
    ],
)
def test_each_service_writes_one_entry_with_before_and_after(anna, case):
    row, field, before, after = case(anna)
    entries = AuditEntry.objects.filter(
        object_type=row._meta.label_lower, object_id=row.pk, changes__has_key=field
    )
    assert len(entries) == 1
    (entry,) = entries
    assert entry.changes[field] == [before, after]
    assert (entry.actor_kind, entry.actor_user_id, entry.actor_label) == (
        ActorKind.USER,
        anna.pk,
        "Anna Berg",
    )
    assert entry.door == Door.COMMAND  # called from here, neither a request nor a task


def test_an_answer_through_the_experts_link_is_recorded_as_their_link():
    expert = SessionExpertFactory(response=SessionExpert.Response.INVITED, person__name="Eva Norrman")
    with through(Door.LINK):
        answer_move(expert_ids=[expert.pk], to="confirmed", door=AnswerDoor.LINK, actor=None)
    entry = AuditEntry.objects.get(object_type="visits.sessionexpert", object_id=expert.pk)
    assert (entry.actor_kind, entry.actor_person_id, entry.actor_label) == (
        ActorKind.EXPERT_LINK,
        expert.person_id,
        "Eva Norrman",
    )
    assert entry.door == Door.LINK
    assert entry.changes["response"] == ["invited", "confirmed"]
    assert (entry.visit_id, entry.person_id) == (expert.session.visit_id, expert.person_id)


def test_the_delivery_task_records_the_system_through_the_task_door(mailoutbox):
    message = OutboxMessageFactory()
    deliver_outbox.apply(args=[[message.pk]])
    claimed = AuditEntry.objects.get(object_id=message.pk, changes__status=["queued", "sending"])
    assert (claimed.actor_kind, claimed.actor_user_id, claimed.door) == (ActorKind.SYSTEM, None, Door.TASK)
    assert AuditEntry.objects.filter(object_id=message.pk, changes__status=["sending", "sent"]).exists()


def test_a_change_in_the_planner_comes_through_the_planners_door(anna, client):
    session = _session(anna)
    client.force_login(anna)
    client.post(reverse("planner:session_status", args=[session.pk]), {"status": "confirmed"})
    entry = AuditEntry.objects.get(object_type="visits.session", object_id=session.pk)
    assert (entry.door, entry.actor_user_id) == (Door.PLANNER, anna.pk)


# --- The history pages ---


def test_the_visits_history_says_who_moved_what_when_and_where(anna, client):
    session = _session(anna)
    with through(Door.PLANNER):
        case_moved = stockholm(2027, 3, 23, 10, 0)
        session_update(
            session=session,
            data={"starts_at": case_moved, "ends_at": case_moved + dt.timedelta(hours=1)},
            actor=anna,
        )
    client.force_login(anna)
    page = client.get(reverse("planner:history", args=[session.visit_id])).content.decode()
    assert "Anna Berg moved “Police HQ” from 09:00 to 10:00, in the planner." in page
    assert (
        reverse("planner:history", args=[session.visit_id])
        in client.get(reverse("planner:board", args=[session.visit_id])).content.decode()
    )


def test_the_history_is_in_swedish_for_a_swedish_reader(anna):
    session = _session(anna)
    session_change_status(session=session, status=Session.Status.CONFIRMED, actor=anna)
    client = Client(headers={"accept-language": "sv"})
    client.force_login(anna)
    page = client.get(reverse("planner:history", args=[session.visit_id])).content.decode()
    assert "Anna Berg ändrade" in page


def test_another_coordinator_finds_no_history_of_a_visit_not_theirs(anna, client):
    session = _session(anna)
    client.force_login(UserFactory(username="bertil", is_staff=True))
    assert client.get(reverse("planner:history", args=[session.visit_id])).status_code == 404


def test_a_persons_history_shows_only_what_the_reader_may_see(anna, client):
    expert = SessionExpertFactory(response=SessionExpert.Response.INVITED, person__name="Eva Norrman")
    expert.session.visit.coordinators.add(anna)
    answer_move(expert_ids=[expert.pk], to="declined", door=AnswerDoor.PHONE, actor=anna)
    person_update(person=expert.person, data={"title": "Inspector"}, actor=anna)
    url = reverse("directory:person_history", args=[expert.person_id])

    client.force_login(anna)
    page = client.get(url).content.decode()
    assert "Eva Norrman – " in page and "Inspector" in page

    client.force_login(UserFactory(username="bertil", is_staff=True))
    other = client.get(url).content.decode()
    assert "Inspector" in other  # the person's own record is shared, as people are
    assert "Eva Norrman – " not in other  # the answer belongs to a visit Bertil does not coordinate

    client.force_login(UserFactory(username="guest"))
    assert client.get(url).status_code == 404


# --- Append-only ---


def test_the_application_has_no_way_to_change_or_delete_an_entry(anna):
    case_person(anna)
    entry = AuditEntry.objects.get()
    entry.actor_label = "someone else"
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    with pytest.raises(AppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(actor_label="x")
    with pytest.raises(AppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get().actor_label == "Anna Berg"


def test_the_admin_shows_entries_read_only_to_agency_admins(anna):
    case_person(anna)
    entry = AuditEntry.objects.get()
    agency = UserFactory(username="agency", is_staff=True)
    agency.groups.add(agency_admins_group())
    client = Client()
    client.force_login(agency)
    assert client.get(reverse("admin:audit_auditentry_changelist")).status_code == 200
    assert client.get(reverse("admin:audit_auditentry_change", args=[entry.pk])).status_code == 200
    assert client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    assert client.post(reverse("admin:audit_auditentry_change", args=[entry.pk]), {}).status_code == 403
    delete = reverse("admin:audit_auditentry_delete", args=[entry.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk, actor_label="Anna Berg").exists()
    client.force_login(anna)  # a coordinator: not in the admin's audit log at all
    assert client.get(reverse("admin:audit_auditentry_changelist")).status_code == 403


def test_redaction_replaces_a_persons_values_and_keeps_the_facts(anna):
    person = PersonFactory(name="Eva Norrman", email="eva@example.org")
    person_update(person=person, data={"email": "eva.n@example.org"}, actor=anna)
    expert = SessionExpertFactory(person=person, response=SessionExpert.Response.INVITED)
    with through(Door.LINK):
        answer_move(expert_ids=[expert.pk], to="confirmed", door=AnswerDoor.LINK, actor=None)
    assert redact_person(person.pk, ["Eva Norrman", "eva@example.org", "eva.n@example.org"]) == 2
    for entry in AuditEntry.objects.filter(person_id=person.pk):
        text = f"{entry.changes} {entry.object_repr} {entry.actor_label}"
        assert "Eva Norrman" not in text and "eva@example.org" not in text and "eva.n@" not in text
        assert entry.redacted
    changed = AuditEntry.objects.get(object_type="visits.person")
    assert changed.changes["email"] == [REDACTED, REDACTED]
    assert (changed.actor_label, changed.door, changed.action) == ("Anna Berg", Door.COMMAND, "change")


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger is PostgreSQL's; SQLite relies on the model"
)


@postgres_only
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditentry SET actor_label = 'someone else'",
        "DELETE FROM audit_auditentry",
        # Even with the redaction's setting, only the personal values may change.
        "SET LOCAL visitplan.audit_redact = 'on'; UPDATE audit_auditentry SET door = 'api', redacted = true",
        "SET LOCAL visitplan.audit_redact = 'on'; DELETE FROM audit_auditentry",
    ],
)
def test_the_table_refuses_update_and_delete_on_postgresql(anna, statement):
    case_person(anna)
    with (
        pytest.raises(DatabaseError, match="audit_append_only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        for part in statement.split("; "):
            cursor.execute(part)
    assert AuditEntry.objects.get().actor_label == "Anna Berg"
    assert AuditEntry.objects.get().door == Door.COMMAND


@postgres_only
def test_the_redaction_setting_ends_with_its_transaction(anna):
    case_person(anna)
    redact_person(999_999, ["Anna Berg"])
    with (
        pytest.raises(DatabaseError, match="audit_append_only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE audit_auditentry SET actor_label = 'x'")
