"""Copying a whole programme from an earlier visit: offered only visits the reader may see, previewed first,
shifted by the days between the visits' first days, experts back to "not asked", and audited."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from tests.factories import (
    DelegationMemberFactory,
    SessionExpertFactory,
    SessionFactory,
    SessionInterpreterFactory,
    VenueFactory,
    VisitFactory,
    stockholm,
)
from visits.models import ChosenMember, Session, SessionExpert
from visits.services import programme_copy_plan
from visits.services.copying import shift_days

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture
def earlier(coordinator):
    """Last year's visit, Monday 22 to Friday 26 March 2027, with a full programme."""
    visit = VisitFactory(title="Last year's visit")
    visit.coordinators.add(coordinator)
    return visit


@pytest.fixture
def later(coordinator, earlier):
    """The new visit, Monday 17 to Wednesday 19 April 2028 (shorter), for the same delegation."""
    visit = VisitFactory(
        title="This year's visit",
        delegation=earlier.delegation,
        starts_on=dt.date(2028, 4, 17),
        ends_on=dt.date(2028, 4, 19),
    )
    visit.coordinators.add(coordinator)
    return visit


def url(visit):
    return reverse("planner:programme_copy", args=[visit.pk])


def test_a_time_moves_by_whole_days_at_the_same_wall_clock_time_across_a_dst_switch():
    # 22 March 2027 is winter time in Stockholm; 17 April 2028 summer time: still 09:00 there.
    moved = shift_days(stockholm(2027, 3, 22, 9), STOCKHOLM, 392)
    assert moved.astimezone(STOCKHOLM).replace(tzinfo=None) == dt.datetime(2028, 4, 17, 9)


def test_the_page_offers_only_the_visits_the_reader_may_see(signed_in, earlier, later):
    hidden = VisitFactory(title="Someone else's visit")
    response = signed_in.get(url(later))
    assert response.status_code == 200
    choices = [visit.title for visit in response.context["form"].fields["source"].queryset]
    assert choices == ["Last year's visit"]  # not this visit, not another coordinator's
    response = signed_in.get(url(later), {"source": hidden.pk})
    assert response.status_code == 400
    assert "Choose one of the visits listed" in response.content.decode()
    response = signed_in.post(url(later), {"source": "nonsense"})
    assert response.status_code == 400
    assert not later.sessions.exists()


