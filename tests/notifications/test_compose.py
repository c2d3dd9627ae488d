"""Composing e-mail from the outbox: the MIME tree, the calendar inside, the language, the time zone."""

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from notifications import notices
from notifications.calendar import clean_name, clean_text
from notifications.compose import compose_message, session_uid
from notifications.models import OutboxMessage
from notifications.notices import Composed, ComposeError, register_notice_composer
from notifications.wire import wire_bytes
from tests.factories import (
    OrganisationFactory,
    OutboxMessageFactory,
    PersonFactory,
    SessionExpertFactory,
    SessionFactory,
    VenueFactory,
    VisitFactory,
    stockholm,
)
from tests.notifications.conftest import (
    as_received,
    assert_utc,
    edit,
    events_of,
    long_lines,
    mime_tree,
    only_event,
    outbox_for,
    parse_ics,
    part_of_type,
    programme_message,
    programme_page_url,
    publish,
    raw_value,
    undefined_tzids,
)
from visits.models import Session, SessionExpert
from visits.services import session_change_status
from visits.timefmt import MESSAGE, format_span

SENT_AT = dt.datetime(2027, 3, 1, 7, 30, tzinfo=dt.UTC)
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("site"),
]


@pytest.fixture
def site(settings):
    settings.SITE_URL = "https://visitplan.example.org"
    settings.ORGANIZER_EMAIL = "coordinators@example.org"
    settings.ORGANIZER_NAME = "Visitplan coordinators"
    settings.DEFAULT_FROM_EMAIL = "Visitplan <visitplan@example.org>"


def calendar_part(received):
    return part_of_type(received, "text/calendar")


def attached_ics(received, filename: str) -> bytes:
    attachments = [part for part in received.iter_attachments() if part.get_filename() == filename]
    assert len(attachments) == 1, mime_tree(received)
    return attachments[0].get_content()


def plain(received) -> str:
    return part_of_type(received, "text/plain").get_content()


def html(received) -> str:
    return part_of_type(received, "text/html").get_content()


class TestMime:
    def test_an_invitation_is_mixed_alternative_plus_the_file(self, programme):
        version = publish(programme.visit)
        message = outbox_for(version, programme.expert, programme.morning.pk)
        received = as_received(compose_message(message, now=SENT_AT))
        assert mime_tree(received) == [
            (0, "multipart/mixed"),
            (1, "multipart/alternative"),
            (2, "text/plain"),
            (2, "text/html"),
            (2, "text/calendar"),
            (1, "application/ics"),
        ]
        calendar = calendar_part(received)
        assert calendar.get_param("method") == "REQUEST"
        assert calendar.get_content_charset() == "utf-8"
        assert calendar["Content-Type"].count("charset") == 1
        assert not calendar.is_attachment()
        attached = attached_ics(received, "invite.ics")
        # The same calendar; a text part's line ends are the transport's (CRLF on the wire).
        assert attached.replace(b"\r\n", b"\n") == calendar.get_content().encode().replace(b"\r\n", b"\n")
        assert parse_ics(attached)["METHOD"] == "REQUEST"

    def test_on_the_wire_every_line_ends_in_one_crlf(self, programme):
        message = OutboxMessageFactory(session=programme.morning, person=programme.expert)
        wire = wire_bytes(compose_message(message, now=SENT_AT))
        assert b"\r\r" not in wire
        assert b"BEGIN:VEVENT\r\n" in wire

    def test_headers_address_the_person_by_name_and_replies_go_to_the_coordinators(self, programme):
        expert = programme.expert
        expert.name = 'Eva "Evi" Lind, PhD'
        expert.save()
        message = OutboxMessageFactory(session=programme.morning, person=expert)
        email = compose_message(message, now=SENT_AT)
        received = as_received(email)
        assert received["To"].addresses[0].display_name == "Eva Evi Lind, PhD"
        assert received["To"].addresses[0].addr_spec == expert.email
        assert received["Reply-To"].addresses[0].addr_spec == "coordinators@example.org"
        assert received["From"].addresses[0].addr_spec == "visitplan@example.org"
        message_id = email.extra_headers["Message-ID"]
        assert message_id.startswith(f"<outbox.{message.pk}.") and message_id.endswith(
            "@visitplan.example.org>"
        )
        assert received["Message-ID"].strip() == message_id

    def test_a_message_id_already_given_to_the_row_is_kept(self, programme):
        message = OutboxMessageFactory(session=programme.morning, person=programme.expert)
        message.message_id = "<outbox.7.retry@visitplan.example.org>"
        received = as_received(compose_message(message, now=SENT_AT))
        assert received["Message-ID"].strip() == "<outbox.7.retry@visitplan.example.org>"


