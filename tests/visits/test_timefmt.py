"""One formatter for every time a person reads: each style as the page or message that uses it shows it."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from visits.timefmt import ADMIN, BOARD, CHECK, MESSAGE, format_moment, format_span

ZONE = ZoneInfo("Europe/Stockholm")
START = dt.datetime(2027, 3, 23, 9, 0, tzinfo=ZONE)


@pytest.mark.parametrize(
    ("style", "same_day", "next_day"),
    [
        (
            ADMIN,
            "Tue 23 Mar 2027 09:00–10:30 (Europe/Stockholm)",
            "Tue 23 Mar 2027 09:00–Wed 24 Mar 2027 01:00 (Europe/Stockholm)",
        ),
        (BOARD, "09:00–10:30 (Europe/Stockholm)", "09:00–Wed 24 Mar 01:00 (Europe/Stockholm)"),
        (
            MESSAGE,
            "Tuesday 23 March 2027, 09:00–10:30 (Europe/Stockholm)",
            "Tuesday 23 March 2027, 09:00 – Wednesday 24 March 2027, 01:00 (Europe/Stockholm)",
        ),
        (
            CHECK,
            "2027-03-23 09:00–10:30 Europe/Stockholm",
            "2027-03-23 09:00–2027-03-24 01:00 Europe/Stockholm",
        ),
    ],
)
def test_a_span_repeats_its_date_only_when_it_ends_on_another_day(style, same_day, next_day):
    with translation.override("en"):
        assert format_span(START, START + dt.timedelta(hours=1, minutes=30), ZONE, style) == same_day
        assert format_span(START, START + dt.timedelta(hours=16), ZONE, style) == next_day


def test_a_span_is_shown_in_the_zone_it_is_given():
    utc_start = START.astimezone(dt.UTC)
    with translation.override("en"):
        assert format_span(utc_start, utc_start + dt.timedelta(hours=1), dt.UTC, BOARD) == "08:00–09:00 (UTC)"


def test_a_moment_names_its_zone_unless_asked_not_to():
    with translation.override("en"):
        assert format_moment(START, ZONE) == "Tue 23 Mar 2027 09:00 (Europe/Stockholm)"
        assert format_moment(START, ZONE, MESSAGE, name_zone=False) == "Tuesday 23 March 2027, 09:00"
        assert format_moment(None, ZONE) == "–"
