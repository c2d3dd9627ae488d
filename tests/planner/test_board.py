"""The programme board: a column per day, sessions placed by their time, status and badges in text."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from planner.board import MINUTE_PX, Placed, card_needs_px, hour_range, lay_out, minute_px, place
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
    # The zone is named once, in the board's header; a card in the visit's zone gives only its time.
    assert '<span class="when">09:00–10:30</span>' in html
    assert html.count("Europe/Stockholm") == 1
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


# --- Cards that keep their badges, the zone once, the day view ----------------------------------------------


def card(html, session):
    block = html[html.index(f'id="session-{session.pk}"') :]
    return block[: block.index("</li>")]


def test_the_board_is_taller_per_minute_only_when_a_card_would_be_lower_than_its_badges_need():
    assert minute_px([]) == MINUTE_PX
    assert minute_px([(60, card_needs_px(badges=2, lanes=1, compact=True, column_px=170))]) == MINUTE_PX
    needs = card_needs_px(badges=5, lanes=3, compact=True, column_px=170)
    assert needs > card_needs_px(badges=5, lanes=1, compact=True, column_px=170)  # narrow lanes: more rows
    assert minute_px([(15, needs), (60, 40)]) == round(needs / 15, 3)


@pytest.mark.django_db
def test_a_short_card_is_compact_and_its_badges_keep_their_words_as_accessible_names(signed_in, visit):
    short = SessionFactory(
        visit=visit,
        title="Coffee with the police",
        starts_at=stockholm(2027, 3, 23, 9),
        ends_at=stockholm(2027, 3, 23, 9, 15),
    )
    SessionExpertFactory(session=short, response=SessionExpert.Response.DECLINED)
    SessionExpertFactory(session=short, response=SessionExpert.Response.CONFIRMED)
    long = SessionFactory(
        visit=visit, starts_at=stockholm(2027, 3, 24, 9), ends_at=stockholm(2027, 3, 24, 11)
    )
    response = signed_in.get(reverse("planner:board", args=[visit.pk]))
    html = response.content.decode()
    assert 'class="block status-tentative kind-meeting compact"' in card(html, short)
    assert "compact" not in card(html, long).split(">")[0]
    block = card(html, short)
    assert 'title="1 declined"' in block and 'aria-hidden="true">✗1<' in block
    assert 'title="1/2 confirmed"' in block and 'aria-hidden="true">1/2<' in block
    assert 'title="Tentative"' in block and 'aria-hidden="true">?<' in block
    # A quarter of an hour is tall enough for its badges: the board's minute grows.
    assert response.context["board"].minute > MINUTE_PX
    assert f"--minute: {response.context['board'].minute:.3f}px" in html


@pytest.mark.django_db
def test_a_card_names_its_zone_only_where_it_differs_from_the_visits(signed_in, visit):
    riga = SessionFactory(
        visit=visit,
        venue=VenueFactory(time_zone="Europe/Riga"),
        starts_at=stockholm(2027, 3, 23, 9),
        ends_at=stockholm(2027, 3, 23, 10),
    )
    html = signed_in.get(reverse("planner:board", args=[visit.pk])).content.decode()
    assert '<span class="when">10:00–11:00 (Europe/Riga)</span>' in card(html, riga)


@pytest.mark.django_db
def test_the_details_panel_holds_times_venue_experts_answers_conflicts_and_the_edit_link(signed_in, visit):
    session = SessionFactory(visit=visit, venue=VenueFactory(name="Polishuset"))
    SessionExpertFactory(
        session=session, person=PersonFactory(name="Karin Holm"), response=SessionExpert.Response.DECLINED
    )
    html = signed_in.get(reverse("planner:board", args=[visit.pk])).content.decode()
    details = html[html.index(f'id="details-{session.pk}"') :]
    details = details[: details.index("</section>")]
    assert "Polishuset" in details and "Karin Holm: Declined" in details
    assert reverse("planner:session_edit", args=[session.pk]) in details
    assert f'data-details="details-{session.pk}"' in card(html, session)


@pytest.mark.django_db
def test_the_day_view_shows_one_day_wide_with_a_tab_per_day(signed_in, visit):
    tuesday = SessionFactory(
        visit=visit, starts_at=stockholm(2027, 3, 23, 9), ends_at=stockholm(2027, 3, 23, 10)
    )
    wednesday = SessionFactory(
        visit=visit, starts_at=stockholm(2027, 3, 24, 9), ends_at=stockholm(2027, 3, 24, 10)
    )
    url = reverse("planner:board", args=[visit.pk])
    response = signed_in.get(url, {"day": "2027-03-23"})
    html = response.content.decode()
    assert response.status_code == 200
    assert [day.date for day in response.context["board"].days] == [dt.date(2027, 3, 23)]
    assert f'id="session-{tuesday.pk}"' in html and f'id="session-{wednesday.pk}"' not in html
    assert 'class="board board-day"' in html
    assert f'href="{url}?day=2027-03-26"' in html  # a tab for every day
    assert f'<a href="{url}?day=2027-03-23" aria-current="page">' in html


@pytest.mark.django_db
@pytest.mark.parametrize("day", ["2027-13-40", "tuesday", "2027-04-01"])
def test_a_day_the_board_does_not_have_shows_the_week_and_says_so(signed_in, visit, day):
    SessionFactory(visit=visit)
    response = signed_in.get(reverse("planner:board", args=[visit.pk]), {"day": day})
    assert response.status_code == 200
    assert len(response.context["board"].days) == 5
    html = response.content.decode()
    assert f"day: “{day}” is not a day of this board" in html