class TestInvitation:
    def test_the_calendar_describes_the_session_for_its_recipient(self, programme):
        version = publish(programme.visit)
        message = outbox_for(version, programme.expert, programme.morning.pk)
        ics = calendar_part(as_received(compose_message(message, now=SENT_AT))).get_content().encode()
        assert parse_ics(ics)["METHOD"] == "REQUEST"
        event = only_event(ics)
        assert str(event["UID"]) == f"session-{programme.morning.pk}@visitplan.example.org"
        assert int(event["SEQUENCE"]) == 0
        assert raw_value(event, "DTSTAMP") == "20270301T073000Z"
        assert raw_value(event, "DTSTART") == "20270323T080000Z"
        assert raw_value(event, "DTEND") == "20270323T093000Z"
        assert_utc(event, "DTSTART", "DTEND", "DTSTAMP")
        assert undefined_tzids(ics) == set()
        assert str(event["SUMMARY"]) == "How the police work"
        assert str(event["LOCATION"]) == "Polishuset, Kungsholmsgatan 43, 112 27 Stockholm"
        assert str(event["URL"]) == programme_page_url(programme.expert)
        assert str(event["STATUS"]) == "TENTATIVE"
        assert str(event["ORGANIZER"]) == "mailto:coordinators@example.org"
        assert event["ORGANIZER"].params["CN"] == "Visitplan coordinators"
        assert str(event["ATTENDEE"]) == f"mailto:{programme.expert.email}"
        assert event["ATTENDEE"].params["CN"] == "Eva Lind"
        assert event["ATTENDEE"].params["ROLE"] == "REQ-PARTICIPANT"
        assert event["ATTENDEE"].params["PARTSTAT"] == "NEEDS-ACTION"
        assert event["ATTENDEE"].params["RSVP"] == "TRUE"
        description = str(event["DESCRIPTION"])
        assert "An overview, with questions." in description
        assert "Community policing in Sweden (Latvian State Police)" in description
        assert "Polismyndigheten" in description
        assert "coordinators@example.org" in description

    @pytest.mark.parametrize(
        ("response", "partstat"),
        [
            (SessionExpert.Response.CONFIRMED, "ACCEPTED"),
            (SessionExpert.Response.DECLINED, "DECLINED"),
            (SessionExpert.Response.PROPOSED, "TENTATIVE"),
            (SessionExpert.Response.PASSED, "DELEGATED"),
            (SessionExpert.Response.INVITED, "NEEDS-ACTION"),
            (SessionExpert.Response.NOT_ASKED, "NEEDS-ACTION"),
        ],
    )
    def test_an_experts_answer_is_their_partstat(self, programme, response, partstat):
        SessionExpert.objects.filter(person=programme.expert).update(response=response)
        message = OutboxMessageFactory(session=programme.morning, person=programme.expert, role="expert")
        event = only_event(compose_message(message, now=SENT_AT).attachments[0].content)
        assert event["ATTENDEE"].params["PARTSTAT"] == partstat
        assert event["ATTENDEE"].params["ROLE"] == "REQ-PARTICIPANT"

    @pytest.mark.parametrize("role", ["interpreter", "participant"])
    def test_everyone_else_still_has_to_act(self, programme, role):
        message = OutboxMessageFactory(session=programme.morning, person=programme.interpreter, role=role)
        event = only_event(compose_message(message, now=SENT_AT).attachments[0].content)
        assert event["ATTENDEE"].params["PARTSTAT"] == "NEEDS-ACTION"
        assert event["ATTENDEE"].params["ROLE"] == "REQ-PARTICIPANT"

    def test_a_response_link_goes_into_the_description_and_the_body(self, programme):
        message = OutboxMessageFactory(session=programme.morning, person=programme.expert)
        url = "https://visitplan.example.org/answer/xyz/"
        received = as_received(compose_message(message, now=SENT_AT, response_url=url))
        event = only_event(calendar_part(received).get_content())
        assert url in str(event["DESCRIPTION"])
        assert url in plain(received) and f'href="{url}"' in html(received)

    def test_an_expert_who_has_answered_gets_no_link_and_nothing_stands_in_for_it(self, programme):
        SessionExpert.objects.filter(session=programme.morning, person=programme.expert).update(
            response=SessionExpert.Response.CONFIRMED
        )
        message = OutboxMessageFactory(session=programme.morning, person=programme.expert)
        received = as_received(compose_message(message, now=SENT_AT))
        event = only_event(calendar_part(received).get_content())
        assert "Answer the invitation" not in str(event["DESCRIPTION"])
        assert "whether you can lead it" not in plain(received)

    def test_moving_a_session_sends_an_update_with_the_next_sequence(self, programme):
        first = outbox_for(publish(programme.visit), programme.expert, programme.morning.pk)
        before = only_event(compose_message(first, now=SENT_AT).attachments[0].content)
        edit(programme.morning, starts_at=stockholm(2027, 3, 24, 13), ends_at=stockholm(2027, 3, 24, 14))
        second = outbox_for(publish(programme.visit), programme.expert, programme.morning.pk)
        email = compose_message(second, now=SENT_AT + dt.timedelta(days=1))
        after = only_event(email.attachments[0].content)
        assert str(after["UID"]) == str(before["UID"])
        assert int(after["SEQUENCE"]) == int(before["SEQUENCE"]) + 1 == 1
        assert raw_value(after, "DTSTART") == "20270324T120000Z"
        assert email.subject.startswith("Updated: How the police work")

    def test_the_body_names_the_venues_zone(self, programme):
        message = OutboxMessageFactory(session=programme.morning, person=programme.expert)
        received = as_received(compose_message(message, now=SENT_AT))
        when = "Tuesday 23 March 2027, 09:00–10:30 (Europe/Stockholm)"
        assert when in plain(received) and when in html(received)

    def test_a_session_abroad_is_shown_in_its_own_zone_with_the_readers_beside_it(self, db):
        venue = VenueFactory(
            name="Hotel Yak & Yeti", city="Kathmandu", country="NP", time_zone="Asia/Kathmandu"
        )
        visit = VisitFactory(
            kind="seminar_abroad", delegation=None, time_zone="Asia/Kathmandu", city="Kathmandu", country="NP"
        )
        session = SessionFactory(
            visit=visit,
            venue=venue,
            starts_at=dt.datetime(2027, 3, 23, 4, 15, tzinfo=dt.UTC),  # 10:00 in Kathmandu (+05:45)
            ends_at=dt.datetime(2027, 3, 23, 5, 15, tzinfo=dt.UTC),
        )
        expert = SessionExpertFactory(session=session, person__home_time_zone="Europe/Stockholm").person
        message = OutboxMessageFactory(session=session, person=expert)
        received = as_received(compose_message(message, now=SENT_AT))
        body = plain(received)
        assert "Tuesday 23 March 2027, 10:00–11:00 (Asia/Kathmandu)" in body
        assert "Your time: Tuesday 23 March 2027, 05:15–06:15 (Europe/Stockholm)" in body
        event = only_event(calendar_part(received).get_content())
        assert raw_value(event, "DTSTART") == "20270323T041500Z"
        assert "Asia/Kathmandu" not in calendar_part(received).get_content()  # no TZID to define

    def test_english_subject_and_body(self, programme):
        message = OutboxMessageFactory(session=programme.morning, person=programme.expert, language="en")
        email = compose_message(message, now=SENT_AT)
        assert email.subject == "Invitation: How the police work – Tuesday 23 March 2027, 09:00"
        assert email.body.startswith("Dear Eva Lind,\n")
        assert (
            "You are invited to lead a session in the programme of Community policing in Sweden" in email.body
        )
        assert "When: Tuesday 23 March 2027, 09:00–10:30 (Europe/Stockholm)" in email.body

    def test_swedish_subject_and_body(self, programme):
        message = OutboxMessageFactory(session=programme.morning, person=programme.expert, language="sv")
        email = compose_message(message, now=SENT_AT)
        assert email.subject == "Inbjudan: How the police work – tisdag 23 mars 2027, 09:00"
        assert email.body.startswith("Hej Eva Lind!\n")
        assert "När: tisdag 23 mars 2027, 09:00–10:30 (Europe/Stockholm)" in email.body
        received = as_received(email)
        assert '<html lang="sv">' in html(received)
        event = only_event(calendar_part(received).get_content())
        assert "Besök: Community policing in Sweden" in str(event["DESCRIPTION"])

    @pytest.mark.parametrize("language", ["de", "", "xx-YY"])
    def test_any_other_language_is_english(self, programme, language):
        message = OutboxMessageFactory(session=programme.morning, person=programme.expert, language=language)
        assert compose_message(message, now=SENT_AT).subject.startswith("Invitation: ")

    def test_text_is_not_html_escaped_in_the_plain_part(self, programme):
        edit(programme.morning, title="Q&A <live>: \"why\" & 'how'")
        message = OutboxMessageFactory(session=programme.morning, person=programme.expert)
        email = compose_message(message, now=SENT_AT)
        assert "Q&A <live>: \"why\" & 'how'" in email.subject
        assert "Q&A <live>: \"why\" & 'how'" in email.body
        assert "Q&amp;A &lt;live&gt;" in html(as_received(email))


