"""Publishing a programme: versions, the change set since the last version, and whom each change concerns."""

import datetime as dt
import threading
from dataclasses import dataclass

import pytest
from django.db import connection
from django.urls import reverse

from scheduling.domain.changes import SessionSnapshot, compute_changes
from scheduling.models import ChangeKind, ChangeRecipient, ProgrammeChange, ProgrammeVersion
from scheduling.publishing import (
    PublishBlocked,
    programme_publish,
    programme_snapshot,
)
from scheduling.selectors import changes_of_version, versions_for_visit
from tests.factories import (
    DelegationFactory,
    DelegationMemberFactory,
    PersonFactory,
    SessionExpertFactory,
    SessionFactory,
    SessionInterpreterFactory,
    UserFactory,
    VenueFactory,
    VisitFactory,
    stockholm,
)
from visits.models import (
    ChosenMember,
    DelegationMember,
    Person,
    Session,
    SessionExpert,
    SessionInterpreter,
    StaleEdit,
    Visit,
)
from visits.services import session_change_status

EXPERT, INTERPRETER, PARTICIPANT = "expert", "interpreter", "participant"
REQUEST, CANCEL = "request", "cancel"


# --- Helpers ------------------------------------------------------------------------------------------------


@dataclass
class Programme:
    """A published-to-be visit: a morning session for the whole delegation with an expert and an interpreter,
    and an afternoon site visit for one chosen member."""

    visit: Visit
    morning: Session
    afternoon: Session
    expert: Person
    interpreter: Person
    head: DelegationMember
    member: DelegationMember


@pytest.fixture
def programme(db) -> Programme:
    delegation = DelegationFactory.create()
    head = DelegationMemberFactory.create(delegation=delegation, role=DelegationMember.Role.HEAD)
    member = DelegationMemberFactory.create(delegation=delegation)
    visit = VisitFactory.create(delegation=delegation)
    morning = SessionFactory.create(
        visit=visit, title="How the police work", starts_at=stockholm(2027, 3, 23, 9)
    )
    expert = SessionExpertFactory.create(session=morning).person
    interpreter = SessionInterpreterFactory.create(session=morning).person
    afternoon = SessionFactory.create(
        visit=visit,
        title="Visit to a shelter",
        kind=Session.Kind.SITE_VISIT,
        starts_at=stockholm(2027, 3, 23, 14),
        attendance=Session.Attendance.CHOSEN,
    )
    ChosenMember.objects.create(session=afternoon, member=head)
    return Programme(visit, morning, afternoon, expert, interpreter, head, member)


def publish(visit: Visit) -> ProgrammeVersion | None:
    return programme_publish(visit=visit, actor=None)


@pytest.fixture
def published(programme: Programme) -> Programme:
    """The programme after its first publication."""
    assert publish(programme.visit) is not None
    return programme


def edit(session: Session, **fields) -> Session:
    """Change a session as a coordinator would: from a fresh copy (publishing moves its version on)."""
    session.refresh_from_db()
    for name, value in fields.items():
        setattr(session, name, value)
    session.save()
    return session


def kinds(version: ProgrammeVersion) -> list[tuple[str, int]]:
    return [(change.kind, change.session_key) for change in version.changes.order_by("id")]


def concerned(version: ProgrammeVersion, kind: str | None = None) -> set[tuple[int, str, str]]:
    """(person id, role, action) of everyone a version's changes (of one kind) concern."""
    rows = ChangeRecipient.objects.filter(change__version=version)
    if kind is not None:
        rows = rows.filter(change__kind=kind)
    return set(rows.values_list("person_id", "role", "action"))


def sequence_of(session: Session) -> int:
    return Session.objects.values_list("sequence", flat=True).get(pk=session.pk)


def everyone_on_morning(p: Programme, action: str) -> set[tuple[int, str, str]]:
    return {
        (p.expert.pk, EXPERT, action),
        (p.interpreter.pk, INTERPRETER, action),
        (p.head.person_id, PARTICIPANT, action),
        (p.member.person_id, PARTICIPANT, action),
    }


