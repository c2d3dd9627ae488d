"""Interpreters' calendar replies count the way experts' do: their invitation names a reply address of their
own as ORGANIZER, and the REPLY their calendar program sends to it is an answer through the interpreter
answer's owner, with its door, through the real outbox and a real SMTP server. The samples are the experts'
(tests/responses/samples/), in each program's shape."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from notifications.reply_address import INTERPRETER, read_reply_token, reply_token
from responses.calendar_replies import handle
from responses.models import CalendarReply, Door, InterpreterAnswer, ReplyOutcome
from scheduling.checks import session_conflicts
from scheduling.conflicts import ConflictKind
from tests.factories import stockholm
from tests.notifications.conftest import edit, publish
from tests.responses.conftest import deliver_due, links_in, rows
from tests.responses.test_calendar_replies import DOMAIN, LATER, ical_time, invitation_event, sample
from visits.fields import language_name
from visits.models import Person, Session, SessionInterpreter

pytestmark = pytest.mark.django_db

COORDINATOR = "karin.coordinator@si.example.org"


@pytest.fixture(autouse=True)
def reply_domain(settings):
    settings.REPLY_DOMAIN = DOMAIN


def booked(lead) -> SessionInterpreter:
    return SessionInterpreter.objects.get(session=lead.morning, person=lead.interpreter)


@pytest.fixture
def sent(lead, smtp) -> dict[str, str]:
    """The interpreter's invitation, delivered: its ORGANIZER is where their calendar program replies."""
    deliver_due()
    (invitation,) = [r for r in smtp.handler.received if r.rcpt_tos == [lead.interpreter.email]]
    event = invitation_event(invitation.raw)
    smtp.handler.received.clear()
    return {"to": str(event["ORGANIZER"])[len("mailto:") :], "uid": str(event["UID"])}


def reply(name: str, lead, sent, **fields: str) -> str | None:
    fields.setdefault("attendee", lead.interpreter.email)
    message = sample(name, to=sent["to"], uid=sent["uid"], **fields)
    return handle(message, [sent["to"]])


def latest_line(lead) -> InterpreterAnswer:
    return InterpreterAnswer.history.filter(interpreter=booked(lead)).latest("created_at", "id")


def update_to_interpreter(lead, smtp, **changes):
    """Publish a change of the session and deliver it: the update the interpreter receives."""
    smtp.handler.received.clear()
    edit(lead.morning, **changes)
    publish(lead.visit)
    deliver_due()
    (update,) = [r for r in smtp.handler.received if r.rcpt_tos == [lead.interpreter.email]]
    return update


def test_the_interpreters_invitation_names_their_own_reply_address_with_the_coordinators_name(
    lead, smtp, settings
):
    deliver_due()
    organizers = {}
    for person in (lead.expert, lead.interpreter):
        (invitation,) = [r for r in smtp.handler.received if r.rcpt_tos == [person.email]]
        organizers[person.pk] = invitation_event(invitation.raw)["ORGANIZER"]
    organizer = organizers[lead.interpreter.pk]
    assert organizer.params["CN"] == settings.ORGANIZER_NAME
    local, _, domain = str(organizer)[len("mailto:") :].partition("@")
    assert domain == DOMAIN and len(local) <= 64 and local == local.lower()
    named = read_reply_token(local[len("reply+") :])
    assert named is not None and (named.role, named.row, named.session) == (
        INTERPRETER,
        booked(lead).pk,
        lead.morning.pk,
    )
    assert organizers[lead.expert.pk] != organizer


def test_without_a_reply_domain_the_interpreters_invitation_names_the_coordinators(lead, smtp, settings):
    settings.REPLY_DOMAIN = ""
    deliver_due()
    (invitation,) = [r for r in smtp.handler.received if r.rcpt_tos == [lead.interpreter.email]]
    assert str(invitation_event(invitation.raw)["ORGANIZER"]) == f"mailto:{settings.ORGANIZER_EMAIL}"


def test_an_experts_token_cannot_be_made_an_interpreters_nor_the_reverse(lead):
    row = booked(lead)
    as_expert = reply_token(row.pk, lead.morning.pk)  # the interpreter's row id with an expert's digest
    assert read_reply_token("i" + as_expert) is None
    theirs = reply_token(row.pk, lead.morning.pk, INTERPRETER)
    assert read_reply_token(theirs[1:]) is None
    assert read_reply_token(theirs.upper()) == (INTERPRETER, row.pk, lead.morning.pk)