class TestCancellation:
    def test_a_cancelled_session_sends_cancel_with_the_raised_sequence(self, programme):
        publish(programme.visit)
        session_change_status(session=programme.morning, status=Session.Status.CANCELLED)
        message = outbox_for(publish(programme.visit), programme.head.person, programme.morning.pk)
        assert message.kind == OutboxMessage.Kind.CANCELLATION
        received = as_received(compose_message(message, now=SENT_AT))
        calendar = calendar_part(received)
        assert calendar.get_param("method") == "CANCEL"
        assert calendar.get_content_charset() == "utf-8"
        ics = attached_ics(received, "invite.ics")
        assert str(parse_ics(ics)["METHOD"]) == "CANCEL"
        event = only_event(ics)
        assert str(event["STATUS"]) == "CANCELLED"
        assert int(event["SEQUENCE"]) == 1
        assert str(event["UID"]) == session_uid(programme.morning.pk)
        assert str(event["ATTENDEE"]) == f"mailto:{programme.head.person.email}"
        assert_utc(event, "DTSTART", "DTEND", "DTSTAMP")
        assert received["Subject"].strip() == "Cancelled: How the police work – Tuesday 23 March 2027, 09:00"
        assert "has been cancelled" in plain(received)

    def test_a_session_deleted_before_its_invitation_went_out_composes_from_the_version(self, programme):
        version = publish(programme.visit)
        row = OutboxMessage.objects.get(
            visit=programme.visit,
            person=programme.expert,
            session_key=programme.morning.pk,
            kind="invitation",
        )
        assert row.snapshot is None  # a live session's row does not copy what its version already keeps
        Session.objects.filter(pk=programme.morning.pk).delete()
        row.refresh_from_db()
        assert row.session_id is None and row.version_number == version.number
        event = only_event(attached_ics(as_received(compose_message(row, now=SENT_AT)), "invite.ics"))
        assert str(event["SUMMARY"]) == "How the police work"
        assert raw_value(event, "DTSTART") == "20270323T080000Z"

    def test_a_deleted_session_is_cancelled_from_its_snapshot(self, programme):
        publish(programme.visit)
        key, venue = programme.morning.pk, programme.morning.venue
        Session.objects.filter(pk=key).delete()
        version = publish(programme.visit)
        message = outbox_for(version, programme.expert, key)
        assert message.session_id is None and message.snapshot["title"] == "How the police work"
        message.refresh_from_db()
        received = as_received(compose_message(message, now=SENT_AT))
        event = only_event(attached_ics(received, "invite.ics"))
        assert str(event["UID"]) == f"session-{key}@visitplan.example.org"
        assert int(event["SEQUENCE"]) == 1
        assert str(event["STATUS"]) == "CANCELLED"
        assert str(event["SUMMARY"]) == "How the police work"
        assert raw_value(event, "DTSTART") == "20270323T080000Z"
        assert str(event["LOCATION"]).startswith(venue.name)
        assert "Tuesday 23 March 2027, 09:00–10:30 (Europe/Stockholm)" in plain(received)

    def test_a_person_taken_off_a_session_gets_a_cancel_that_says_so(self, programme):
        publish(programme.visit)
        SessionExpert.objects.filter(person=programme.expert).delete()
        message = outbox_for(publish(programme.visit), programme.expert, programme.morning.pk)
        email = compose_message(message, now=SENT_AT)
        event = only_event(email.attachments[0].content)
        assert str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) == 1
        assert email.subject.startswith("No longer on your programme: How the police work")
        assert "goes ahead without you" in email.body

    def test_swedish_cancellation(self, programme):
        programme.expert.preferred_language = "sv"
        programme.expert.save()
        publish(programme.visit)
        session_change_status(session=programme.morning, status=Session.Status.CANCELLED)
        message = outbox_for(publish(programme.visit), programme.expert, programme.morning.pk)
        email = compose_message(message, now=SENT_AT)
        assert email.subject == "Inställt: How the police work – tisdag 23 mars 2027, 09:00"
        assert "har ställts in" in email.body

    def test_nothing_to_compose_from_is_an_error(self, programme):
        message = OutboxMessageFactory(
            kind=OutboxMessage.Kind.CANCELLATION, session=None, visit=programme.visit, person=programme.expert
        )
        with pytest.raises(ComposeError):
            compose_message(message, now=SENT_AT)