def test_the_preview_lists_what_is_copied_and_what_falls_after_the_shorter_visit(signed_in, earlier, later):
    SessionFactory(visit=earlier, title="Welcome", starts_at=stockholm(2027, 3, 22, 9))
    SessionFactory(visit=earlier, title="Friday round-up", starts_at=stockholm(2027, 3, 26, 14))
    SessionFactory(visit=earlier, title="Called off", status=Session.Status.CANCELLED)
    response = signed_in.get(url(later), {"source": earlier.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Welcome" in html and "Mon 17 Apr 2028 09:00–10:30 (Europe/Stockholm)" in html
    left_out = html[html.index("data-left-out") :]
    assert "Friday round-up" in left_out and "Fri 21 Apr 2028 14:00" in left_out
    assert "Called off" not in html
    assert not later.sessions.exists()  # a preview writes nothing


def test_copying_keeps_the_sessions_details_and_puts_experts_back_to_not_asked(
    signed_in, coordinator, earlier, later
):
    riga = VenueFactory(time_zone="Europe/Riga")
    member = DelegationMemberFactory(delegation=earlier.delegation)
    session = SessionFactory(
        visit=earlier,
        title="Prosecutors' round table",
        kind=Session.Kind.SEMINAR,
        venue=riga,
        starts_at=dt.datetime(2027, 3, 23, 10, tzinfo=ZoneInfo("Europe/Riga")),
        ends_at=dt.datetime(2027, 3, 23, 12, tzinfo=ZoneInfo("Europe/Riga")),
        attendance=Session.Attendance.CHOSEN,
        language="lv",
        interpreter_needed=True,
        interpretation_language="en",
        status=Session.Status.CONFIRMED,
    )
    confirmed = SessionExpertFactory(session=session, response=SessionExpert.Response.CONFIRMED)
    SessionExpertFactory(session=session, response=SessionExpert.Response.PASSED)
    interpreter = SessionInterpreterFactory(session=session, languages=["lv", "en"])
    ChosenMember.objects.create(session=session, member=member)

    response = signed_in.post(url(later), {"source": earlier.pk})
    assert response.status_code == 302
    assert response["Location"] == reverse("planner:board", args=[later.pk])
    (copy,) = later.sessions.all()
    assert copy.starts_at.astimezone(ZoneInfo("Europe/Riga")).replace(tzinfo=None) == dt.datetime(
        2028, 4, 18, 10
    )
    assert copy.duration == dt.timedelta(hours=2)
    assert (copy.title, copy.kind, copy.venue, copy.host_organisation) == (
        session.title,
        session.kind,
        riga,
        session.host_organisation,
    )
    assert (copy.attendance, copy.language, copy.interpreter_needed, copy.interpretation_language) == (
        Session.Attendance.CHOSEN,
        "lv",
        True,
        "en",
    )
    assert copy.status == Session.Status.TENTATIVE
    assert [(e.person, e.response) for e in copy.session_experts.all()] == [
        (confirmed.person, SessionExpert.Response.NOT_ASKED)
    ]
    assert [(i.person, i.languages) for i in copy.session_interpreters.all()] == [
        (interpreter.person, ["lv", "en"])
    ]
    assert [c.member for c in copy.session_chosen_members.all()] == [member]  # the same delegation
    created = AuditEntry.objects.filter(object_type="visits.session", object_id=copy.pk, action="create")
    assert created.get().actor_user == coordinator
    assert session.session_experts.get(person=confirmed.person).response == SessionExpert.Response.CONFIRMED


def test_chosen_members_stay_behind_when_the_delegation_differs(signed_in, earlier, coordinator):
    other = VisitFactory(starts_on=dt.date(2028, 4, 17), ends_on=dt.date(2028, 4, 21))
    other.coordinators.add(coordinator)
    session = SessionFactory(visit=earlier, attendance=Session.Attendance.CHOSEN)
    ChosenMember.objects.create(
        session=session, member=DelegationMemberFactory(delegation=earlier.delegation)
    )
    assert not programme_copy_plan(source=earlier, target=other).keeps_members
    signed_in.post(url(other), {"source": earlier.pk})
    (copy,) = other.sessions.all()
    assert copy.attendance == Session.Attendance.CHOSEN
    assert not copy.session_chosen_members.exists()


def test_sessions_after_the_new_visits_end_are_not_copied_and_the_message_names_them(
    signed_in, earlier, later
):
    SessionFactory(visit=earlier, title="Welcome", starts_at=stockholm(2027, 3, 22, 9))
    SessionFactory(visit=earlier, title="Friday round-up", starts_at=stockholm(2027, 3, 26, 14))
    response = signed_in.post(url(later), {"source": earlier.pk}, follow=True)
    assert [s.title for s in later.sessions.all()] == ["Welcome"]
    assert "were not copied: Friday round-up" in response.content.decode() or (
        "was not copied: Friday round-up" in response.content.decode()
    )


def test_an_arrival_dinner_the_evening_before_stays_the_evening_before(signed_in, earlier, later):
    SessionFactory(
        visit=earlier,
        title="Arrival dinner",
        starts_at=stockholm(2027, 3, 21, 19),
        ends_at=stockholm(2027, 3, 21, 21),
        outside_visit_dates=True,
    )
    signed_in.post(url(later), {"source": earlier.pk})
    (copy,) = later.sessions.all()
    assert copy.starts_at.astimezone(STOCKHOLM).date() == dt.date(2028, 4, 16)
    assert copy.outside_visit_dates


def test_the_copy_page_and_the_boards_new_words_are_in_swedish(signed_in, earlier, later):
    SessionFactory(visit=earlier, title="Welcome", starts_at=stockholm(2027, 3, 22, 9))
    signed_in.post(reverse("set_language"), {"language": "sv"})
    html = signed_in.get(url(later), {"source": earlier.pk}).content.decode()
    assert "Kopiera ett program från ett annat besök" in html
    assert "Varje programpunkt flyttas 392 dagar." in html
    assert "Kopiera 1 programpunkt" in html
    board = signed_in.get(reverse("planner:board", args=[earlier.pk]), {"day": "x"}).content.decode()
    assert "Tiderna är i Europe/Stockholm, besökets tidszon." in board
    assert "day: ”x” är inte en dag på den här tavlan" in board
    assert ">Vecka<" in board and "Redigera programpunkten" in board
