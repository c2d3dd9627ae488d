"""The reused reads: which sessions a participant is on, whether a session counts as cancelled, and who a
typed e-mail address names."""

import pytest

from tests.factories import DelegationMemberFactory, PersonFactory, SessionFactory, VisitFactory
from visits.models import ChosenMember, Session, VisitStatus
from visits.selectors import person_with_email, session_cancelled

pytestmark = pytest.mark.django_db


def test_a_member_is_on_what_the_whole_delegation_attends_and_on_what_they_were_chosen_for():
    visit = VisitFactory()
    chosen, other = (DelegationMemberFactory(delegation=visit.delegation) for _ in range(2))
    everyone = SessionFactory(visit=visit, title="Everyone")
    picked = SessionFactory(visit=visit, title="Picked", attendance=Session.Attendance.CHOSEN)
    ChosenMember.objects.create(session=picked, member=chosen)
    SessionFactory(title="Another delegation's visit")

    def titles(person):
        return set(Session.objects.with_participant(person).values_list("title", flat=True))

    assert titles(chosen.person) == {"Everyone", "Picked"}
    assert titles(other.person) == {"Everyone"}
    assert titles(PersonFactory()) == set()
    assert everyone.attendance == Session.Attendance.DELEGATION


def test_a_session_is_cancelled_by_its_own_status_or_by_its_visit():
    session = SessionFactory()
    assert not session_cancelled(session)
    session.status = Session.Status.CANCELLED
    assert session_cancelled(session)
    session.status = Session.Status.CONFIRMED
    session.visit.status = VisitStatus.CANCELLED
    assert session_cancelled(session)


def test_a_typed_address_names_its_person_trimmed_and_in_any_case_and_a_blank_names_nobody():
    anna = PersonFactory(email="Anna.Berg@polisen.example")
    PersonFactory(email="")
    assert person_with_email("  ANNA.BERG@polisen.example ") == anna
    assert person_with_email("someone.else@polisen.example") is None
    # A blank address names nobody, not the people who have none.
    assert person_with_email("   ") is None