class TestProgramme:
    def test_a_participant_gets_every_session_they_are_on_as_a_published_calendar(self, programme):
        other_visit_session = SessionFactory(title="Another visit's session")
        SessionExpertFactory(session=other_visit_session, person=programme.head.person)
        cancelled = SessionFactory(
            visit=programme.visit, title="Called off", starts_at=stockholm(2027, 3, 24, 9)
        )
        session_change_status(session=cancelled, status=Session.Status.CANCELLED)
        message = programme_message(programme.visit, programme.head.person)
        received = as_received(compose_message(message, now=SENT_AT))
        assert mime_tree(received) == [
            (0, "multipart/mixed"),
            (1, "multipart/alternative"),
            (2, "text/plain"),
            (2, "text/html"),
            (2, "text/calendar"),
            (1, "application/ics"),
        ]
        assert calendar_part(received).get_param("method") == "PUBLISH"
        ics = attached_ics(received, "programme.ics")
        calendar = parse_ics(ics)
        assert str(calendar["METHOD"]) == "PUBLISH"
        events = events_of(calendar)
        # The head is on the morning (whole delegation) and the afternoon (chosen): not the other two.
        assert [str(e["SUMMARY"]) for e in events] == ["How the police work", "Visit to a shelter"]
        assert [str(e["UID"]) for e in events] == [
            session_uid(programme.morning.pk),
            session_uid(programme.afternoon.pk),
        ]
        assert all("ATTENDEE" not in e for e in events)
        for event in events:
            assert_utc(event, "DTSTART", "DTEND", "DTSTAMP")
        assert undefined_tzids(ics) == set()
        url = programme_page_url(programme.head.person)
        assert url in plain(received) and f'href="{url}"' in html(received)
        assert received["Subject"].strip() == "Your programme: Community policing in Sweden"
        assert "Tuesday 23 March 2027, 14:00–15:00 (Europe/Stockholm)" in plain(received)

    def test_a_member_not_chosen_for_a_session_does_not_get_it(self, programme):
        message = programme_message(programme.visit, programme.member.person, language="sv")
        email = compose_message(message, now=SENT_AT)
        events = events_of(parse_ics(email.attachments[0].content))
        assert [str(e["SUMMARY"]) for e in events] == ["How the police work"]
        assert email.subject == "Ditt program: Community policing in Sweden"

    def test_experts_and_interpreters_are_on_their_sessions(self, programme):
        for person in (programme.expert, programme.interpreter):
            email = compose_message(programme_message(programme.visit, person), now=SENT_AT)
            assert [str(e["SUMMARY"]) for e in events_of(parse_ics(email.attachments[0].content))] == [
                "How the police work"
            ]