# --- The first publication ----------------------------------------------------------------------------------


class TestFirstPublication:
    def test_every_session_is_added_for_everyone_on_it_and_keeps_its_sequence(self, programme):
        p = programme
        version = programme_publish(visit=p.visit, actor=UserFactory())
        assert version is not None and version.number == 1 and version.published_by is not None
        assert kinds(version) == [(ChangeKind.ADDED, p.morning.pk), (ChangeKind.ADDED, p.afternoon.pk)]
        morning_added = ChangeRecipient.objects.filter(change__version=version, change__session=p.morning)
        assert set(morning_added.values_list("person_id", "role", "action")) == everyone_on_morning(
            p, REQUEST
        )
        afternoon_added = ChangeRecipient.objects.filter(change__version=version, change__session=p.afternoon)
        assert set(afternoon_added.values_list("person_id", "role", "action")) == {
            (p.head.person_id, PARTICIPANT, REQUEST)
        }
        assert sequence_of(p.morning) == 0 and sequence_of(p.afternoon) == 0
        assert set(version.changes.values_list("sequence", flat=True)) == {0}

    def test_the_snapshot_is_the_programme_as_published(self, programme):
        p = programme
        version = publish(p.visit)
        morning = version.snapshot[str(p.morning.pk)]
        assert morning == {
            "id": p.morning.pk,
            "title": "How the police work",
            "title_translations": {},
            "description": "",
            "description_translations": {},
            "kind": "meeting",
            "starts_at": "2027-03-23T08:00:00+00:00",
            "ends_at": "2027-03-23T09:30:00+00:00",
            "venue_id": p.morning.venue_id,
            "venue_name": p.morning.venue.name,
            "status": "tentative",
            "language": "en",
            "sequence": 0,
            "experts": [p.expert.pk],
            "interpreters": [p.interpreter.pk],
            "participants": sorted([p.head.person_id, p.member.person_id]),
        }
        assert version.snapshot[str(p.afternoon.pk)]["participants"] == [p.head.person_id]

    def test_the_visit_becomes_published(self, programme):
        visit = programme.visit
        publish(visit)
        visit.refresh_from_db()
        assert visit.status == Visit.Status.PUBLISHED and visit.first_published_at is not None

    def test_a_session_cancelled_before_it_was_ever_published_is_not_added(self, programme):
        p = programme
        session_change_status(session=p.afternoon, status=Session.Status.CANCELLED)
        version = publish(p.visit)
        assert kinds(version) == [(ChangeKind.ADDED, p.morning.pk)]
        assert version.snapshot[str(p.afternoon.pk)]["status"] == "cancelled"  # on record, concerning nobody

    def test_an_empty_programme_publishes_nothing(self, db):
        visit = VisitFactory()
        assert publish(visit) is None
        visit.refresh_from_db()
        assert visit.status == Visit.Status.DRAFT and not ProgrammeVersion.objects.exists()


# --- Publishing again ---------------------------------------------------------------------------------------


class TestNothingChanged:
    def test_republishing_makes_no_version_and_concerns_nobody(self, published):
        recipients = ChangeRecipient.objects.count()
        assert publish(published.visit) is None
        assert ProgrammeVersion.objects.filter(visit=published.visit).count() == 1
        assert ChangeRecipient.objects.count() == recipients
        assert sequence_of(published.morning) == 0

    def test_saving_a_session_unchanged_is_no_change(self, published):
        edit(published.morning)
        assert publish(published.visit) is None

    def test_confirming_a_session_is_no_change_to_calendars(self, published):
        session_change_status(session=published.morning, status=Session.Status.CONFIRMED)
        assert publish(published.visit) is None


