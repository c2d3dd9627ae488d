"""Every writer of an expert's answer goes through responses.answers.answer_move: after each, the row's state
and its history agree (the latest line of history is the row's state, with the door it came through and who
moved it), and the row counts only the answers the expert gave."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from rest_framework.test import APIClient

from responses.models import ExpertAnswer
from tests.responses.conftest import answer_link, deliver_due, edit, expert_row, publish
from tests.responses.test_reminders_and_notices import later
from tests.visits.test_admin import change_form_data
from visits.models import AWAITING_ANSWER, SessionExpert
from visits.services import session_experts_set

pytestmark = pytest.mark.django_db


def latest(expert: SessionExpert) -> ExpertAnswer | None:
    return ExpertAnswer.history.filter(expert=expert).order_by("-pk").first()


def assert_history_agrees() -> None:
    """For every expert on every session: the latest line of history is the row's state (a row without history
    was never moved: it is not asked yet), and the row counts the answers the expert gave, no more."""
    for expert in SessionExpert.objects.all():
        line = latest(expert)
        if line is None:
            assert expert.response == SessionExpert.Response.NOT_ASKED, expert
        else:
            assert line.response == expert.response, (expert, line)
            assert (expert.responded_at is None) == (expert.response in AWAITING_ANSWER), expert
        assert expert.answers == ExpertAnswer.objects.filter(expert=expert).count(), expert


def assert_moved(expert: SessionExpert, *, to: str, door: str, actor: User | None = None) -> ExpertAnswer:
    expert.refresh_from_db()
    line = latest(expert)
    assert line is not None
    assert (expert.response, line.response, line.channel, line.recorded_by) == (to, to, door, actor)
    assert line.is_answer == (door in ("link", "phone", "api"))
    assert_history_agrees()
    return line


def the_link(lead, smtp) -> str:
    deliver_due()
    (invitation,) = [r for r in smtp.handler.received if r.rcpt_tos == [lead.expert.email]]
    return answer_link(invitation.raw)


def coordinator_client(lead, client):
    coordinator = lead.visit.coordinators.get()
    coordinator.is_superuser = True
    coordinator.save()
    client.force_login(coordinator)
    return coordinator


def test_publishing_invites_the_expert_through_the_reminder_door(lead):
    line = assert_moved(expert_row(lead), to="invited", door="reminder")
    assert not line.is_answer and expert_row(lead).answers == 0


@pytest.mark.parametrize(
    "data, answer",
    [
        ({"action": "confirm"}, "confirmed"),
        ({"action": "decline", "note": "Away."}, "declined"),
        ({"action": "propose", "date_1": "2027-03-24", "start_1": "13:00", "end_1": "14:30"}, "proposed"),
    ],
)
def test_an_answer_on_the_answer_page(lead, smtp, client, data, answer):
    assert client.post(the_link(lead, smtp), data).status_code == 302
    line = assert_moved(expert_row(lead), to=answer, door="link")
    assert line.is_answer and expert_row(lead).answers == 1


def test_passing_to_a_colleague_moves_both_rows(lead, smtp, client):
    data = {"action": "pass", "colleague_name": "Jonas Ek", "colleague_email": "jonas.ek@polisen.example.se"}
    assert client.post(the_link(lead, smtp), data).status_code == 302
    passed = assert_moved(expert_row(lead), to="passed", door="link")
    assert passed.colleague is not None and passed.colleague.name == "Jonas Ek"
    colleague = SessionExpert.objects.get(session=lead.morning, person=passed.colleague)
    assert_moved(colleague, to="invited", door="colleague")
    assert colleague.answers == 0


def test_a_coordinator_records_an_answer_by_phone_and_asks_again_in_the_admin(lead, client):
    coordinator = coordinator_client(lead, client)
    expert = expert_row(lead)
    url = reverse("admin:visits_sessionexpert_change", args=[expert.pk])
    data = change_form_data(client.get(url))
    response = client.post(url, {**data, "response": "confirmed", "note": "Said yes on the phone."})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert_moved(expert, to="confirmed", door="phone", actor=coordinator)
    assert expert.note == "Said yes on the phone." and expert.answers == 1
    data = change_form_data(client.get(url))
    assert client.post(url, {**data, "response": "invited"}).status_code == 302
    line = assert_moved(expert, to="invited", door="admin", actor=coordinator)
    assert not line.is_answer and expert.answers == 1  # asking again is not an answer


def test_the_admin_offers_only_the_allowed_moves(lead, client):
    coordinator_client(lead, client)
    url = reverse("admin:visits_sessionexpert_change", args=[expert_row(lead).pk])
    response = client.get(url)
    offered = [value for value, _label in response.context["adminform"].form.fields["response"].choices]
    assert "not_asked" not in offered and "invited" in offered and "confirmed" in offered
    response = client.post(url, {**change_form_data(response), "response": "not_asked"})
    assert response.status_code == 200 and "response" in response.context["adminform"].form.errors
    assert_moved(expert_row(lead), to="invited", door="reminder")


def test_a_coordinator_records_an_answer_on_the_session_page(lead, client):
    coordinator = coordinator_client(lead, client)
    url = reverse("admin:visits_session_change", args=[lead.morning.pk])
    data = change_form_data(client.get(url))
    (field,) = [name for name in data if name.endswith("-response")]
    data[field] = "declined"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert_moved(expert_row(lead), to="declined", door="phone", actor=coordinator)


def test_a_session_moved_and_published_again_asks_the_expert_again(lead, smtp, client):
    client.post(the_link(lead, smtp), {"action": "confirm"})
    assert_moved(expert_row(lead), to="confirmed", door="link")
    edit(lead.morning, starts_at=lead.morning.starts_at + dt.timedelta(hours=1))
    edit(lead.morning, ends_at=lead.morning.ends_at + dt.timedelta(hours=1))
    publish(lead.visit)
    line = assert_moved(expert_row(lead), to="invited", door="reminder")
    assert not line.is_answer and expert_row(lead).answers == 1


def test_reminders_change_no_answer_and_stop_after_one(lead, smtp, client):
    deliver_due()
    with later(3, 1):
        deliver_due()  # the first reminder
    assert_moved(expert_row(lead), to="invited", door="reminder")
    with later(4):
        client.post(answer_link(smtp.handler.received[-1].raw), {"action": "decline"})
    assert_moved(expert_row(lead), to="declined", door="link")
    with later(30):
        deliver_due()
    assert_moved(expert_row(lead), to="declined", door="link")


def test_the_api_and_the_planner_add_experts_not_asked_and_publish_through_the_reminder_door(lead):
    """Neither writes an answer: the API's `response` is read-only. Experts they add start as not asked, and
    the publication the API starts invites them."""
    coordinator = lead.visit.coordinators.get()
    api = APIClient()
    api.force_authenticate(coordinator)
    # as the planner and the API do
    session_experts_set(session=lead.afternoon, people=[lead.interpreter.pk], actor=coordinator)
    added = SessionExpert.objects.get(session=lead.afternoon)
    assert added.response == "not_asked" and latest(added) is None
    assert_history_agrees()
    response = api.patch(
        f"/api/v1/sessions/{lead.morning.pk}/", {"expert_answers": [], "response": "confirmed"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert_moved(expert_row(lead), to="invited", door="reminder")
    assert api.post(f"/api/v1/visits/{lead.visit.pk}/publish/").status_code == 200
    # The invitation is recorded on behalf of whoever published the version.
    assert_moved(added, to="invited", door="reminder", actor=coordinator)
