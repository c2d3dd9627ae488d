"""The dashboard's conflict counts follow every change, kept per visit between requests (scheduling.kept)."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from scheduling.checks import visit_conflict_report
from tests.factories import (
    PersonFactory,
    SessionExpertFactory,
    SessionFactory,
    VenueFactory,
    VisitFactory,
    stockholm,
)
from visits.models import Session
from visits.services import session_update

pytestmark = pytest.mark.django_db

TWELFTH_OF_MARCH = dt.datetime(2027, 3, 12, 10, tzinfo=dt.UTC)


def conflicts(client, coordinator, visit):
    with time_machine.travel(TWELFTH_OF_MARCH, tick=False):
        client.force_login(coordinator)
        response = client.get(reverse("planner:dashboard"))
    return next(row.conflicts for row in response.context["rows"] if row.visit == visit)


def fresh(visit, reader):
    report = visit_conflict_report(visit, reader=reader)
    return len(report.fatal) + len(report.open_warnings)


def test_the_count_follows_a_session_moved_in_the_visit_and_in_another_sharing_an_expert(
    client, coordinator, visit
):
    expert, room = PersonFactory(), VenueFactory()
    morning = SessionFactory(
        visit=visit, venue=room, starts_at=stockholm(2027, 3, 23, 9), ends_at=stockholm(2027, 3, 23, 10)
    )
    SessionExpertFactory(session=morning, person=expert)
    afternoon = SessionFactory(
        visit=visit, venue=room, starts_at=stockholm(2027, 3, 23, 14), ends_at=stockholm(2027, 3, 23, 15)
    )
    elsewhere = SessionFactory(  # another coordinator's visit, the same expert, on the next day
        visit=VisitFactory(), starts_at=stockholm(2027, 3, 24, 9), ends_at=stockholm(2027, 3, 24, 10)
    )
    SessionExpertFactory(session=elsewhere, person=expert)
    assert conflicts(client, coordinator, visit) == 0

    # The afternoon moved onto the morning: the room booked twice.
    session_update(
        session=afternoon,
        data={"starts_at": stockholm(2027, 3, 23, 9, 30), "ends_at": stockholm(2027, 3, 23, 10, 30)},
        actor=None,
    )
    assert conflicts(client, coordinator, visit) == 1

    # The other visit's session moved onto the morning: the expert is busy then, in a visit not ours.
    elsewhere.refresh_from_db()
    session_update(
        session=elsewhere,
        data={"starts_at": stockholm(2027, 3, 23, 9), "ends_at": stockholm(2027, 3, 23, 10)},
        actor=None,
    )
    assert conflicts(client, coordinator, visit) == 2 == fresh(visit, coordinator)

    # And cancelled there: gone again.
    Session.objects.filter(pk=elsewhere.pk).update(status=Session.Status.CANCELLED)
    assert conflicts(client, coordinator, visit) == 1 == fresh(visit, coordinator)
