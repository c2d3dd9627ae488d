"""The link of an expert taken off the session says so, in the expert's language, with nothing to answer:
never a 500, and never another person's data for a link that is not genuine."""

import pytest

from responses.models import TakenOff
from tests.factories import PersonFactory, SessionFactory
from tests.responses.conftest import answer_link, deliver_due, expert_row
from visits.models import Person, SessionExpert
from visits.services import session_expert_remove, session_expert_update, session_experts_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def link(lead, smtp) -> str:
    deliver_due()
    (invitation,) = [r for r in smtp.handler.received if r.rcpt_tos == [lead.expert.email]]
    return answer_link(invitation.raw)


def test_a_link_of_an_expert_taken_off_says_so_in_english(lead, link, client):
    session_expert_remove(expert=expert_row(lead), actor=None)
    response = client.get(link)
    page = response.content.decode()
    assert response.status_code == 200 and response["Content-Language"] == "en"
    assert "You are no longer on this session" in page and "nothing to answer" in page
    assert "How the police work" in page  # the session they were asked to lead
    assert 'value="confirm"' not in page and "fresh link" not in page
    assert client.post(link, {"action": "confirm"}).status_code == 400
    assert not SessionExpert.objects.filter(person=lead.expert).exists()


def test_a_link_of_an_expert_taken_off_says_so_in_swedish(lead, link, client):
    Person.objects.filter(pk=lead.expert.pk).update(preferred_language="sv")
    session_experts_set(session=lead.morning, people=[], actor=None)  # the planner's form takes them off
    response = client.get(link)
    page = response.content.decode()
    assert response["Content-Language"] == "sv"
    assert "Du är inte längre med på den här programpunkten" in page and "inget att svara på" in page


def test_a_link_whose_row_moved_to_another_session_says_taken_off(lead, link, client):
    other = SessionFactory(visit=lead.visit, title="Another session")
    session_expert_update(expert=expert_row(lead), data={"session": other}, actor=None)
    page = client.get(link).content.decode()
    assert "You are no longer on this session" in page and "How the police work" in page
    assert "Another session" not in page


def test_a_link_whose_row_went_to_another_person_shows_nothing_of_theirs(lead, link, client):
    other = PersonFactory(name="Olle Someone Else")
    session_expert_update(expert=expert_row(lead), data={"person": other}, actor=None)
    page = client.get(link).content.decode()
    assert "You are no longer on this session" in page and "Olle Someone Else" not in page


def test_an_altered_link_to_a_removed_row_is_only_invalid(lead, link, client):
    session_expert_remove(expert=expert_row(lead), actor=None)
    altered = link[:-3] + ("000/" if not link.endswith("000/") else "111/")
    page = client.get(altered).content.decode()
    assert client.get(altered).status_code == 200
    assert "This link does not work" in page and "How the police work" not in page


def test_an_expert_put_back_on_the_session_is_not_told_they_are_off(lead, link, client):
    session_expert_remove(expert=expert_row(lead), actor=None)
    session_experts_set(session=lead.morning, people=[lead.expert.pk], actor=None)
    page = client.get(link).content.decode()
    assert "You are no longer on this session" not in page


def test_a_session_deleted_with_its_experts_leaves_no_record_and_no_error(lead, link, client):
    from visits.models import Session

    Session.objects.filter(pk=lead.morning.pk).delete()
    assert not TakenOff.objects.exists()
    assert client.get(link).status_code == 200
