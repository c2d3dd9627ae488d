"""A declined or passed interpreter no longer covers the language: the conflict is back."""

import pytest

from responses.interpreters import interpreter_answer
from responses.models import Door
from scheduling.checks import proposal_conflicts, session_conflicts, visit_conflict_report
from scheduling.conflicts import ConflictKind
from tests.factories import SessionFactory, SessionInterpreterFactory, VisitFactory
from visits.models import SessionInterpreter

pytestmark = pytest.mark.django_db


def kinds(conflicts):
    return [c.kind for c in conflicts]


@pytest.mark.parametrize("answer", ["declined", "passed"])
def test_a_declined_or_passed_interpreter_no_longer_covers_the_language(answer):
    visit = VisitFactory(delegation__languages=["lv"])
    session = SessionFactory(visit=visit, language="sv")
    booked = SessionInterpreterFactory(session=session)
    assert session_conflicts(session) == []
    SessionInterpreter.objects.filter(pk=booked.pk).update(response=answer)
    assert kinds(session_conflicts(session)) == [ConflictKind.LANGUAGE_WITHOUT_INTERPRETER]
    # The visit's report and a proposal in the session form see it the same way.
    assert kinds(visit_conflict_report(visit).by_session()[session.pk]) == [
        ConflictKind.LANGUAGE_WITHOUT_INTERPRETER
    ]
    proposed = proposal_conflicts(session, experts=[], interpreters=[booked.person_id])
    assert kinds(proposed) == [ConflictKind.LANGUAGE_WITHOUT_INTERPRETER]


def test_declining_through_the_owner_brings_the_conflict_back_and_confirming_again_removes_it():
    visit = VisitFactory(delegation__languages=["lv"])
    session = SessionFactory(visit=visit, language="sv")
    booked = SessionInterpreterFactory(session=session)
    interpreter_answer(interpreter_id=booked.pk, to="declined", door=Door.PHONE, note="Sick")
    assert kinds(session_conflicts(session)) == [ConflictKind.LANGUAGE_WITHOUT_INTERPRETER]
    interpreter_answer(interpreter_id=booked.pk, to="confirmed", door=Door.PHONE)
    assert session_conflicts(session) == []


def test_a_needed_interpreter_who_declined_is_not_booked_any_more():
    session = SessionFactory(interpreter_needed=True, interpretation_language="lv")
    booked = SessionInterpreterFactory(session=session)
    assert session_conflicts(session) == []
    SessionInterpreter.objects.filter(pk=booked.pk).update(response="declined")
    assert kinds(session_conflicts(session)) == [ConflictKind.INTERPRETER_NOT_BOOKED]
