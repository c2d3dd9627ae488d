"""Answers from calendar programs: the invitation names a reply address as ORGANIZER, and the iTIP REPLY or
COUNTER that Outlook, Gmail, Apple Calendar or Thunderbird send to it is an answer, through the real outbox
and a real SMTP server. The samples (tests/responses/samples/) are in each program's shape."""

import datetime as dt
import email
import email.policy
import string
from email.message import EmailMessage
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from notifications.reply_address import check_reply_token, reply_token
from notifications.sessions import session_uid
from responses.calendar_replies import handle
from responses.models import CalendarReply, Door, ExpertAnswer, ProposedTime, ReplyOutcome
from responses.services import invite
from tests.factories import stockholm
from tests.notifications.conftest import edit, publish
from tests.responses.conftest import deliver_due, expert_row
from visits.models import Person, SessionExpert

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).parent / "samples"
DOMAIN = "svar.si.example.org"
LATER = dt.datetime(2027, 3, 15, 9, 0, tzinfo=dt.UTC)


def ical_time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


@pytest.fixture(autouse=True)
def reply_domain(settings):
    settings.REPLY_DOMAIN = DOMAIN


@pytest.fixture
def sent(lead, smtp) -> dict[str, str]:
    """The expert's invitation, delivered: its ORGANIZER is where their calendar program replies."""
    deliver_due()
    (invitation,) = [r for r in smtp.handler.received if r.rcpt_tos == [lead.expert.email]]
    event = invitation_event(invitation.raw)
    smtp.handler.received.clear()
    return {"to": str(event["ORGANIZER"])[len("mailto:") :], "uid": str(event["UID"])}


def invitation_event(raw: bytes, method: str = "REQUEST"):
    message = email.message_from_bytes(raw, policy=email.policy.default)
    (part,) = [
        p
        for p in message.walk()
        if p.get_content_type() == "text/calendar" and p.get_param("method") == method
    ]
    data = part.get_payload(decode=True)
    assert isinstance(data, bytes)
    calendar = Calendar.from_ical(data)
    assert str(calendar["METHOD"]) == method
    (event,) = calendar.walk("VEVENT")
    return event


