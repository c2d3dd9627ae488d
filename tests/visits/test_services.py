import pytest
from django.core.exceptions import ValidationError

from tests.factories import SessionFactory, VisitFactory
from visits.models import Session, Visit
from visits.services import InvalidTransition, session_change_status, visit_change_status

pytestmark = pytest.mark.django_db


def test_publishing_a_visit_records_when_it_was_first_published():
    visit = visit_change_status(visit=VisitFactory(), status=Visit.Status.PUBLISHED)
    assert visit.first_published_at is not None
    first = visit.first_published_at
    visit = visit_change_status(visit=visit, status=Visit.Status.UNDER_WAY)
    assert visit.first_published_at == first


def test_a_completed_visit_cannot_go_back_and_the_error_names_the_field():
    visit = VisitFactory(status=Visit.Status.COMPLETED)
    with pytest.raises(InvalidTransition) as caught:
        visit_change_status(visit=visit, status=Visit.Status.DRAFT)
    assert "status" in caught.value.message_dict
    assert "Completed" in caught.value.message_dict["status"][0]


def test_a_cancelled_session_can_be_reinstated_as_tentative_only():
    session = SessionFactory(status=Session.Status.CANCELLED)
    with pytest.raises(InvalidTransition):
        session_change_status(session=session, status=Session.Status.CONFIRMED)
    assert session_change_status(session=session, status=Session.Status.TENTATIVE).status == "tentative"


def test_model_validation_names_the_field_of_a_session_outside_the_visit():
    session = SessionFactory.build(visit=VisitFactory(), venue=None)
    session.starts_at = session.starts_at.replace(year=2028)
    session.ends_at = session.ends_at.replace(year=2028)
    with pytest.raises(ValidationError) as caught:
        session.full_clean()
    assert "starts_at" in caught.value.message_dict
    assert "outside the visit" in caught.value.message_dict["starts_at"][0]


def test_model_validation_of_a_duplicate_e_mail_says_so():
    from tests.factories import PersonFactory
    from visits.models import Person

    PersonFactory(email="expert@example.org")
    with pytest.raises(ValidationError) as caught:
        Person(name="Copy", email="EXPERT@example.org").full_clean()
    assert "already exists" in str(caught.value)


def test_an_unknown_language_or_time_zone_is_named_in_the_error():
    from tests.factories import PersonFactory

    person = PersonFactory.build(preferred_language="xx", home_time_zone="Mars/Olympus", organisation=None)
    with pytest.raises(ValidationError) as caught:
        person.full_clean()
    assert set(caught.value.message_dict) >= {"preferred_language", "home_time_zone"}


def test_a_chosen_attendee_must_belong_to_the_visits_delegation():
    from tests.factories import DelegationMemberFactory
    from visits.models import ChosenMember

    session = SessionFactory()
    stranger = DelegationMemberFactory()
    with pytest.raises(ValidationError) as caught:
        ChosenMember(session=session, member=stranger).full_clean()
    assert "member" in caught.value.message_dict
    insider = DelegationMemberFactory(delegation=session.visit.delegation)
    ChosenMember(session=session, member=insider).full_clean()
