"""Coordinators see interpreters' answers beside the experts': the board card's answers badge and its details
panel count them, and "needs you" lists an interpreter's decline or colleague until it is noted."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from responses.interpreters import interpreter_answer
from responses.models import Door, InterpreterAnswer
from tests.factories import (
    PersonFactory,
    SessionExpertFactory,
    SessionFactory,
    SessionInterpreterFactory,
    UserFactory,
    VisitFactory,
)
from visits.models import Session, SessionExpert, SessionInterpreter

pytestmark = pytest.mark.django_db


def card(html: str, session: Session) -> str:
    block = html[html.index(f'id="session-{session.pk}"') :]
    return block[: block.index("</li>")]


def test_the_answers_badge_counts_interpreters_beside_experts(signed_in, visit):
    session = SessionFactory(visit=visit, title="Ours")
    SessionExpertFactory(session=session, response=SessionExpert.Response.CONFIRMED)
    SessionExpertFactory(session=session, response=SessionExpert.Response.INVITED)
    SessionInterpreterFactory(session=session, response=SessionInterpreter.Response.CONFIRMED)
    SessionInterpreterFactory(session=session, response=SessionInterpreter.Response.DECLINED)
    SessionInterpreterFactory(session=session, response=SessionInterpreter.Response.PASSED)  # not counted
    html = signed_in.get(reverse("planner:board", args=[visit.pk])).content.decode()
    block = card(html, session)
    assert "2/4 confirmed" in block and "1 declined" in block
    details = html[html.index(f'id="details-{session.pk}"') :]
    details = details[: details.index("</section>")]
    assert "Interpreters" in details and details.count("data-interpreter=") == 3
    assert "Declined" in details and "Passed to a colleague" in details


def needs(client, visit) -> list:
    return list(client.get(reverse("planner:needs_you", args=[visit.pk])).context["items"])


def test_needs_you_lists_an_interpreters_decline_and_colleague_until_noted(signed_in, visit):
    session = SessionFactory(visit=visit, title="Border control")
    declined = SessionInterpreterFactory(session=session, person__name="Ivars Kalniņš")
    passed = SessionInterpreterFactory(session=session, person__name="Līga Ozola")
    confirmed = SessionInterpreterFactory(session=session)
    interpreter_answer(interpreter_id=declined.pk, to="declined", door=Door.LINK, note="Ill that week.")
    interpreter_answer(
        interpreter_id=passed.pk, to="passed", door=Door.LINK, colleague=PersonFactory(name="Per Tolk")
    )
    interpreter_answer(interpreter_id=confirmed.pk, to="confirmed", door=Door.LINK)
    items = {item.kind: item for item in needs(signed_in, visit)}
    assert set(items) == {"interpreter_declined", "interpreter_passed"}
    assert "Ivars Kalniņš declined" in items["interpreter_declined"].what
    assert items["interpreter_declined"].note == "Ill that week."
    assert "Per Tolk" in items["interpreter_passed"].what
    page = signed_in.get(reverse("planner:needs_you", args=[visit.pk])).content.decode()
    assert "Interpreter declined" in page
    url = reverse("planner:interpreter_answer_note", args=[declined.pk])
    assert url in page
    assert signed_in.post(url).status_code == 302
    assert [item.kind for item in needs(signed_in, visit)] == ["interpreter_passed"]
    assert InterpreterAnswer.objects.get(interpreter=declined).settled_by is not None
    again = signed_in.post(url, follow=True).content.decode()
    assert "nothing left to decide" in again
    # A new decline needs the coordinator again; an answer since takes it off.
    interpreter_answer(interpreter_id=declined.pk, to="declined", door=Door.PHONE)
    interpreter_answer(interpreter_id=passed.pk, to="confirmed", door=Door.PHONE)
    assert [item.kind for item in needs(signed_in, visit)] == ["interpreter_declined"]


def test_the_dashboard_lists_only_the_readers_visits_interpreters(client, coordinator, visit):
    other = VisitFactory(title="Bertil's visit")
    other.coordinators.add(UserFactory(username="bertil"))
    theirs = SessionInterpreterFactory(session=SessionFactory(visit=other))
    interpreter_answer(interpreter_id=theirs.pk, to="declined", door=Door.LINK)
    ours = SessionInterpreterFactory(session=SessionFactory(visit=visit))
    interpreter_answer(interpreter_id=ours.pk, to="declined", door=Door.LINK)
    client.force_login(coordinator)
    items = client.get(reverse("planner:dashboard")).context["needs"]
    assert [item.interpreter.pk for item in items] == [ours.pk]
    # Bertil's interpreter's row cannot be noted by this coordinator.
    assert client.post(reverse("planner:interpreter_answer_note", args=[theirs.pk])).status_code == 404
    assert InterpreterAnswer.objects.get(interpreter=theirs).settled_at is None


def test_needs_you_costs_the_same_for_one_interpreters_answer_as_for_many(
    signed_in, visit, django_assert_num_queries
):
    def add(count):
        for _ in range(count):
            booked = SessionInterpreterFactory(session=SessionFactory(visit=visit))
            interpreter_answer(interpreter_id=booked.pk, to="declined", door=Door.LINK)

    add(1)
    url = reverse("planner:needs_you", args=[visit.pk])
    with CaptureQueriesContext(connection) as captured:
        signed_in.get(url)
    add(9)
    with django_assert_num_queries(len(captured)):
        assert len(signed_in.get(url).context["items"]) == 10