def test_outlook_accept_confirms_with_its_door_and_later_invitations_say_accepted(lead, sent, smtp):
    assert reply("outlook_accept.eml", lead, sent) == "answered"
    row = booked(lead)
    assert row.response == "confirmed" and row.answers == 1
    answer = InterpreterAnswer.objects.get()
    assert answer.channel == Door.CALENDAR and answer.is_answer
    (record,) = CalendarReply.objects.all()
    assert record.outcome == ReplyOutcome.ANSWERED and record.interpreter_answer == answer
    assert (record.interpreter, record.interpreter_row, record.expert_row) == (row, row.pk, None)
    assert not rows(kind="notice", payload__notice="interpreter_answer")  # a confirmation needs nobody
    update = update_to_interpreter(lead, smtp, title="How the police work today")
    event = invitation_event(update.raw)
    assert event["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED"
    assert str(event["ORGANIZER"]) == f"mailto:{sent['to']}"  # the update comes from the same organizer


def test_gmail_decline_declines_with_its_comment_reaches_coordinators_and_uncovers_the_language(
    lead, sent, smtp
):
    Session.objects.filter(pk=lead.morning.pk).update(language="sv")  # the delegation's is not Swedish
    lead.morning.refresh_from_db()
    assert ConflictKind.LANGUAGE_WITHOUT_INTERPRETER not in [c.kind for c in session_conflicts(lead.morning)]
    assert reply("gmail_decline.eml", lead, sent) == "answered"
    row = booked(lead)
    assert row.response == "declined" and row.note == "Jag är på konferens i Malmö den veckan."
    assert latest_line(lead).channel == Door.CALENDAR
    assert ConflictKind.LANGUAGE_WITHOUT_INTERPRETER in [c.kind for c in session_conflicts(lead.morning)]
    deliver_due()
    (notice,) = [r for r in smtp.handler.received if r.rcpt_tos == [COORDINATOR]]
    assert "Ivars Kalniņš" in notice.message["Subject"] and "Declined" in notice.message["Subject"]
    text = notice.message.get_body(("plain",)).get_content()
    assert "calendar reply" in text and "Malmö" in text
    # The coordinator's "needs you" and board show it, with its door.
    karin = Client()
    karin.force_login(lead.visit.coordinators.get())
    needs = karin.get(reverse("planner:needs_you", args=[lead.visit.pk])).content.decode()
    assert f'data-interpreter="{row.pk}"' in needs and "Calendar reply" in needs
    board = karin.get(reverse("planner:board", args=[lead.visit.pk])).content.decode()
    assert f'data-interpreter="{row.pk}"' in board and "Ivars Kalniņš (lv, en): Declined" in board
    # A later invitation (the session moved) says DECLINED.
    update = update_to_interpreter(lead, smtp, title="How the police work today")
    assert invitation_event(update.raw)["ATTENDEE"].params["PARTSTAT"] == "DECLINED"


def test_apple_tentative_keeps_the_interpreter_invited_tells_coordinators_and_shows_in_later_invitations(
    lead, sent, smtp
):
    assert reply("apple_tentative.eml", lead, sent) == "tentative"
    row = booked(lead)
    assert row.response == "invited" and row.answers == 0
    line = latest_line(lead)
    assert line.channel == Door.CALENDAR and not line.is_answer and line.response == "invited"
    assert line.note == "Troligen, men jag bekräftar på fredag."
    assert CalendarReply.objects.get().interpreter_answer == line
    deliver_due()
    (notice,) = [r for r in smtp.handler.received if r.rcpt_tos == [COORDINATOR]]
    assert "Tentative" in notice.message["Subject"]
    update = update_to_interpreter(lead, smtp, title="How the police work today")
    assert invitation_event(update.raw)["ATTENDEE"].params["PARTSTAT"] == "TENTATIVE"
    assert [u for u in links_in(update.raw) if "/t/" in u]  # their link to answer still comes


def test_delegated_passes_the_booking_to_the_colleague_who_gets_an_invitation_of_their_own(lead, sent, smtp):
    colleague = "liga.ozola@tulks.example.lv"
    languages = list(booked(lead).languages)
    assert reply("outlook_delegate.eml", lead, sent, DELEGATE=colleague) == "delegated"
    assert booked(lead).response == "passed"
    liga = Person.objects.get(email=colleague)
    theirs = SessionInterpreter.objects.get(session=lead.morning, person=liga)
    assert theirs.response == "invited" and list(theirs.languages) == languages
    passed = latest_line(lead)
    assert passed.channel == Door.CALENDAR and passed.colleague == liga
    assert CalendarReply.objects.get().outcome == ReplyOutcome.DELEGATED
    deliver_due()
    (invitation,) = [r for r in smtp.handler.received if r.rcpt_tos == [colleague]]
    organizer = str(invitation_event(invitation.raw)["ORGANIZER"])[len("mailto:") :]
    named = read_reply_token(organizer.split("@")[0][len("reply+") :])
    assert named == (INTERPRETER, theirs.pk, lead.morning.pk)  # their own reply address
    # The colleague may answer the invitation they were forwarded, to the first interpreter's address.
    later = ical_time(LATER + dt.timedelta(hours=1))
    assert reply("outlook_accept.eml", lead, sent, attendee=colleague, DTSTAMP=later) == "answered"
    theirs.refresh_from_db()
    assert theirs.response == "confirmed"


def test_a_counter_is_no_refusal_it_is_left_for_the_coordinators_mailbox(lead, sent):
    start, end = stockholm(2027, 3, 24, 10), stockholm(2027, 3, 24, 11, 30)
    fields = {"START": start.strftime("%Y%m%dT%H%M%S"), "END": end.strftime("%Y%m%dT%H%M%S")}
    assert reply("outlook_counter.eml", lead, sent, **fields) is None  # inbound forwards it unchanged
    assert booked(lead).response == "invited" and booked(lead).answers == 0
    assert not InterpreterAnswer.history.exists() and not CalendarReply.objects.exists()


def test_a_reply_for_an_older_sequence_than_the_last_invitation_sent_is_stale(lead, sent, smtp):
    update_to_interpreter(
        lead, smtp, starts_at=stockholm(2027, 3, 23, 9, 30), ends_at=stockholm(2027, 3, 23, 11)
    )
    assert reply("outlook_accept.eml", lead, sent, SEQUENCE="0") == "stale"
    assert booked(lead).response == "invited"
    later = ical_time(LATER + dt.timedelta(minutes=1))
    assert reply("outlook_accept.eml", lead, sent, SEQUENCE="1", DTSTAMP=later) == "answered"
    assert booked(lead).response == "confirmed"


def test_a_reply_no_newer_than_the_last_processed_one_is_stale(lead, sent):
    assert reply("outlook_accept.eml", lead, sent, DTSTAMP=ical_time(LATER)) == "answered"
    earlier = ical_time(LATER - dt.timedelta(minutes=5))
    assert reply("gmail_decline.eml", lead, sent, DTSTAMP=earlier) == "stale"
    assert reply("outlook_accept.eml", lead, sent, DTSTAMP=ical_time(LATER)) == "stale"  # the same again
    assert booked(lead).response == "confirmed" and booked(lead).answers == 1
    assert [r.outcome for r in CalendarReply.objects.order_by("pk")] == ["answered", "stale", "stale"]


def test_a_reply_from_someone_else_or_about_another_event_changes_nothing(lead, sent):
    # The expert of the same session answering at the interpreter's address is not the interpreter.
    assert reply("outlook_accept.eml", lead, sent, attendee=lead.expert.email) == "unknown-attendee"
    message = sample(
        "outlook_accept.eml", to=sent["to"], uid="other@example.net", attendee=lead.interpreter.email
    )
    assert handle(message, [sent["to"]]) == "unknown-event"
    assert booked(lead).response == "invited" and not InterpreterAnswer.history.exists()


def test_a_reply_after_the_interpreter_was_taken_off_finds_no_booking(lead, sent):
    SessionInterpreter.objects.filter(pk=booked(lead).pk).delete()
    assert reply("outlook_accept.eml", lead, sent) == "gone"
    assert CalendarReply.objects.get().outcome == ReplyOutcome.GONE


def test_the_outcomes_say_nothing_of_experts_in_swedish():
    with translation.override("sv"):
        for outcome in ReplyOutcome:
            assert "expert" not in str(outcome.label).lower(), outcome
        assert str(ReplyOutcome.UNKNOWN_ATTENDEE.label) == "Inte från den inbjudna personen"
        assert str(ReplyOutcome.GONE.label) == "Inte längre med på programpunkten"


def test_the_admins_calendar_replies_show_an_interpreters_reply_to_their_coordinator_only(lead, sent):
    from tests.factories import UserFactory
    from visits.roles import coordinators_group

    reply("outlook_accept.eml", lead, sent)
    (record,) = CalendarReply.objects.all()
    coordinator = lead.visit.coordinators.get()
    coordinator.groups.add(coordinators_group())
    karin = Client()
    karin.force_login(coordinator)
    other = UserFactory.create(username="bertil", is_staff=True)
    other.groups.add(coordinators_group())
    bertil = Client()
    bertil.force_login(other)
    changelist = reverse("admin:responses_calendarreply_changelist")
    mine = karin.get(changelist)
    assert mine.status_code == 200 and list(mine.context["cl"].queryset) == [record]
    assert not bertil.get(changelist).context["cl"].queryset.exists()


# --- Where else the interpreter's answer shows -------------------------------------------------------------


def test_the_api_shows_the_interpreters_answer_beside_the_experts_read_only_to_the_sessions_coordinator(
    lead, sent
):
    from tests.api.conftest import client_for, coordinator_named

    reply("gmail_decline.eml", lead, sent)
    url = f"/api/v1/sessions/{lead.morning.pk}/"
    body = client_for(lead.visit.coordinators.get()).get(url).json()
    (answer,) = body["interpreter_answers"]
    assert (answer["person"], answer["response"]) == (lead.interpreter.pk, "declined")
    assert answer["responded_at"] is not None
    assert [a["person"] for a in body["expert_answers"]] == [lead.expert.pk]
    # Read only: sending it changes nothing; another coordinator does not find the session at all.
    karin = client_for(lead.visit.coordinators.get())
    changed = {"interpreter_answers": [{"person": lead.interpreter.pk, "response": "confirmed"}]}
    sent_back = karin.patch(url, changed, format="json")
    assert sent_back.status_code == 200 and booked(lead).response == "declined"
    assert client_for(coordinator_named("bertil")).get(url).status_code == 404


def test_the_privacy_export_holds_the_interpreters_answers_with_their_doors(lead, sent, client):
    import json

    from visits.roles import coordinators_group

    reply("gmail_decline.eml", lead, sent)
    coordinator = lead.visit.coordinators.get()
    coordinator.groups.add(coordinators_group())
    # Only an agency admin looks after the personal data of people in no delegation (visits.access).
    coordinator.is_superuser = True
    coordinator.save()
    client.force_login(coordinator)
    response = client.get(reverse("privacy:export", args=[lead.interpreter.pk]))
    assert response.status_code == 200
    (role,) = json.loads(response.content)["interpreter_roles"]
    assert (role["session"], role["answer"], role["note"]) == (
        "How the police work",
        "declined",
        "Jag är på konferens i Malmö den veckan.",
    )
    assert [(line["answer"], line["door"]) for line in role["history"]] == [("declined", "calendar")]


def test_responses_registers_its_calendar_reply_handler_with_inbound_which_imports_nothing_of_it():
    import ast
    from pathlib import Path

    from inbound.handlers import received_handlers

    assert handle in received_handlers()
    inbound = Path(__file__).resolve().parents[2] / "inbound"
    for source in inbound.rglob("*.py"):
        tree = ast.parse(source.read_text())
        imported = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        imported += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        assert not [m for m in imported if m.split(".")[0] == "responses"], source
        assert "responses.calendar_replies" not in source.read_text(), source


def test_the_interpreters_invitation_names_the_languages_they_interpret_between(lead, smtp):
    deliver_due()
    descriptions = {}
    for person in (lead.expert, lead.interpreter):
        (invitation,) = [r for r in smtp.handler.received if r.rcpt_tos == [person.email]]
        descriptions[person.pk] = str(invitation_event(invitation.raw)["DESCRIPTION"])
    codes = booked(lead).languages
    assert len(codes) >= 2
    with translation.override("en"):
        pair = "–".join(language_name(code) for code in codes)
    assert f"You interpret between: {pair}" in descriptions[lead.interpreter.pk]
    assert "interpret between" not in descriptions[lead.expert.pk]