class TestSessionChanges:
    def test_a_moved_session_concerns_everyone_on_it_now(self, published):
        p = published
        edit(p.morning, starts_at=stockholm(2027, 3, 24, 9), ends_at=stockholm(2027, 3, 24, 10))
        version = publish(p.visit)
        assert version.number == 2
        assert kinds(version) == [(ChangeKind.MOVED, p.morning.pk)]
        assert concerned(version) == everyone_on_morning(p, REQUEST)
        change = version.changes.get()
        assert change.before == {
            "starts_at": "2027-03-23T08:00:00+00:00",
            "ends_at": "2027-03-23T09:30:00+00:00",
        }
        assert change.after == {
            "starts_at": "2027-03-24T08:00:00+00:00",
            "ends_at": "2027-03-24T09:00:00+00:00",
        }
        assert change.sequence == 1 and sequence_of(p.morning) == 1 and sequence_of(p.afternoon) == 0
        assert version.snapshot[str(p.morning.pk)]["sequence"] == 1

    def test_a_session_at_another_venue_concerns_everyone_on_it_now(self, published):
        p = published
        venue = VenueFactory(name="Polishuset")
        edit(p.afternoon, venue=venue)
        version = publish(p.visit)
        assert kinds(version) == [(ChangeKind.VENUE_CHANGED, p.afternoon.pk)]
        assert concerned(version) == {(p.head.person_id, PARTICIPANT, REQUEST)}
        assert version.changes.get().after == {"venue_id": venue.pk, "venue_name": "Polishuset"}
        assert sequence_of(p.afternoon) == 1 and sequence_of(p.morning) == 0

    @pytest.mark.parametrize(
        ("field", "value"),
        [("title", "The police and the law"), ("description", "Bring your passport."), ("language", "sv")],
    )
    def test_changed_details_concern_everyone_on_it_now(self, published, field, value):
        p = published
        before = getattr(p.morning, field)
        edit(p.morning, **{field: value})
        version = publish(p.visit)
        assert kinds(version) == [(ChangeKind.DETAILS_CHANGED, p.morning.pk)]
        assert concerned(version) == everyone_on_morning(p, REQUEST)
        change = version.changes.get()
        assert (change.before, change.after) == ({field: before}, {field: value})
        assert sequence_of(p.morning) == 1

    def test_a_cancelled_session_concerns_everyone_who_was_on_it(self, published):
        p = published
        session_change_status(session=p.morning, status=Session.Status.CANCELLED)
        version = publish(p.visit)
        assert kinds(version) == [(ChangeKind.CANCELLED, p.morning.pk)]
        assert concerned(version) == everyone_on_morning(p, CANCEL)
        assert version.changes.get().after == {"status": "cancelled"}
        assert sequence_of(p.morning) == 1

    def test_cancelling_and_removing_people_at_once_still_tells_those_who_were_on_it(self, published):
        p = published
        SessionExpert.objects.filter(session=p.morning).delete()
        session_change_status(session=p.morning, status=Session.Status.CANCELLED)
        version = publish(p.visit)
        assert kinds(version) == [(ChangeKind.CANCELLED, p.morning.pk)]
        assert concerned(version) == everyone_on_morning(p, CANCEL)

    def test_a_deleted_session_is_cancelled_for_everyone_who_was_on_it_and_kept_on_record(self, published):
        p = published
        key = p.morning.pk
        Session.objects.get(pk=key).delete()
        version = publish(p.visit)
        assert kinds(version) == [(ChangeKind.CANCELLED, key)]
        assert concerned(version) == everyone_on_morning(p, CANCEL)
        change = version.changes.get()
        assert change.session is None and change.session_title == "How the police work"
        assert change.sequence == 1 and change.after is None
        assert str(key) not in version.snapshot

    def test_a_cancelled_session_stays_cancelled_without_further_changes(self, published):
        p = published
        session_change_status(session=p.morning, status=Session.Status.CANCELLED)
        publish(p.visit)
        Session.objects.get(pk=p.morning.pk).delete()
        assert publish(p.visit) is None

    def test_a_session_taken_up_again_is_added_with_the_next_sequence(self, published):
        p = published
        session_change_status(session=p.afternoon, status=Session.Status.CANCELLED)
        publish(p.visit)
        session_change_status(session=p.afternoon, status=Session.Status.TENTATIVE)
        version = publish(p.visit)
        assert kinds(version) == [(ChangeKind.ADDED, p.afternoon.pk)]
        assert concerned(version) == {(p.head.person_id, PARTICIPANT, REQUEST)}
        assert version.changes.get().sequence == 2 and sequence_of(p.afternoon) == 2

    def test_a_new_session_is_added_with_its_own_sequence_and_concerns_only_its_people(self, published):
        p = published
        dinner = SessionFactory(
            visit=p.visit,
            kind=Session.Kind.MEAL,
            title="Dinner",
            starts_at=stockholm(2027, 3, 23, 18),
            attendance=Session.Attendance.CHOSEN,
        )
        ChosenMember.objects.create(session=dinner, member=p.member)
        version = publish(p.visit)
        assert kinds(version) == [(ChangeKind.ADDED, dinner.pk)]
        assert concerned(version) == {(p.member.person_id, PARTICIPANT, REQUEST)}
        assert sequence_of(dinner) == 0 and sequence_of(p.morning) == 0

    def test_several_changes_to_one_session_raise_its_sequence_once(self, published):
        p = published
        newcomer = PersonFactory()
        edit(
            p.morning,
            starts_at=stockholm(2027, 3, 24, 9),
            ends_at=stockholm(2027, 3, 24, 10),
            venue=VenueFactory(),
            title="The police and the law",
        )
        SessionExpertFactory(session=p.morning, person=newcomer)
        version = publish(p.visit)
        assert [kind for kind, _ in kinds(version)] == [
            ChangeKind.MOVED,
            ChangeKind.VENUE_CHANGED,
            ChangeKind.DETAILS_CHANGED,
            ChangeKind.PERSON_ADDED,
        ]
        assert set(version.changes.values_list("sequence", flat=True)) == {1}
        assert sequence_of(p.morning) == 1
        assert concerned(version, ChangeKind.PERSON_ADDED) == {(newcomer.pk, EXPERT, REQUEST)}
        assert concerned(version, ChangeKind.MOVED) == everyone_on_morning(p, REQUEST) | {
            (newcomer.pk, EXPERT, REQUEST)
        }

    def test_each_publication_raises_a_changed_session_once_more(self, published):
        p = published
        edit(p.morning, title="Second title")
        publish(p.visit)
        edit(p.morning, title="Third title")
        version = publish(p.visit)
        assert version.number == 3 and version.changes.get().sequence == 2 and sequence_of(p.morning) == 2


