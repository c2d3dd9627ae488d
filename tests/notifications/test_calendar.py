"""The pure calendar writer: iTIP REQUEST, CANCEL and PUBLISH objects that parse, and say what they mean."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from notifications.calendar import (
    Attendee,
    CalendarEvent,
    build_calendar,
    clean_name,
    clean_text,
    event_uid,
)
from tests.notifications.conftest import (
    assert_utc,
    events_of,
    long_lines,
    only_event,
    parse_ics,
    raw_value,
    undefined_tzids,
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")
STAMP = dt.datetime(2027, 3, 1, 12, 0, 5, tzinfo=dt.UTC)


def an_event(**fields) -> CalendarEvent:
    values = {
        "uid": "session-42@visitplan.example.org",
        "sequence": 3,
        "start": dt.datetime(2027, 3, 23, 9, 0, tzinfo=STOCKHOLM),
        "end": dt.datetime(2027, 3, 23, 10, 30, tzinfo=STOCKHOLM),
        "summary": "How the police work",
        "description": "An overview",
        "location": "Polishuset, Kungsholmsgatan 43, 112 27 Stockholm",
        "url": "https://visitplan.example.org/p/abc/",
        "organizer_email": "coordinators@example.org",
        "organizer_name": "Visitplan coordinators",
        "attendees": (Attendee("eva@example.org", "Eva Lind", partstat="ACCEPTED"),),
    }
    return CalendarEvent(**{**values, **fields})


class TestRequest:
    def test_an_invitation_says_everything_a_calendar_needs(self):
        data = build_calendar([an_event()], method="REQUEST", stamp=STAMP)
        calendar = parse_ics(data)
        assert str(calendar["METHOD"]) == "REQUEST"
        assert str(calendar["VERSION"]) == "2.0" and "Visitplan" in str(calendar["PRODID"])
        event = only_event(data)
        assert str(event["UID"]) == "session-42@visitplan.example.org"
        assert int(event["SEQUENCE"]) == 3
        assert raw_value(event, "DTSTAMP") == "20270301T120005Z"
        assert raw_value(event, "DTSTART") == "20270323T080000Z"  # 09:00 in Stockholm, in UTC
        assert raw_value(event, "DTEND") == "20270323T093000Z"
        assert str(event["SUMMARY"]) == "How the police work"
        assert str(event["DESCRIPTION"]) == "An overview"
        assert str(event["LOCATION"]) == "Polishuset, Kungsholmsgatan 43, 112 27 Stockholm"
        assert str(event["URL"]) == "https://visitplan.example.org/p/abc/"
        assert str(event["STATUS"]) == "CONFIRMED"
        assert str(event["ORGANIZER"]) == "mailto:coordinators@example.org"
        assert event["ORGANIZER"].params["CN"] == "Visitplan coordinators"
        attendee = event["ATTENDEE"]
        assert str(attendee) == "mailto:eva@example.org"
        assert dict(attendee.params) == {
            "CN": "Eva Lind",
            "CUTYPE": "INDIVIDUAL",
            "ROLE": "REQ-PARTICIPANT",
            "PARTSTAT": "ACCEPTED",
            "RSVP": "TRUE",
        }

    def test_times_are_utc_and_no_time_zone_is_named(self):
        data = build_calendar([an_event()], method="REQUEST", stamp=STAMP)
        assert_utc(only_event(data), "DTSTART", "DTEND", "DTSTAMP")
        assert undefined_tzids(data) == set()
        assert b"TZID" not in data and b"VTIMEZONE" not in data

    def test_a_time_across_the_daylight_saving_switch_keeps_its_instant(self):
        # Stockholm moves its clocks on 28 March 2027: 09:00 is 07:00 UTC from then on.
        event = an_event(
            start=dt.datetime(2027, 3, 28, 9, tzinfo=STOCKHOLM),
            end=dt.datetime(2027, 3, 28, 10, tzinfo=STOCKHOLM),
        )
        parsed = only_event(build_calendar([event], method="REQUEST", stamp=STAMP))
        assert raw_value(parsed, "DTSTART") == "20270328T070000Z"

    def test_lines_are_crlf_and_folded(self):
        data = build_calendar([an_event(description="word " * 200)], method="REQUEST", stamp=STAMP)
        assert b"\n" not in data.replace(b"\r\n", b"")
        assert long_lines(data) == []

    def test_a_floating_time_is_refused(self):
        with pytest.raises(ValueError, match="aware"):
            an_event(start=dt.datetime(2027, 3, 23, 9), end=dt.datetime(2027, 3, 23, 10))
        with pytest.raises(ValueError, match="aware"):
            build_calendar([an_event()], method="REQUEST", stamp=dt.datetime(2027, 3, 1))

    def test_an_event_must_end_after_it_starts(self):
        start = dt.datetime(2027, 3, 23, 9, tzinfo=dt.UTC)
        with pytest.raises(ValueError, match="after"):
            an_event(start=start, end=start)

    def test_an_unknown_method_is_refused(self):
        with pytest.raises(ValueError, match="method"):
            build_calendar([an_event()], method="REPLY", stamp=STAMP)

    def test_quotes_and_backslashes_leave_display_names(self):
        event = an_event(
            organizer_name='The "Coordinators"',
            attendees=(Attendee("o@example.org", 'Conan "The Man" O\'Brien\\'),),
        )
        parsed = only_event(build_calendar([event], method="REQUEST", stamp=STAMP))
        assert parsed["ORGANIZER"].params["CN"] == "The Coordinators"
        assert parsed["ATTENDEE"].params["CN"] == "Conan The Man O'Brien"
        assert str(parsed["ATTENDEE"]) == "mailto:o@example.org"

    def test_every_attendee_is_listed_with_its_own_answer(self):
        event = an_event(
            attendees=(
                Attendee("a@example.org", "A"),
                Attendee("b@example.org", "B", partstat="DECLINED"),
            )
        )
        parsed = only_event(build_calendar([event], method="REQUEST", stamp=STAMP))
        answers = {str(a): a.params["PARTSTAT"] for a in parsed["ATTENDEE"]}
        assert answers == {"mailto:a@example.org": "NEEDS-ACTION", "mailto:b@example.org": "DECLINED"}

    def test_the_uid_names_the_object_and_the_site(self):
        assert event_uid("session", 42, "visitplan.example.org") == "session-42@visitplan.example.org"


class TestCancel:
    def test_a_cancellation_carries_status_cancelled_and_its_sequence(self):
        data = build_calendar([an_event(sequence=4)], method="CANCEL", stamp=STAMP)
        assert str(parse_ics(data)["METHOD"]) == "CANCEL"
        event = only_event(data)
        assert str(event["STATUS"]) == "CANCELLED"
        assert int(event["SEQUENCE"]) == 4
        assert str(event["UID"]) == "session-42@visitplan.example.org"
        assert str(event["ATTENDEE"]) == "mailto:eva@example.org"
        assert event["ATTENDEE"].params["RSVP"] == "FALSE"  # nothing to answer


class TestPublish:
    def test_a_published_calendar_has_no_attendees_and_a_name(self):
        events = [an_event(), an_event(uid="session-43@visitplan.example.org", status="TENTATIVE")]
        data = build_calendar(
            events, method="PUBLISH", stamp=STAMP, name="My programme", refresh=dt.timedelta(hours=1)
        )
        calendar = parse_ics(data)
        assert str(calendar["METHOD"]) == "PUBLISH"
        assert str(calendar["X-WR-CALNAME"]) == "My programme"
        assert calendar["REFRESH-INTERVAL"].to_ical() == b"PT1H"
        assert b"X-PUBLISHED-TTL:PT1H" in data
        parsed = events_of(calendar)
        assert [str(e["UID"]) for e in parsed] == [
            "session-42@visitplan.example.org",
            "session-43@visitplan.example.org",
        ]
        assert [str(e["STATUS"]) for e in parsed] == ["CONFIRMED", "TENTATIVE"]
        assert all("ATTENDEE" not in e for e in parsed)
        assert all("ORGANIZER" in e for e in parsed)

    def test_an_empty_programme_is_still_a_calendar(self):
        data = build_calendar([], method="PUBLISH", stamp=STAMP, name="Nothing yet")
        assert events_of(parse_ics(data)) == []


class TestCleaning:
    def test_text_keeps_what_users_write(self):
        text = 'Q&A: "Why?", she asked; 50% \\ 100%\nNext line\tand a tab — åäö 東京 🎉'
        assert clean_text(text) == text

    def test_carriage_returns_become_line_feeds_and_control_characters_go(self):
        assert clean_text("a\r\nb\rc\x00d\x1be\x7ff") == "a\nb\ncdef"

    def test_a_name_is_one_line_without_quotes(self):
        assert clean_name(' Anna\n "Ann"\tBērziņa\\ ') == "Anna Ann Bērziņa"


# --- Whatever users type, the calendar stays valid ----------------------------------------------------------

# Text that escaping, folding and parameter quoting must get right, and plain arbitrary text, some of it long.
hostile_text = st.lists(
    st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(
            [",", ";", ":", '"', "\\", "\n", "\r\n", "\r", "^", "'", "\t", " ", "\u2028", "\x85"]
        ),
    ),
    max_size=400,
).map("".join) | st.text(max_size=5000)


@settings(max_examples=300, deadline=None)
@given(
    summary=hostile_text,
    description=hostile_text,
    location=hostile_text,
    attendee_name=hostile_text,
    organizer_name=hostile_text,
)
def test_hostile_text_gives_a_valid_calendar_that_round_trips(
    summary, description, location, attendee_name, organizer_name
):
    event = an_event(
        summary=summary,
        description=description,
        location=location,
        organizer_name=organizer_name,
        attendees=(Attendee("guest@example.org", attendee_name),),
    )
    for method in ("REQUEST", "CANCEL", "PUBLISH"):
        data = build_calendar([event], method=method, stamp=STAMP, name=summary)
        assert long_lines(data) == []
        parsed = only_event(data)
        assert str(parsed["UID"]) == "session-42@visitplan.example.org"
        assert str(parsed.get("SUMMARY", "")) == clean_text(summary)
        assert str(parsed.get("DESCRIPTION", "")) == clean_text(description)
        assert str(parsed.get("LOCATION", "")) == clean_text(location)
        assert str(parsed["ORGANIZER"]) == "mailto:coordinators@example.org"
        assert parsed["ORGANIZER"].params.get("CN", "") == clean_name(organizer_name)
        if method != "PUBLISH":
            assert str(parsed["ATTENDEE"]) == "mailto:guest@example.org"
            assert parsed["ATTENDEE"].params.get("CN", "") == clean_name(attendee_name)
        assert raw_value(parsed, "DTSTART") == "20270323T080000Z"


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"])) | st.text(max_size=50))
def test_cleaning_leaves_text_without_control_characters_alone(text):
    has_control = any((c < " " and c not in "\t\n") or c == "\x7f" for c in text)
    # A backslash before n, N, a comma or a semicolon gets a word joiner (see the test below).
    escape_lookalike = re.search(r"\\[nN,;]", text) is not None
    if not has_control and not escape_lookalike:
        assert clean_text(text) == text
    assert clean_text(clean_text(text)) == clean_text(text)


@pytest.mark.parametrize("text", ["C:\\New folder", "a\\nb", "x\\,y; z\\;", "ends with \\N"])
def test_a_backslash_before_n_or_punctuation_stays_a_backslash(text):
    """icalendar 7 reads a literal backslash-N (or -n, -comma, -semicolon) as an escape, out and back in;
    clean_text keeps the pair apart with an invisible word joiner, so the text is not broken."""
    event = an_event(summary=text, description=text, location=text)
    parsed = only_event(build_calendar([event], method="REQUEST", stamp=STAMP))
    for name in ("SUMMARY", "DESCRIPTION", "LOCATION"):
        value = str(parsed[name])
        assert "\n" not in value and value.replace("\u2060", "") == text


# --- Folding: ours against icalendar's own serialiser, byte for byte ---------------------------------------

# Text that lands every kind of character on a fold: ASCII, two-, three- and four-octet UTF-8, and the
# backslash and caret icalendar keeps off the end of a folded line.
FOLD_ALPHABET = st.sampled_from(
    ["a", " ", ",", ";", "\\", "^", "å", "ö", "–", "€", "ட", "😀", "\n", ":", '"']
)


@settings(max_examples=400, deadline=None)
@given(
    summary=st.text(FOLD_ALPHABET, max_size=300),
    description=st.text(FOLD_ALPHABET, max_size=400),
    name=st.text(FOLD_ALPHABET, max_size=90),
)
def test_folding_is_icalendars_byte_for_byte(summary, description, name):
    from icalendar import Event

    from notifications.calendar import _address, fold, to_ical

    component = Event()
    component.add("summary", summary)
    component.add("description", description)
    component.add("attendee", _address("someone@example.org", name, partstat="NEEDS-ACTION"))
    assert to_ical(component) == component.to_ical()
    for line in component.content_lines():
        assert fold(line) == line.to_ical() if line else True


@pytest.mark.parametrize("octets", range(70, 80))
@pytest.mark.parametrize("tail", ["a", "\\,", "^'", "é", "€", "😀"])
def test_folding_at_every_octet_near_the_limit(octets, tail):
    """Lines whose characters straddle the 74th octet every way (the edges a random sample can miss)."""
    from icalendar.parser.content_line import Contentline

    from notifications.calendar import fold

    for shift in range(4):
        line = Contentline("X" * (octets - shift) + tail * 3 + "b" * 80)
        assert fold(line) == line.to_ical()


@settings(max_examples=300, deadline=None)
@given(
    description=st.text(FOLD_ALPHABET, max_size=300),
    url=st.text(st.sampled_from(["h", "/", ":", "?", "=", "&", "%", "-", "é", ",", ";"]), max_size=120),
    names=st.lists(st.text(FOLD_ALPHABET, max_size=60), max_size=3),
    method=st.sampled_from(["REQUEST", "CANCEL", "PUBLISH"]),
    rsvp=st.booleans(),
)
def test_a_recipients_own_lines_are_what_an_icalendar_event_writes(description, url, names, method, rsvp):
    """The attendee, DESCRIPTION and URL lines are written without an icalendar Event (one per recipient
    was most of composing a calendar): byte for byte what an Event with the same properties writes."""
    from icalendar import Event

    from notifications.calendar import _address, _personal, clean_text

    attendees = tuple(
        Attendee(f"p{i}@example.org", name, partstat="ACCEPTED", rsvp=rsvp) for i, name in enumerate(names)
    )
    event = an_event(description=description, url=url, attendees=attendees)
    reference = Event()
    if description:
        reference.add("description", clean_text(description))
    if url:
        reference.add("url", url)
    if method != "PUBLISH":
        for attendee in attendees:
            reference.add(
                "attendee",
                _address(
                    attendee.email,
                    attendee.name,
                    cutype="INDIVIDUAL",
                    role=attendee.role,
                    partstat=attendee.partstat,
                    rsvp="TRUE" if attendee.rsvp and method == "REQUEST" else "FALSE",
                ),
            )
    expected = reference.to_ical().removeprefix(b"BEGIN:VEVENT\r\n").removesuffix(b"END:VEVENT\r\n")
    assert _personal(event, method=method) == expected
