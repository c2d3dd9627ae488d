"""The "needs you" list: declines, proposals, colleagues passed to, experts silent after their reminders and
failed messages, each saying what happened, when, and where to act; only the reader's visits; settled
answers leave it; and it costs the same queries for one item as for many, one visit as for ten."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from responses.answers import Proposal, answer_move
from responses.models import Door, ExpertAnswer
from tests.factories import (
    OutboxMessageFactory,
    PersonFactory,
    SessionExpertFactory,
    SessionFactory,
    UserFactory,
    VenueFactory,
    VisitFactory,
    stockholm,
)
from visits.models import SessionExpert

pytestmark = pytest.mark.django_db


def answered(session, response, **extra) -> SessionExpert:
    expert = SessionExpertFactory.create(session=session)
    answer_move(expert_ids=[expert.pk], to=response, door=Door.LINK, actor=None, **extra)
    return expert


def kinds_listed(client, visit) -> list[str]:
    return [item.kind for item in client.get(reverse("planner:needs_you", args=[visit.pk])).context["items"]]


def everything(visit, venue=None) -> dict[str, SessionExpert]:
    """One of each kind of item in the visit."""
    session = SessionFactory(visit=visit, title="Prosecution of trafficking", venue=venue)
    declined = answered(session, "declined", note="Away that week.")
    proposed = answered(
        session,
        "proposed",
        proposals=[Proposal(stockholm(2027, 3, 24, 10), stockholm(2027, 3, 24, 11))],
    )
    passed = answered(session, "passed", colleague=PersonFactory(name="Per Kollega"))
    silent = SessionExpertFactory.create(session=session, response="invited")
    OutboxMessageFactory(
        kind="notice",
        person=None,
        user=visit.coordinators.first(),
        to_email="c@example.org",
        language="en",
        session=session,
        role="",
        status="sent",
        send_at=timezone.now() - dt.timedelta(hours=1),
        payload={"notice": "no_answer", "expert": silent.pk, "reminders": 2},
    )
    OutboxMessageFactory(session=session, status="failed", last_error="550 No such user")
    return {"declined": declined, "proposed": proposed, "passed": passed, "silent": silent}


def test_a_visits_list_says_what_happened_when_and_where_to_act(signed_in, visit):
    experts = everything(visit)
    response = signed_in.get(reverse("planner:needs_you", args=[visit.pk]))
    assert response.status_code == 200
    items = {item.kind: item for item in response.context["items"]}
    assert set(items) == {"declined", "proposed", "passed", "silent", "failed"}
    assert items["declined"].url == reverse("planner:replacements", args=[experts["declined"].pk])
    assert items["declined"].note == "Away that week."
    assert "Per Kollega" in items["passed"].what
    assert "after every reminder" in items["silent"].what
    assert items["failed"].url == reverse("planner:delivery", args=[visit.pk])
    assert len(items["proposed"].proposals) == 1
    page = response.content.decode()
    assert reverse("planner:proposal_accept", args=[experts["proposed"].pk]) in page
    assert "<time datetime=" in page


def test_the_dashboard_lists_them_across_the_readers_visits_only(client, coordinator, visit):
    everything(visit)
    other = VisitFactory(title="Bertil's visit")
    other.coordinators.add(UserFactory(username="bertil"))
    hidden = everything(other)
    client.force_login(coordinator)
    items = client.get(reverse("planner:dashboard")).context["needs"]
    assert len(items) == 5 and {item.visit.pk for item in items} == {visit.pk}
    assert hidden["declined"].pk not in [item.expert.pk for item in items if item.expert]


def test_a_settled_answer_leaves_the_list_and_a_new_answer_comes_back(signed_in, visit):
    experts = everything(visit)
    url = reverse("planner:answer_note", args=[experts["declined"].pk])
    assert signed_in.post(url).status_code == 302
    kinds = kinds_listed(signed_in, visit)
    assert "declined" not in kinds
    again = signed_in.post(url, follow=True).content.decode()
    assert "already settled" in again
    # The expert declines again: that new answer needs the coordinator again.
    answer_move(expert_ids=[experts["declined"].pk], to="declined", door=Door.LINK, actor=None)
    kinds = kinds_listed(signed_in, visit)
    assert "declined" in kinds


def test_an_expert_who_answered_since_is_no_longer_listed(signed_in, visit):
    experts = everything(visit)
    answer_move(expert_ids=[experts["proposed"].pk], to="confirmed", door=Door.LINK, actor=None)
    answer_move(expert_ids=[experts["silent"].pk], to="confirmed", door=Door.LINK, actor=None)
    kinds = kinds_listed(signed_in, visit)
    assert sorted(kinds) == ["declined", "failed", "passed"]
    assert ExpertAnswer.objects.filter(settled_at__isnull=False).count() == 0


def test_a_cancelled_session_needs_nobody(signed_in, visit):
    everything(visit)
    from visits.models import Session

    Session.objects.filter(visit=visit).update(status=Session.Status.CANCELLED)
    kinds = kinds_listed(signed_in, visit)
    assert kinds == ["failed"]


def test_the_visits_list_costs_the_same_for_one_item_as_for_many(signed_in, visit, django_assert_num_queries):
    everything(visit)
    url = reverse("planner:needs_you", args=[visit.pk])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert signed_in.get(url).status_code == 200
    expected = len(captured)
    for _ in range(6):
        everything(visit)
    with django_assert_num_queries(expected):
        assert len(signed_in.get(url).context["items"]) == 35


def test_the_dashboards_list_costs_the_same_for_one_visit_as_for_ten(
    client, coordinator, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(coordinator)
    first = VisitFactory()
    first.coordinators.add(coordinator)
    everything(first)
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("planner:dashboard"))
    expected = len(captured)
    for _ in range(9):
        visit = VisitFactory()
        visit.coordinators.add(coordinator)
        everything(visit)
    with django_assert_num_queries(expected):
        assert len(client.get(reverse("planner:dashboard")).context["needs"]) == 50


def test_answers_about_sessions_at_venues_cost_no_query_each(signed_in, visit, django_assert_num_queries):
    """A session's time is written in its venue's zone: the venue comes with the answers, not one by one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    everything(visit, venue=VenueFactory(time_zone="Europe/Riga"))
    url = reverse("planner:needs_you", args=[visit.pk])
    with CaptureQueriesContext(connection) as captured:
        assert signed_in.get(url).status_code == 200
    expected = len(captured)
    for _ in range(6):
        everything(visit, venue=VenueFactory(time_zone="Europe/Riga"))
    with django_assert_num_queries(expected):
        items = signed_in.get(url).context["items"]
    assert len(items) == 35
    answers = [item for item in items if item.kind in ("declined", "proposed", "passed")]
    assert len(answers) == 21 and all("(Europe/Riga)" in item.what for item in answers)