class TestPeopleChanges:
    def test_an_expert_added_concerns_only_that_expert(self, published):
        p = published
        newcomer = SessionExpertFactory(session=p.morning).person
        version = publish(p.visit)
        assert kinds(version) == [(ChangeKind.PERSON_ADDED, p.morning.pk)]
        assert concerned(version) == {(newcomer.pk, EXPERT, REQUEST)}
        assert version.changes.get().after == {"experts": [newcomer.pk]}
        assert sequence_of(p.morning) == 1

    def test_an_expert_removed_concerns_only_that_expert(self, published):
        p = published
        SessionExpert.objects.filter(session=p.morning, person=p.expert).delete()
        version = publish(p.visit)
        assert kinds(version) == [(ChangeKind.PERSON_REMOVED, p.morning.pk)]
        assert concerned(version) == {(p.expert.pk, EXPERT, CANCEL)}
        assert version.changes.get().before == {"experts": [p.expert.pk]}
        assert sequence_of(p.morning) == 1

    def test_interpreters_added_and_removed(self, published):
        p = published
        SessionInterpreter.objects.filter(session=p.morning).delete()
        newcomer = SessionInterpreterFactory(session=p.morning).person
        version = publish(p.visit)
        assert kinds(version) == [
            (ChangeKind.PERSON_REMOVED, p.morning.pk),
            (ChangeKind.PERSON_ADDED, p.morning.pk),
        ]
        assert concerned(version, ChangeKind.PERSON_REMOVED) == {(p.interpreter.pk, INTERPRETER, CANCEL)}
        assert concerned(version, ChangeKind.PERSON_ADDED) == {(newcomer.pk, INTERPRETER, REQUEST)}
        assert sequence_of(p.morning) == 1

    def test_chosen_attendees_added_and_removed(self, published):
        p = published
        ChosenMember.objects.filter(session=p.afternoon).delete()
        ChosenMember.objects.create(session=p.afternoon, member=p.member)
        version = publish(p.visit)
        assert concerned(version, ChangeKind.PERSON_REMOVED) == {(p.head.person_id, PARTICIPANT, CANCEL)}
        assert concerned(version, ChangeKind.PERSON_ADDED) == {(p.member.person_id, PARTICIPANT, REQUEST)}
        assert sequence_of(p.afternoon) == 1 and sequence_of(p.morning) == 0

    def test_a_new_delegation_member_is_added_to_every_session_of_the_whole_delegation(self, published):
        p = published
        newcomer = DelegationMemberFactory(delegation=p.visit.delegation)
        version = publish(p.visit)
        assert kinds(version) == [
            (ChangeKind.PERSON_ADDED, p.morning.pk)
        ]  # not the afternoon: chosen members
        assert concerned(version) == {(newcomer.person_id, PARTICIPANT, REQUEST)}

    def test_attendance_narrowed_to_chosen_members_removes_the_others(self, published):
        p = published
        ChosenMember.objects.create(session=p.morning, member=p.head)
        edit(p.morning, attendance=Session.Attendance.CHOSEN)
        version = publish(p.visit)
        assert kinds(version) == [(ChangeKind.PERSON_REMOVED, p.morning.pk)]
        assert concerned(version) == {(p.member.person_id, PARTICIPANT, CANCEL)}

    def test_attendance_mode_changed_with_the_same_people_is_no_change(self, published):
        p = published
        ChosenMember.objects.create(session=p.morning, member=p.head)
        ChosenMember.objects.create(session=p.morning, member=p.member)
        edit(p.morning, attendance=Session.Attendance.CHOSEN)
        assert publish(p.visit) is None

    def test_a_person_on_a_session_in_two_roles_is_told_once_in_the_first_role(self, programme):
        # The delegation's own interpreter is a member, and is booked as the session's interpreter too.
        p = programme
        SessionInterpreterFactory(session=p.morning, person=p.member.person)
        version = publish(p.visit)
        morning = ChangeRecipient.objects.filter(change__version=version, change__session=p.morning)
        assert set(morning.filter(person=p.member.person).values_list("role", flat=True)) == {INTERPRETER}