# --- Whatever users type, the message and its calendar stay valid -------------------------------------------

# PostgreSQL stores any text but NUL.
hostile = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=300
) | st.sampled_from(['"; DROP', "a\\", 'Ö, Å; ä: "q"\r\nx', "😀" * 80, "x" * 3000])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=hostile, description=hostile, venue=hostile, person=hostile, host=hostile)
def test_hostile_text_gives_a_valid_message(programme, title, description, venue, person, host):
    Session.objects.filter(pk=programme.morning.pk).update(title=title[:300], description=description)
    programme.morning.venue.__class__.objects.filter(pk=programme.morning.venue_id).update(
        name=venue[:200] or "x", address=venue
    )
    OrganisationFactory._meta.model.objects.filter(pk=programme.morning.host_organisation_id).update(
        name=host[:200]
    )
    expert = programme.expert
    expert.name = person[:200]
    expert.save()
    message = OutboxMessageFactory(session=programme.morning, person=expert)
    email = compose_message(message, now=SENT_AT)
    received = as_received(email)
    ics = attached_ics(received, "invite.ics")
    assert long_lines(ics) == []
    assert calendar_part(received).get_content().encode() == ics
    event = only_event(ics)
    assert str(event["SUMMARY"]) == clean_text(title[:300])
    assert clean_text(description.strip()) in str(event["DESCRIPTION"])
    assert str(event["ATTENDEE"]) == f"mailto:{expert.email}"
    assert event["ATTENDEE"].params.get("CN", "") == clean_name(person[:200])
    assert received["To"].addresses[0].addr_spec == expert.email
    assert "\n" not in received["Subject"]


