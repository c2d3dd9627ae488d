"""Needs totals: per session, who attends and what they need, counted only among the people on the session."""

import pytest
from django.utils import translation

from participation.models import ParticipantAnswer, ParticipantNeeds
from participation.totals import NeedsFacts, count_session, session_totals, summarise
from tests.factories import DelegationMemberFactory, PersonFactory, SessionFactory, VisitFactory, stockholm
from tests.participation.conftest import published
from visits.models import ChosenMember, DelegationMember, Session

pytestmark = pytest.mark.django_db


def answered(session, person, attending: bool) -> None:
    ParticipantAnswer.objects.create(
        session=session, person=person, answer="attending" if attending else "not_attending"
    )


def needing(visit, person, **values) -> None:
    ParticipantNeeds.objects.create(visit=visit, person=person, **values)


@pytest.fixture
def lunch_for_fifteen(db):
    """A delegation of 15 at lunch: 12 attend (2 vegetarian, one of them also gluten-free; 1 wheelchair user;
    2 who need Latvian), 2 do not (one vegetarian wheelchair user, not counted), 1 has not answered."""
    visit = published(VisitFactory.create(delegation__languages=["lv", "en"]))
    members = [DelegationMemberFactory.create(delegation=visit.delegation).person for _ in range(15)]
    lunch = SessionFactory.create(visit=visit, kind=Session.Kind.MEAL, title="Lunch", language="en")
    attending, not_attending = members[:12], members[12:14]
    for person in attending:
        answered(lunch, person, True)
    for person in not_attending:
        answered(lunch, person, False)
    needing(visit, attending[0], dietary=["vegetarian"], interpreting_language="lv")
    needing(visit, attending[1], dietary=["vegetarian", "gluten_free"], wheelchair=True)
    needing(visit, attending[2], dietary=["none"], interpreting_language="lv")
    needing(visit, not_attending[0], dietary=["vegetarian"], wheelchair=True, interpreting_language="ru")
    # Someone who answered and then left the delegation is on the session no more.
    former = PersonFactory.create()
    answered(lunch, former, True)
    needing(visit, former, dietary=["vegan"])
    return visit, lunch


def test_a_realistic_lunch(lunch_for_fifteen):
    visit, lunch = lunch_for_fifteen
    totals = session_totals(visit)[lunch.pk]
    assert (totals.on_session, totals.attending, totals.not_attending, totals.not_answered) == (15, 12, 2, 1)
    assert totals.diets == {"vegetarian": 2, "gluten_free": 1}
    assert totals.wheelchair == 1 and totals.interpreting == {"lv": 2}
    with translation.override("en"):
        assert totals.summary == (
            "12 meals (2 vegetarian, 1 gluten-free); 1 wheelchair user; interpreting: Latvian (2); "
            "2 not attending; 1 not answered"
        )


def test_the_summary_names_languages_in_the_readers_language(lunch_for_fifteen):
    visit, lunch = lunch_for_fifteen
    with translation.override("sv"):
        summary = session_totals(visit)[lunch.pk].summary
    assert "Lettiska (2)" in summary  # Django's own catalogue names the language
    assert summary.startswith("12 ") and "2 " in summary


def test_the_summary_is_in_swedish(lunch_for_fifteen):
    visit, lunch = lunch_for_fifteen
    with translation.override("sv"):
        if translation.gettext("interpreting: %(languages)s") == "interpreting: %(languages)s":
            pytest.skip("The Swedish catalogue does not have the totals' strings yet.")
        summary = session_totals(visit)[lunch.pk].summary
    for english in (
        "meals",
        "vegetarian",
        "gluten-free",
        "wheelchair",
        "interpreting",
        "attending",
        "answered",
    ):
        assert english not in summary


def test_diets_are_counted_for_meals_only():
    people, answers = [1, 2], {1: "attending", 2: "attending"}
    needs = {1: NeedsFacts(dietary=("vegan",), wheelchair=True), 2: NeedsFacts(interpreting_language="lv")}
    meeting = count_session(7, is_meal=False, language="en", people=people, answers=answers, needs=needs)
    assert meeting.diets == {} and meeting.wheelchair == 1
    assert summarise(meeting) == "2 attending; 1 wheelchair user; interpreting: Latvian (1)"


def test_interpreting_into_the_sessions_own_language_is_not_needed():
    needs = {1: NeedsFacts(interpreting_language="lv")}
    totals = count_session(7, is_meal=False, language="lv", people=[1], answers={1: "attending"}, needs=needs)
    assert totals.interpreting == {} and summarise(totals) == "1 attending"


def test_nobody_answered_yet():
    totals = count_session(7, is_meal=True, language="en", people=[1, 2, 3], answers={}, needs={})
    assert summarise(totals) == "0 meals; 3 not answered"