# --- The pure core ------------------------------------------------------------------------------------------


def snapshot(ident: int, **fields) -> SessionSnapshot:
    base: SessionSnapshot = {
        "id": ident,
        "title": f"Session {ident}",
        "description": "",
        "kind": "meeting",
        "starts_at": "2027-03-23T08:00:00+00:00",
        "ends_at": "2027-03-23T09:00:00+00:00",
        "venue_id": 1,
        "venue_name": "Polishuset",
        "status": "tentative",
        "language": "en",
        "sequence": 0,
        "experts": [],
        "interpreters": [],
        "participants": [],
    }
    return {**base, **fields}  # type: ignore[typeddict-item]


class TestComputeChanges:
    def test_a_participant_who_now_leads_the_session_is_added_as_expert_and_not_cancelled(self):
        before = {"1": snapshot(1, experts=[5], participants=[7, 8])}
        after = {"1": snapshot(1, experts=[5, 7], participants=[8])}
        [change] = compute_changes(before, after)
        assert change.kind == ChangeKind.PERSON_ADDED and change.sequence == 1
        assert [(r.person_id, r.role, r.action) for r in change.recipients] == [(7, EXPERT, REQUEST)]

    def test_a_renamed_venue_is_not_a_session_moved_to_another_venue(self):
        before = {"1": snapshot(1)}
        assert compute_changes(before, {"1": snapshot(1, venue_name="Polishuset Kungsholmen")}) == []

    def test_changes_come_in_programme_order(self):
        current = {
            "2": snapshot(2, starts_at="2027-03-23T07:00:00+00:00"),
            "1": snapshot(1, starts_at="2027-03-23T10:00:00+00:00"),
        }
        assert [c.session_id for c in compute_changes(None, current)] == [2, 1]

    def test_the_change_set_is_json(self):
        import json

        before = {"1": snapshot(1, experts=[5])}
        after = {"1": snapshot(1, experts=[6], title="New", starts_at="2027-03-23T09:00:00+00:00")}
        for change in compute_changes(before, after):
            json.dumps([change.before, change.after])