def test_format_when_spans_midnight():
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Europe/Stockholm")
    start = dt.datetime(2027, 3, 23, 23, 0, tzinfo=zone)
    assert format_span(start, start + dt.timedelta(hours=2), zone, MESSAGE) == (
        "Tuesday 23 March 2027, 23:00 – Wednesday 24 March 2027, 01:00 (Europe/Stockholm)"
    )


def test_a_person_without_a_token_gets_one_for_their_link(programme):
    person = PersonFactory()
    message = programme_message(programme.visit, person)
    email = compose_message(message, now=SENT_AT)
    assert programme_page_url(person) in email.body


class TestNotice:
    """Notices are composed by the app that registered a composer for their payload's "notice"."""

    @staticmethod
    def notice(visit, name):
        return OutboxMessageFactory(
            kind=OutboxMessage.Kind.NOTICE,
            session=None,
            visit=visit,
            person=None,
            to_email="coordinators@example.org",
            language="en",
            payload={"notice": name},
        )

    def test_a_registered_composer_writes_the_notice(self, programme, monkeypatch):
        monkeypatch.setattr(notices, "_notice_composers", {})
        register_notice_composer(
            "hello", lambda message: Composed("Hello", "Hello, coordinators", "<p>Hello</p>")
        )
        email = compose_message(self.notice(programme.visit, "hello"), now=SENT_AT)
        assert email.subject == "Hello" and email.body == "Hello, coordinators"
        assert email.to == ["coordinators@example.org"]

    def test_a_notice_nobody_registered_a_composer_for_is_an_error(self, programme):
        with pytest.raises(ComposeError, match="unknown notice 'no_such_notice'"):
            compose_message(self.notice(programme.visit, "no_such_notice"), now=SENT_AT)

    def test_a_notice_has_one_composer(self, monkeypatch):
        def first(message):
            return Composed("First", "", "")

        monkeypatch.setattr(notices, "_notice_composers", {})
        register_notice_composer("hello", first)
        register_notice_composer("hello", first)  # again, as a second ready() would: no harm
        with pytest.raises(ImproperlyConfigured, match="'hello' already has a composer"):
            register_notice_composer("hello", lambda message: Composed("Second", "", ""))