def sample(name: str, *, to: str, attendee: str, uid: str, **fields: str) -> EmailMessage:
    values = {
        "TO": to,
        "TO_UPPER": to.upper(),
        "ATTENDEE": attendee,
        "ATTENDEE_UPPER": attendee.upper(),
        "UID": uid,
        "SEQUENCE": "0",
        "DTSTAMP": ical_time(LATER),
        **fields,
    }
    text = string.Template((SAMPLES / name).read_text()).substitute(values)
    message = email.message_from_bytes(text.encode(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def reply(name: str, lead, sent, *, recipients: list[str] | None = None, **fields: str) -> str | None:
    fields.setdefault("attendee", lead.expert.email)
    message = sample(name, to=sent["to"], uid=sent["uid"], **fields)
    return handle(message, [sent["to"]] if recipients is None else recipients)


def latest_answer(lead) -> ExpertAnswer:
    return ExpertAnswer.history.filter(expert=expert_row(lead)).latest("created_at", "id")


# --- The reply address -------------------------------------------------------------------------------------


def test_the_invitation_names_the_reply_address_as_organizer_with_the_coordinators_name(lead, smtp, settings):
    deliver_due()
    (invitation,) = [r for r in smtp.handler.received if r.rcpt_tos == [lead.expert.email]]
    event = invitation_event(invitation.raw)
    address = str(event["ORGANIZER"])[len("mailto:") :]
    local, _, domain = address.partition("@")
    assert domain == DOMAIN and local.startswith("reply+") and len(local) <= 64
    token = local[len("reply+") :]
    assert token == token.lower() and check_reply_token(token.upper()) == (
        expert_row(lead).pk,
        lead.morning.pk,
    )
    assert event["ORGANIZER"].params["CN"] == settings.ORGANIZER_NAME
    # The e-mail's Reply-To stays the coordinators': a person's answer reaches a person.
    message = email.message_from_bytes(invitation.raw, policy=email.policy.default)
    assert settings.ORGANIZER_EMAIL in message["Reply-To"]
    # The delegation's invitations are as before.
    to_head = [r for r in smtp.handler.received if r.rcpt_tos == [lead.head.person.email]]
    assert to_head
    for received in to_head:
        message = email.message_from_bytes(received.raw, policy=email.policy.default)
        for part in message.walk():
            if part.get_content_type() == "text/calendar":
                data = part.get_payload(decode=True)
                assert isinstance(data, bytes)
                for event in Calendar.from_ical(data).walk("VEVENT"):
                    assert str(event["ORGANIZER"]) == f"mailto:{settings.ORGANIZER_EMAIL}"


def test_without_a_reply_domain_invitations_stay_as_they_were(lead, smtp, settings):
    settings.REPLY_DOMAIN = ""
    deliver_due()
    (invitation,) = [r for r in smtp.handler.received if r.rcpt_tos == [lead.expert.email]]
    assert str(invitation_event(invitation.raw)["ORGANIZER"]) == f"mailto:{settings.ORGANIZER_EMAIL}"


# --- Each PARTSTAT, from each program ----------------------------------------------------------------------


def test_outlook_accept_confirms_through_the_door_calendar_reply(lead, sent, smtp):
    assert reply("outlook_accept.eml", lead, sent) == "answered"
    expert = expert_row(lead)
    assert expert.response == SessionExpert.Response.CONFIRMED and expert.answers == 1
    answer = latest_answer(lead)
    assert answer.channel == Door.CALENDAR and answer.is_answer
    (record,) = CalendarReply.objects.all()
    assert record.outcome == ReplyOutcome.ANSWERED and record.answer == answer
    assert record.partstat == "ACCEPTED" and record.sequence == 0
    # A later invitation says ACCEPTED for them.
    invite(expert, key="later-invitation")
    deliver_due()
    (later,) = [r for r in smtp.handler.received if r.rcpt_tos == [lead.expert.email]]
    (attendee,) = [invitation_event(later.raw)["ATTENDEE"]]
    assert attendee.params["PARTSTAT"] == "ACCEPTED"


def test_gmail_decline_with_an_attached_invite_ics_declines_with_its_comment_and_tells_coordinators(
    lead, sent, smtp
):
    # Gmail leaves SEQUENCE out and sends the calendar twice: inline and as invite.ics (application/ics).
    assert reply("gmail_decline.eml", lead, sent) == "answered"
    expert = expert_row(lead)
    assert expert.response == SessionExpert.Response.DECLINED
    assert expert.note == "Jag är på konferens i Malmö den veckan."
    assert CalendarReply.objects.get().sequence is None
    deliver_due()
    (notice,) = [r for r in smtp.handler.received if r.rcpt_tos == ["karin.coordinator@si.example.org"]]
    text = notice.raw.decode("utf-8", "replace")
    assert "Eva Lind" in text and "calendar reply" in text


def test_apple_tentative_keeps_the_expert_invited_and_records_it_visibly(lead, sent, smtp):
    # METHOD only inside the calendar, MAILTO: and the address in capitals, CN quoted, a VTIMEZONE.
    assert reply("apple_tentative.eml", lead, sent) == "tentative"
    expert = expert_row(lead)
    assert expert.response == SessionExpert.Response.INVITED and expert.answers == 0
    line = latest_answer(lead)
    assert line.channel == Door.CALENDAR and not line.is_answer
    assert line.note == "Troligen, men jag bekräftar på fredag."
    assert CalendarReply.objects.get().outcome == ReplyOutcome.TENTATIVE
    # The admin's answers show it as tentative, with its door.
    coordinator = lead.visit.coordinators.get()
    coordinator.is_superuser = True
    coordinator.save()
    karin = Client()
    karin.force_login(coordinator)
    page = karin.get(reverse("admin:responses_expertanswer_changelist"))
    assert list(page.context["cl"].result_list) == [line]
    assert "Tentative" in page.content.decode() and "Calendar reply" in page.content.decode()
    deliver_due()
    (notice,) = [r for r in smtp.handler.received if r.rcpt_tos == ["karin.coordinator@si.example.org"]]
    assert "Tentative" in notice.raw.decode("utf-8", "replace")
    # A later invitation says TENTATIVE for them, and still carries their link to answer.
    smtp.handler.received.clear()
    invite(expert, key="later-invitation")
    deliver_due()
    (later,) = [r for r in smtp.handler.received if r.rcpt_tos == [lead.expert.email]]
    assert invitation_event(later.raw)["ATTENDEE"].params["PARTSTAT"] == "TENTATIVE"
    assert "/a/" in later.raw.decode("utf-8", "replace")


def test_a_reply_with_several_vevents_and_a_vtimezone_answers_for_ours(lead, sent):
    assert reply("thunderbird_several.eml", lead, sent) == "answered"
    assert expert_row(lead).response == SessionExpert.Response.CONFIRMED


def test_delegated_passes_the_session_to_the_colleague_who_gets_an_invitation_of_their_own(lead, sent, smtp):
    colleague = "olof.berg@polisen.example.org"
    assert reply("outlook_delegate.eml", lead, sent, DELEGATE=colleague) == "delegated"
    assert expert_row(lead).response == SessionExpert.Response.PASSED
    olof = Person.objects.get(email=colleague)
    assert olof.name == "Olof Berg"
    taken_over = SessionExpert.objects.get(session=lead.morning, person=olof)
    assert taken_over.response == SessionExpert.Response.INVITED
    assert latest_answer(lead).channel == Door.CALENDAR and latest_answer(lead).colleague == olof
    deliver_due()
    (invitation,) = [r for r in smtp.handler.received if r.rcpt_tos == [colleague]]
    event = invitation_event(invitation.raw)
    assert str(event["ORGANIZER"]).endswith(f"@{DOMAIN}")
    assert str(event["ORGANIZER"]) != f"mailto:{sent['to']}"  # their own reply address
    # The colleague may answer the invitation they were forwarded, to the first expert's address.
    accepted = sample(
        "outlook_accept.eml",
        to=sent["to"],
        uid=sent["uid"],
        attendee=colleague,
        DTSTAMP=ical_time(LATER + dt.timedelta(hours=1)),
    )
    assert handle(accepted, [sent["to"]]) == "answered"
    taken_over.refresh_from_db()
    assert taken_over.response == SessionExpert.Response.CONFIRMED


# --- COUNTER and DECLINECOUNTER ----------------------------------------------------------------------------

PROPOSED_START = stockholm(2027, 3, 24, 10)
PROPOSED_END = stockholm(2027, 3, 24, 11, 30)


def counter(lead, sent) -> str | None:
    return reply(
        "outlook_counter.eml",
        lead,
        sent,
        START=PROPOSED_START.strftime("%Y%m%dT%H%M%S"),
        END=PROPOSED_END.strftime("%Y%m%dT%H%M%S"),
    )


@pytest.fixture
def karin(lead) -> Client:
    client = Client()
    client.force_login(lead.visit.coordinators.get())
    return client


def test_counter_is_a_proposal_the_coordinators_see_with_its_door(lead, sent, karin):
    assert counter(lead, sent) == "counter"
    expert = expert_row(lead)
    assert expert.response == SessionExpert.Response.PROPOSED
    (time,) = ProposedTime.objects.filter(answer__expert=expert)
    assert (time.starts_at, time.ends_at) == (PROPOSED_START, PROPOSED_END)
    assert expert.note.startswith("Tisdagar undervisar jag.")
    # Needs you, the session's page and the admin's answers show it, with its door.
    coordinator = lead.visit.coordinators.get()
    coordinator.is_superuser = True  # the admin's answers need the permission to view them
    coordinator.save()
    for url in (
        reverse("planner:needs_you", args=[lead.visit.pk]),
        reverse("planner:session_edit", args=[lead.morning.pk]),
        reverse("admin:responses_expertanswer_changelist"),
    ):
        page = karin.get(url).content.decode()
        assert "Calendar reply" in page, url
        assert "Eva Lind" in page, url


def test_refusing_a_counter_sends_declinecounter_with_the_refusal(lead, sent, karin, smtp):
    counter(lead, sent)
    response = karin.post(reverse("planner:proposal_refuse", args=[expert_row(lead).pk]), follow=True)
    assert response.status_code == 200
    deliver_due()
    (refusal,) = [r for r in smtp.handler.received if r.rcpt_tos == [lead.expert.email]]
    event = invitation_event(refusal.raw, method="DECLINECOUNTER")
    assert str(event["UID"]) == session_uid(lead.morning.pk) == sent["uid"]
    assert int(event["SEQUENCE"]) == 0
    assert str(event["ATTENDEE"]).lower() == f"mailto:{lead.expert.email}".lower()
    assert str(event["ORGANIZER"]) == f"mailto:{sent['to']}"
    assert expert_row(lead).response == SessionExpert.Response.INVITED


def test_refusing_a_proposal_from_the_link_sends_no_declinecounter(lead, sent, karin, smtp):
    from responses.answers import Proposal
    from responses.services import expert_answer

    expert_answer(
        expert_id=expert_row(lead).pk, answer="proposed", proposals=[Proposal(PROPOSED_START, PROPOSED_END)]
    )
    karin.post(reverse("planner:proposal_refuse", args=[expert_row(lead).pk]))
    deliver_due()
    (refusal,) = [r for r in smtp.handler.received if r.rcpt_tos == [lead.expert.email]]
    assert b"DECLINECOUNTER" not in refusal.raw


# --- Stale, strangers, forgeries ---------------------------------------------------------------------------


def test_a_reply_for_an_older_sequence_than_the_last_invitation_sent_is_stale(lead, sent, smtp):
    edit(lead.morning, starts_at=stockholm(2027, 3, 23, 9, 30), ends_at=stockholm(2027, 3, 23, 11))
    publish(lead.visit)
    deliver_due()  # the update, SEQUENCE 1, reaches the expert
    assert reply("outlook_accept.eml", lead, sent, SEQUENCE="0") == "stale"
    assert expert_row(lead).response == SessionExpert.Response.INVITED
    assert CalendarReply.objects.get().outcome == ReplyOutcome.STALE
    # The same click for the update counts.
    later = ical_time(LATER + dt.timedelta(minutes=1))
    assert reply("outlook_accept.eml", lead, sent, SEQUENCE="1", DTSTAMP=later) == "answered"


def test_the_sequence_is_the_experts_own_not_the_sessions(lead, sent):
    # The session's SEQUENCE rises without a new invitation to this expert: their reply still counts.
    type(lead.morning).objects.filter(pk=lead.morning.pk).update(sequence=5)
    assert reply("outlook_accept.eml", lead, sent, SEQUENCE="0") == "answered"


def test_a_reply_no_newer_than_the_last_processed_one_is_stale(lead, sent):
    assert reply("outlook_accept.eml", lead, sent, DTSTAMP=ical_time(LATER)) == "answered"
    earlier = ical_time(LATER - dt.timedelta(minutes=5))
    assert reply("gmail_decline.eml", lead, sent, DTSTAMP=earlier) == "stale"
    assert expert_row(lead).response == SessionExpert.Response.CONFIRMED
    assert [r.outcome for r in CalendarReply.objects.order_by("pk")] == ["answered", "stale"]


def test_a_reply_from_someone_else_changes_nothing(lead, sent):
    assert reply("outlook_accept.eml", lead, sent, attendee="mallory@example.net") == "unknown-attendee"
    assert expert_row(lead).response == SessionExpert.Response.INVITED
    assert CalendarReply.objects.get().attendee == "mallory@example.net"


def test_a_reply_about_another_event_changes_nothing(lead, sent):
    message = sample("outlook_accept.eml", to=sent["to"], uid="other@example.net", attendee=lead.expert.email)
    assert handle(message, [sent["to"]]) == "unknown-event"
    assert expert_row(lead).response == SessionExpert.Response.INVITED


def test_an_altered_or_forged_token_is_not_ours(lead, sent):
    local, _, domain = sent["to"].partition("@")
    flipped = local[:-1] + ("0" if local[-1] != "0" else "1")
    other_row = reply_token(expert_row(lead).pk + 1, lead.morning.pk).split("x")
    forged = f"reply+{other_row[0]}x{other_row[1]}x{local.split('x')[2]}"  # another row, this digest
    for address in (f"{flipped}@{domain}", f"{forged}@{domain}", f"{local}@elsewhere.example.net"):
        assert reply("outlook_accept.eml", lead, {**sent, "to": address}) is None, address
    assert expert_row(lead).response == SessionExpert.Response.INVITED
    assert not CalendarReply.objects.exists()


def test_the_token_is_found_in_the_headers_and_in_any_case(lead, sent):
    # The envelope names another address; the To header carries the reply address, upper-cased.
    message = sample("outlook_accept.eml", to=sent["to"].upper(), uid=sent["uid"], attendee=lead.expert.email)
    assert handle(message, ["postmaster@" + DOMAIN]) == "answered"


def test_a_note_without_a_calendar_is_not_a_calendar_reply(lead, sent):
    assert reply("human_note.eml", lead, sent) is None
    assert not CalendarReply.objects.exists()


def test_the_door_is_named_in_swedish():
    from django.utils import translation

    with translation.override("sv"):
        assert str(Door.CALENDAR.label) == "Svar från kalendern"
        assert str(ReplyOutcome.STALE.label).startswith("Inaktuellt")


def test_the_admins_calendar_replies_show_a_coordinator_only_their_own_visits(lead, sent):
    from tests.factories import UserFactory
    from visits.roles import coordinators_group

    reply("outlook_accept.eml", lead, sent)
    (record,) = CalendarReply.objects.all()
    karin = Client()
    karin.force_login(lead.visit.coordinators.get())
    bertil_user = UserFactory.create(username="bertil", is_staff=True)
    bertil_user.groups.add(coordinators_group())
    bertil = Client()
    bertil.force_login(bertil_user)
    changelist = reverse("admin:responses_calendarreply_changelist")
    lead.visit.coordinators.get().groups.add(coordinators_group())
    mine = karin.get(changelist)
    assert mine.status_code == 200 and mine.context["cl"].queryset.filter(pk=record.pk).exists()
    theirs = bertil.get(changelist)
    assert theirs.status_code == 200 and not theirs.context["cl"].queryset.exists()
    change = reverse("admin:responses_calendarreply_change", args=[record.pk])
    missing = reverse("admin:responses_calendarreply_change", args=[record.pk + 1000])
    got, expected = bertil.get(change), bertil.get(missing)
    assert (got.status_code, got.get("Location")) == (expected.status_code, expected.get("Location"))


def test_a_calendar_that_does_not_parse_or_answers_nothing_changes_nothing(lead, sent):
    garbage = sample("outlook_accept.eml", to=sent["to"], uid=sent["uid"], attendee=lead.expert.email)
    for part in garbage.walk():
        if part.get_content_type() == "text/calendar":
            part.set_payload("BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nDTSTART:not a time\r\n")
    assert handle(garbage, [sent["to"]]) is None
    # A REPLY whose PARTSTAT is still NEEDS-ACTION answers nothing: recorded, and the expert stays invited.
    needs_action = sample("outlook_accept.eml", to=sent["to"], uid=sent["uid"], attendee=lead.expert.email)
    for part in needs_action.walk():
        if part.get_content_type() == "text/calendar":
            text = (
                part.get_payload(decode=True).decode().replace("PARTSTAT=ACCEPTED", "PARTSTAT=NEEDS-ACTION")
            )
            part.set_payload(text)
    assert handle(needs_action, [sent["to"]]) == "refused"
    assert expert_row(lead).response == SessionExpert.Response.INVITED


def test_a_batch_of_invitations_with_reply_addresses_costs_the_same_queries_for_one_or_many(lead, sent):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from notifications.compose import compose_message, preload
    from notifications.models import MessageKind, OutboxMessage
    from tests.factories import SessionExpertFactory

    reply("apple_tentative.eml", lead, sent)  # one of them is tentative: the hook has something to find
    for number in range(4):
        extra = SessionExpertFactory.create(session=lead.morning, person__name=f"Expert {number}")
        invite(extra, key=f"batch-{number}")
    invite(expert_row(lead), key="batch-eva")
    messages = list(
        OutboxMessage.objects.filter(kind=MessageKind.INVITATION, idempotency_key__startswith="batch-")
        .select_related("person", "visit", "session")
        .order_by("pk")
    )
    assert len(messages) == 5

    def cost(batch: list[OutboxMessage]) -> int:
        with CaptureQueriesContext(connection) as captured:
            preloaded = preload(batch)
            composed = [compose_message(m, preloaded=preloaded) for m in batch]
        assert all("reply+" in str(c.alternatives[1][0]) for c in composed)
        return len(captured)

    assert cost(messages[:1]) == cost(messages)