# --- The ORM side: snapshots, locking, conflicts, reading ---------------------------------------------------


def add_sessions(visit: Visit, count: int, members: list[DelegationMember]) -> None:
    """`count` sessions, one an hour from 07:00 over the visit's days, each with people in every role."""
    for index in range(count):
        day, hour = divmod(index, 14)
        starts_at = stockholm(2027, 3, 22 + day, 7 + hour)
        session = SessionFactory.create(
            visit=visit,
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(minutes=50),
            attendance=Session.Attendance.CHOSEN if index % 2 else Session.Attendance.DELEGATION,
        )
        SessionExpertFactory.create(session=session)
        SessionInterpreterFactory.create(session=session)
        if index % 2:
            ChosenMember.objects.create(session=session, member=members[index % len(members)])


class TestSnapshotQueries:
    @pytest.mark.parametrize("count", [5, 50])
    def test_reading_the_programme_takes_the_same_queries_for_5_or_50_sessions(
        self, db, django_assert_num_queries, count
    ):
        delegation = DelegationFactory()
        members = DelegationMemberFactory.create_batch(3, delegation=delegation)
        visit = VisitFactory(delegation=delegation)
        add_sessions(visit, count, members)
        # Sessions with their venues; who is on them, in every role (visits.roster, one query).
        with django_assert_num_queries(2):
            result = programme_snapshot(visit)
        assert len(result) == count


class TestOptimisticLocking:
    def test_a_copy_opened_before_publishing_cannot_save_over_the_raised_sequence(self, published):
        p = published
        stale = Session.objects.get(pk=p.morning.pk)
        edit(p.morning, title="Moved to the afternoon")
        publish(p.visit)
        stale.description = "An edit from an old copy"
        with pytest.raises(StaleEdit):
            stale.save()
        assert sequence_of(p.morning) == 1


class TestFatalConflicts:
    def test_a_double_booked_expert_blocks_publishing(self, programme):
        p = programme
        clash = SessionFactory(
            visit=p.visit, title="Clashing talk", starts_at=p.morning.starts_at, ends_at=p.morning.ends_at
        )
        SessionExpertFactory(session=clash, person=p.expert)
        with pytest.raises(PublishBlocked) as blocked:
            publish(p.visit)
        assert blocked.value.conflicts
        assert "Clashing talk" in str(blocked.value) and "How the police work" in str(blocked.value)
        assert not ProgrammeVersion.objects.exists()
        p.visit.refresh_from_db()
        assert p.visit.status == Visit.Status.DRAFT


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_publishing_at_once_make_one_version(programme: Programme) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "Needs PostgreSQL's row locks; SQLite serialises writers differently (CI runs PostgreSQL)."
        )
    barrier = threading.Barrier(2)
    results: list[ProgrammeVersion | None] = []
    errors: list[BaseException] = []

    def publish_in_thread() -> None:
        try:
            visit = Visit.objects.get(pk=programme.visit.pk)
            barrier.wait(timeout=10)
            results.append(programme_publish(visit=visit, actor=None))
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=publish_in_thread) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert len(results) == 2 and sum(result is not None for result in results) == 1
    assert list(ProgrammeVersion.objects.filter(visit=programme.visit).values_list("number", flat=True)) == [
        1
    ]
    assert ProgrammeChange.objects.filter(version__visit=programme.visit).count() == 2


