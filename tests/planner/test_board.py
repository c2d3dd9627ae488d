"""The programme board: a column per day, sessions placed by their time, status and badges in text."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from planner.board import Placed, hour_range, lay_out, place
from tests.factories import (
    PersonFactory,
    SessionExpertFactory,
    SessionFactory,
    VenueFactory,
    VisitFactory,
    stockholm,
)
from visits.models import Session, SessionExpert

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def block_style(html, session):
    # The block's place is a rule of the page's stylesheet (a style attribute would need 'unsafe-inline').
    match = re.search(rf"#session-{session.pk} {{([^}}]*)}}", html, re.S)
    assert match, f"no block for {session}"
    return dict(
        (name.strip(), value.strip())
        for name, value in (part.split(":") for part in match.group(1).split(";") if part.strip())
    )


# --- The pure layout ----------------------------------------------------------------------------------------


def test_a_session_is_placed_by_its_start_minute_and_sized_by_its_length():
    placed = place(stockholm(2027, 3, 23, 9), stockholm(2027, 3, 23, 10, 30), STOCKHOLM, key=1)
    assert placed == Placed(1, dt.date(2027, 3, 23), 9 * 60, 10 * 60 + 30)
    [position] = lay_out([placed], first_hour=8).values()
    assert (position.top, position.height, position.lane, position.lanes) == (60, 90, 0, 1)


def test_a_session_is_placed_on_the_visits_clock_whatever_its_venues_zone():
    riga = ZoneInfo("Europe/Riga")  # an hour ahead of Stockholm
    start = dt.datetime(2027, 3, 23, 10, tzinfo=riga)
    placed = place(start, start + dt.timedelta(hours=1), STOCKHOLM, key=1)
    assert (placed.start, placed.end) == (9 * 60, 10 * 60)


def test_overlapping_sessions_stand_side_by_side_and_the_next_one_takes_the_whole_width():
    day = dt.date(2027, 3, 23)
    positions = lay_out(
        [Placed(1, day, 540, 630), Placed(2, day, 570, 660), Placed(3, day, 660, 720)], first_hour=8
    )
    assert [(positions[k].lane, positions[k].lanes) for k in (1, 2, 3)] == [(0, 2), (1, 2), (0, 1)]


def test_the_hours_widen_to_hold_an_early_or_late_session():
    day = dt.date(2027, 3, 23)
    assert hour_range([]) == (8, 18)
    assert hour_range([Placed(1, day, 7 * 60 + 30, 9 * 60), Placed(2, day, 19 * 60, 21 * 60 + 15)]) == (7, 22)


# --- The page -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_each_day_of_the_visit_is_a_column_and_a_block_reflects_its_times(signed_in, visit):
    session = SessionFactory(
        visit=visit,
        title="Meeting the police",
        starts_at=stockholm(2027, 3, 23, 9),
        ends_at=stockholm(2027, 3, 23, 10, 30),
    )
    response = signed_in.get(reverse("planner:board", args=[visit.pk]))
    board = response.context["board"]
    assert [day.date for day in board.days] == [dt.date(2027, 3, d) for d in range(22, 27)]
    assert board.first_hour == 8
    html = response.content.decode()
    assert html.count('<section class="day"') == 5
    style = block_style(html, session)
    assert (style["--top"], style["--height"]) == ("60", "90")
    assert "09:00–10:30 (Europe/Stockholm)" in html
    assert 'id="day-2027-03-23"' in html


@pytest.mark.django_db
def test_a_block_names_its_status_and_shows_conflicts_and_experts_answers(signed_in, visit):
    expert = PersonFactory(name="Karin Holm")
    ours = SessionFactory(visit=visit, title="Ours", status=Session.Status.CONFIRMED)
    SessionExpertFactory(session=ours, person=expert, response=SessionExpert.Response.CONFIRMED)
    SessionExpertFactory(session=ours, response=SessionExpert.Response.CONFIRMED)
    SessionExpertFactory(session=ours, response=SessionExpert.Response.INVITED)
    elsewhere = SessionFactory(
        visit=VisitFactory(), venue=VenueFactory(), starts_at=stockholm(2027, 3, 23, 9, 30)
    )
    SessionExpertFactory(session=elsewhere, person=expert)

    html = signed_in.get(reverse("planner:board", args=[visit.pk])).content.decode()
    block = html[html.index(f'id="session-{ours.pk}"') :]
    block = block[: block.index("</li>")]
    assert "status-confirmed" in block and "Confirmed" in block
    assert "2/3 confirmed" in block
    assert "1 conflict" in block
    # The list of conflicts below the board; the other visit is not the coordinator's: free/busy.
    assert "Karin Holm is busy then (another visit)" in html


@pytest.mark.django_db
def test_the_legend_names_every_status_in_words(signed_in, visit):
    html = signed_in.get(reverse("planner:board", args=[visit.pk])).content.decode()
    legend = html[html.index('class="legend"') :]
    legend = legend[: legend.index("</ul>")]
    for word in ("Tentative", "Confirmed", "Cancelled"):
        assert word in legend


@pytest.mark.django_db
def test_the_board_is_in_swedish_when_swedish_is_chosen(signed_in, visit):
    SessionFactory(visit=visit)
    signed_in.post(reverse("set_language"), {"language": "sv"})
    response = signed_in.get(reverse("planner:board", args=[visit.pk]))
    assert response.context["LANGUAGE_CODE"] == "sv"
    assert "tisdag 23 mars" in response.content.decode()  # the day's name and month, localised