def test_a_session_without_participants_says_so():
    totals = count_session(7, is_meal=True, language="en", people=[], answers={}, needs={})
    assert summarise(totals) == "Nobody is on this session as a participant."


def test_a_session_for_chosen_members_counts_only_them(lunch_for_fifteen):
    visit, _lunch = lunch_for_fifteen
    dinner = SessionFactory.create(
        visit=visit,
        kind=Session.Kind.MEAL,
        attendance=Session.Attendance.CHOSEN,
        starts_at=stockholm(2027, 3, 23, 18),
    )
    chosen = list(DelegationMember.objects.filter(delegation=visit.delegation)[:3])
    for member in chosen:
        ChosenMember.objects.create(session=dinner, member=member)
    unchosen = DelegationMember.objects.filter(delegation=visit.delegation).exclude(
        pk__in=[m.pk for m in chosen]
    )
    answered(dinner, chosen[0].person, True)
    answered(dinner, unchosen.first().person, True)  # answered for a session they are not on: not counted
    totals = session_totals(visit)[dinner.pk]
    assert (totals.on_session, totals.attending, totals.not_answered) == (3, 1, 2)


@pytest.mark.parametrize("count", [3, 12])
def test_totals_take_five_queries_however_many_sessions(db, django_assert_num_queries, count):
    visit = published(VisitFactory.create())
    members = [DelegationMemberFactory.create(delegation=visit.delegation) for _ in range(6)]
    for number in range(count):
        chosen = number % 3 == 0
        session = SessionFactory.create(
            visit=visit,
            kind=Session.Kind.MEAL if number % 2 else Session.Kind.MEETING,
            starts_at=stockholm(2027, 3, 22 + number % 5, 8 + number // 5),
            attendance=Session.Attendance.CHOSEN if chosen else Session.Attendance.DELEGATION,
        )
        if chosen:
            ChosenMember.objects.create(session=session, member=members[0])
        for member in members[: number % 6]:
            answered(session, member.person, number % 2 == 0)
    for member in members[:3]:
        needing(visit, member.person, dietary=["halal"], wheelchair=True)
    with django_assert_num_queries(5):  # sessions, delegation, chosen members, answers, needs
        totals = session_totals(visit)
        summaries = [t.summary for t in totals.values()]
    assert len(summaries) == count


def test_the_coordinators_notes_count_where_the_participant_said_nothing(db):
    """Notes typed on the membership (by hand or from the imported list) are never sorted into a diet, never
    left out either; what the participant states on their page wins."""
    visit = published(VisitFactory.create())
    lunch = SessionFactory.create(visit=visit, kind=Session.Kind.MEAL, title="Lunch", language="en")
    quiet = DelegationMemberFactory.create(
        delegation=visit.delegation, dietary_needs="no pork", accessibility_needs="hard of hearing"
    )
    stated = DelegationMemberFactory.create(
        delegation=visit.delegation, dietary_needs="vegetarian", accessibility_needs="needs a lift"
    )
    plain = DelegationMemberFactory.create(delegation=visit.delegation, dietary_needs="  ")
    for member in (quiet, stated, plain):
        answered(lunch, member.person, True)
    needing(visit, stated.person, dietary=["none"], wheelchair=True)
    totals = session_totals(visit)[lunch.pk]
    assert (totals.diets, totals.diet_notes) == ({}, 1)
    assert (totals.wheelchair, totals.accessibility_notes) == (1, 1)
    with translation.override("en"):
        assert totals.summary == (
            "3 meals (1 with a note on diet); 1 wheelchair user; 1 note on accessibility"
        )


def test_notes_on_diet_count_for_meals_only():
    needs = {1: NeedsFacts(diet_note=True)}
    meeting = count_session(
        7, is_meal=False, language="en", people=[1], answers={1: "attending"}, needs=needs
    )
    assert meeting.diet_notes == 0 and summarise(meeting) == "1 attending"


def test_a_participants_own_note_on_diet_counts_once(db):
    visit = published(VisitFactory.create())
    lunch = SessionFactory.create(visit=visit, kind=Session.Kind.MEAL, title="Lunch", language="en")
    allergic, other_diet = (DelegationMemberFactory.create(delegation=visit.delegation) for _ in range(2))
    for member in (allergic, other_diet):
        answered(lunch, member.person, True)
    needing(visit, allergic.person, dietary=["none"], dietary_note="nut allergy")
    needing(visit, other_diet.person, dietary=["other"], dietary_note="pescetarian")
    totals = session_totals(visit)[lunch.pk]
    assert (totals.diets, totals.diet_notes) == ({"other": 1}, 1)