class TestReading:
    def test_versions_newest_first_with_their_change_counts(self, published, django_assert_num_queries):
        p = published
        edit(p.morning, title="Renamed")
        edit(p.afternoon, title="Renamed too")
        publish(p.visit)
        with django_assert_num_queries(1):
            rows = [(v.number, v.change_count) for v in versions_for_visit(p.visit)]
        assert rows == [(2, 2), (1, 2)]

    def test_changes_of_a_version_with_the_people_they_concern(self, published, django_assert_num_queries):
        version = ProgrammeVersion.objects.get(visit=published.visit)
        with django_assert_num_queries(2):
            rows = [
                (change.kind, sorted(r.person.name for r in change.recipients.all()))
                for change in changes_of_version(version)
            ]
        assert [kind for kind, _ in rows] == [ChangeKind.ADDED, ChangeKind.ADDED]
        assert rows[1][1] == [published.head.person.name]

    def test_the_coordinator_sees_a_version_and_its_people_in_the_admin_but_cannot_edit_it(
        self, published, admin_client
    ):
        version = ProgrammeVersion.objects.get(visit=published.visit)
        page = admin_client.get(reverse("admin:scheduling_programmeversion_change", args=[version.pk]))
        assert page.status_code == 200
        html = page.content.decode()
        assert published.expert.name in html and "How the police work" in html
        assert "Save" not in html
        assert admin_client.get(reverse("admin:scheduling_programmeversion_changelist")).status_code == 200
        change = version.changes.first()
        page = admin_client.get(reverse("admin:scheduling_programmechange_change", args=[change.pk]))
        assert page.status_code == 200 and published.expert.name in page.content.decode()
        assert admin_client.get(reverse("admin:scheduling_programmeversion_add")).status_code == 403


@pytest.mark.parametrize(
    "model",
    ["experthours", "availabilityexception", "traveltime", "citytraveltime", "conflictacknowledgement"],
)
def test_the_scheduling_tables_have_admin_pages(admin_client, model):
    assert admin_client.get(reverse(f"admin:scheduling_{model}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:scheduling_{model}_add")).status_code == 200


@pytest.mark.django_db
def test_publishing_a_cancelled_visit_cancels_every_session_for_everyone_on_it():
    from scheduling.models import ChangeRecipient, ProgrammeChange
    from scheduling.publishing import programme_publish
    from tests.factories import SessionExpertFactory, SessionFactory
    from visits.models import Visit
    from visits.services import visit_change_status

    first = SessionFactory()
    second = SessionFactory(
        visit=first.visit,
        venue=first.venue,
        starts_at=first.ends_at,
        ends_at=first.ends_at + (first.ends_at - first.starts_at),
    )
    expert = SessionExpertFactory(session=first)
    visit = first.visit
    assert programme_publish(visit=visit, actor=None) is not None
    visit = visit_change_status(visit=visit, status=Visit.Status.CANCELLED)
    version = programme_publish(visit=visit, actor=None)
    assert version is not None
    changes = ProgrammeChange.objects.filter(version=version)
    assert {(c.kind, c.session_key) for c in changes} == {("cancelled", first.pk), ("cancelled", second.pk)}
    assert set(
        ChangeRecipient.objects.filter(change__version=version).values_list("person_id", "action")
    ) >= {(expert.person_id, "cancel")}
    assert visit.sessions.count() == 2
