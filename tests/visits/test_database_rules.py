"""The database itself enforces the domain's rules: each insert or update below fails in the database."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models.deletion import ProtectedError

from tests.factories import (
    DelegationMemberFactory,
    PersonFactory,
    SessionExpertFactory,
    SessionFactory,
    SessionInterpreterFactory,
    VisitFactory,
    stockholm,
)
from visits.models import Person, Session, Visit
from visits.services import visit_change_status

pytestmark = pytest.mark.django_db


def publish(visit: Visit) -> None:
    visit_change_status(visit=visit, status=Visit.Status.PUBLISHED)


class TestSessionTimes:
    def test_a_session_that_ends_before_it_starts_is_refused(self):
        visit = VisitFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            Session.objects.create(
                visit=visit,
                title="Backwards",
                starts_at=stockholm(2027, 3, 23, 10),
                ends_at=stockholm(2027, 3, 23, 9),
            )

    def test_a_session_of_no_length_is_refused(self):
        visit = VisitFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            Session.objects.create(
                visit=visit,
                title="Empty",
                starts_at=stockholm(2027, 3, 23, 9),
                ends_at=stockholm(2027, 3, 23, 9),
            )

    def test_a_session_outside_its_visits_dates_is_refused(self):
        visit = VisitFactory(starts_on=dt.date(2027, 3, 22), ends_on=dt.date(2027, 3, 26))
        with pytest.raises(IntegrityError, match="session_within_visit_dates"), transaction.atomic():
            Session.objects.create(
                visit=visit,
                title="Too late",
                starts_at=stockholm(2027, 3, 27, 9),
                ends_at=stockholm(2027, 3, 27, 10),
            )

    def test_the_visits_last_evening_in_its_own_zone_is_inside(self):
        # 23:00-23:59 local on the last day is 22:00-22:59 UTC: inside, although a UTC date check would agree
        # too; the first hour of the first day (00:30 local, the day before in UTC) is the telling case.
        visit = VisitFactory(starts_on=dt.date(2027, 3, 22), ends_on=dt.date(2027, 3, 26))
        Session.objects.create(
            visit=visit,
            title="Early",
            starts_at=stockholm(2027, 3, 22, 0, 30),
            ends_at=stockholm(2027, 3, 22, 1),
        )
        Session.objects.create(
            visit=visit, title="Late", starts_at=stockholm(2027, 3, 26, 23), ends_at=stockholm(2027, 3, 27, 0)
        )
        with pytest.raises(IntegrityError), transaction.atomic():
            Session.objects.create(
                visit=visit,
                title="Past midnight",
                starts_at=stockholm(2027, 3, 26, 23),
                ends_at=stockholm(2027, 3, 27, 0, 1),
            )

    def test_a_session_marked_outside_may_be_outside(self):
        visit = VisitFactory(starts_on=dt.date(2027, 3, 22), ends_on=dt.date(2027, 3, 26))
        session = Session.objects.create(
            visit=visit,
            title="Arrival dinner",
            starts_at=stockholm(2027, 3, 21, 19),
            ends_at=stockholm(2027, 3, 21, 21),
            outside_visit_dates=True,
        )
        assert session.pk

    def test_moving_a_session_out_of_its_visit_is_refused(self):
        session = SessionFactory()
        session.starts_at = stockholm(2027, 4, 1, 9)
        session.ends_at = stockholm(2027, 4, 1, 10)
        with pytest.raises(IntegrityError), transaction.atomic():
            session.save()

    def test_a_session_left_outside_by_shortened_visit_can_still_be_edited(self):
        # A draft may be in any state: shortening the visit is allowed, and scheduling reports the session.
        session = SessionFactory(starts_at=stockholm(2027, 3, 26, 9), ends_at=stockholm(2027, 3, 26, 10))
        visit = session.visit
        visit.ends_on = dt.date(2027, 3, 25)
        visit.save()
        session.refresh_from_db()
        session.title = "Renamed"
        session.save()
        assert Session.objects.get(pk=session.pk).title == "Renamed"

    def test_a_session_across_the_spring_switch_has_its_true_length(self):
        visit = VisitFactory(starts_on=dt.date(2027, 3, 26), ends_on=dt.date(2027, 3, 29))
        session = SessionFactory(
            visit=visit, starts_at=stockholm(2027, 3, 28, 1, 30), ends_at=stockholm(2027, 3, 28, 3, 30)
        )
        session.refresh_from_db()
        assert session.duration == dt.timedelta(hours=1)
        assert session.starts_at.tzinfo is not None


class TestPeople:
    def test_e_mail_is_unique_whatever_its_case(self):
        PersonFactory(email="Anna.Berg@Example.org")
        with pytest.raises(IntegrityError), transaction.atomic():
            Person.objects.create(name="Someone else", email="anna.berg@example.ORG")

    def test_a_person_from_a_published_programme_cannot_be_deleted(self):
        expert = SessionExpertFactory()
        publish(expert.session.visit)
        with pytest.raises(ProtectedError, match="published"):
            expert.person.delete()
        assert Person.objects.filter(pk=expert.person.pk).exists()

    def test_the_database_refuses_a_raw_delete_of_a_referenced_person(self):
        expert = SessionExpertFactory()
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            # Django's foreign keys are checked at commit on both backends; make them check now.
            if connection.vendor == "postgresql":
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("DELETE FROM visits_person WHERE id = %s", [expert.person.pk])
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA foreign_key_check")
                if cursor.fetchall():
                    raise IntegrityError("foreign key check failed")

    def test_an_interpreter_or_member_of_a_published_programme_cannot_be_deleted(self):
        interpreter = SessionInterpreterFactory()
        member = DelegationMemberFactory(delegation=interpreter.session.visit.delegation)
        publish(interpreter.session.visit)
        with pytest.raises(ProtectedError, match="interpreted"):
            interpreter.person.delete()
        with pytest.raises(ProtectedError, match="member of"):
            member.person.delete()

    def test_a_person_only_in_a_draft_can_be_deleted(self):
        expert = SessionExpertFactory()
        expert.person.delete()
        assert not Person.objects.filter(pk=expert.person.pk).exists()
        assert Session.objects.filter(pk=expert.session.pk).exists()


class TestVisits:
    def test_a_visit_cannot_end_before_it_starts(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            VisitFactory(starts_on=dt.date(2027, 3, 22), ends_on=dt.date(2027, 3, 21))

    def test_a_study_visit_needs_a_delegation(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            VisitFactory(kind=Visit.Kind.STUDY_VISIT, delegation=None)

    def test_a_seminar_abroad_may_have_an_open_audience(self):
        visit = VisitFactory(kind=Visit.Kind.SEMINAR_ABROAD, delegation=None, audience="Open to NGOs")
        assert visit.pk

    def test_an_unknown_status_is_refused(self):
        visit = VisitFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            Visit.objects.filter(pk=visit.pk).update(status="postponed")

    def test_cancelling_a_visit_keeps_its_sessions(self):
        session = SessionFactory()
        visit = session.visit
        publish(visit)
        visit_change_status(visit=visit, status=Visit.Status.CANCELLED)
        visit.refresh_from_db()
        assert visit.status == Visit.Status.CANCELLED
        assert list(visit.sessions.all()) == [session]

    def test_a_published_visit_cannot_be_deleted(self):
        session = SessionFactory()
        publish(session.visit)
        with pytest.raises(ProtectedError, match="Cancel the visit instead"):
            session.visit.delete()

    def test_a_draft_visit_is_deleted_with_its_sessions(self):
        session = SessionFactory()
        session.visit.delete()
        assert not Session.objects.filter(pk=session.pk).exists()

    def test_the_window_follows_the_visits_zone(self):
        visit = VisitFactory(
            starts_on=dt.date(2027, 2, 15), ends_on=dt.date(2027, 2, 16), time_zone="Asia/Kathmandu"
        )
        assert visit.window_starts_at == dt.datetime(2027, 2, 14, 18, 15, tzinfo=dt.UTC)
        assert visit.window_ends_at == dt.datetime(2027, 2, 16, 18, 15, tzinfo=dt.UTC)


class TestOptimisticLocking:
    def test_an_edit_from_a_stale_copy_is_refused_and_the_newer_edit_kept(self):
        from visits.models import StaleEdit

        session = SessionFactory(title="Original")
        mine = Session.objects.get(pk=session.pk)
        theirs = Session.objects.get(pk=session.pk)
        theirs.title = "Theirs"
        theirs.save()
        mine.title = "Mine"
        with pytest.raises(StaleEdit, match="changed by someone else"):
            mine.save()
        assert Session.objects.get(pk=session.pk).title == "Theirs"

    def test_consecutive_edits_from_a_fresh_copy_succeed(self):
        session = SessionFactory()
        for title in ["One", "Two", "Three"]:
            session.title = title
            session.save()
        session.refresh_from_db()
        assert (session.title, session.revision) == ("Three", 4)


class TestOverlapping:
    def test_overlapping_finds_exactly_the_sessions_that_share_time(self):
        visit = VisitFactory()
        before = SessionFactory(
            visit=visit, starts_at=stockholm(2027, 3, 23, 8), ends_at=stockholm(2027, 3, 23, 9)
        )
        during = SessionFactory(
            visit=visit, starts_at=stockholm(2027, 3, 23, 9), ends_at=stockholm(2027, 3, 23, 11)
        )
        inside = SessionFactory(
            visit=visit, starts_at=stockholm(2027, 3, 23, 9, 30), ends_at=stockholm(2027, 3, 23, 9, 45)
        )
        after = SessionFactory(
            visit=visit, starts_at=stockholm(2027, 3, 23, 10), ends_at=stockholm(2027, 3, 23, 12)
        )
        found = set(Session.objects.overlapping(stockholm(2027, 3, 23, 9), stockholm(2027, 3, 23, 10)))
        assert found == {during, inside}
        assert before not in found and after not in found
