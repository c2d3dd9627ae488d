"""Coordinators see the participants' totals: on the visit's programme page, on each session, and who said
what; only for the visits they coordinate."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from participation.models import ParticipantAnswer, ParticipantNeeds
from tests.factories import SessionFactory, UserFactory, VisitFactory, stockholm
from tests.participation.conftest import published
from visits.models import Session

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(staff_user) -> Client:
    client = Client()
    client.force_login(staff_user)
    return client


@pytest.fixture
def lunch_answered(answering):
    ParticipantAnswer.objects.create(session=answering.lunch, person=answering.head, answer="attending")
    ParticipantAnswer.objects.create(session=answering.lunch, person=answering.member, answer="attending")
    ParticipantNeeds.objects.create(
        visit=answering.visit, person=answering.head, dietary=["vegetarian"], wheelchair=True
    )
    return answering


LUNCH_TOTALS = "2 meals (1 vegetarian); 1 wheelchair user"


def test_the_programme_page_shows_each_sessions_totals(staff_client, lunch_answered):
    url = reverse("admin:scheduling_programme_change", args=[lunch_answered.visit.pk])
    page = staff_client.get(url).content.decode()
    assert "<h2>Participants' answers</h2>" in page
    assert f'<td class="totals">{LUNCH_TOTALS}</td>' in page
    assert '<td class="totals">0 attending; 2 not answered</td>' in page  # the meeting
    assert '<td class="totals">0 attending; 1 not answered</td>' in page  # the site visit, the head only
    assert reverse("admin:visits_session_change", args=[lunch_answered.lunch.pk]) in page


def test_the_programme_page_reads_as_many_queries_for_21_sessions_as_for_12(staff_client, lunch_answered):
    visit = lunch_answered.visit
    url = reverse("admin:scheduling_programme_change", args=[visit.pk])
    staff_client.get(url)  # warm up

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get(url).status_code == 200
        return len(captured)

    # A day full of meals, which has conflicts (a programme with conflicts reads what their fixes need, once).
    for hour in range(9):
        SessionFactory.create(visit=visit, kind=Session.Kind.MEAL, starts_at=stockholm(2027, 3, 24, 8 + hour))
    twelve = queries()
    for hour in range(9):
        SessionFactory.create(visit=visit, kind=Session.Kind.MEAL, starts_at=stockholm(2027, 3, 25, 8 + hour))
    assert queries() == twelve


def test_the_session_page_shows_its_totals(staff_client, lunch_answered):
    url = reverse("admin:visits_session_change", args=[lunch_answered.lunch.pk])
    page = staff_client.get(url).content.decode()
    assert LUNCH_TOTALS in page
    assert reverse("admin:participation_participantneeds_changelist") in page
    # The session can still be edited as before.
    assert 'name="title"' in page


def test_needs_and_answers_are_listed_for_the_coordinators_own_visits_only(lunch_answered):
    mine = UserFactory.create(username="mine", is_staff=True, is_superuser=False)
    theirs = UserFactory.create(username="theirs", is_staff=True, is_superuser=False)
    for user in (mine, theirs):
        user.user_permissions.set(
            Permission.objects.filter(codename__in=["view_participantneeds", "view_participantanswer"])
        )
    lunch_answered.visit.coordinators.add(mine)
    published(VisitFactory.create()).coordinators.add(theirs)
    for user, expected in ((mine, True), (theirs, False)):
        client = Client()
        client.force_login(user)
        needs = client.get(reverse("admin:participation_participantneeds_changelist")).content.decode()
        answers = client.get(reverse("admin:participation_participantanswer_changelist")).content.decode()
        assert ("Anna Bērziņa" in needs) is expected
        assert ("Lunch at the police house" in answers) is expected
