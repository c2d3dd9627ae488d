"""Updates and cancellations come from the ORGANIZER the person's invitation named (their reply address), so
that every calendar program matches them to the event it has: also the cancellation to an expert or
interpreter taken off a session, whose row is gone by then. Through the real outbox, SMTP and the iCalendar
parsed."""

import pytest

from tests.notifications.conftest import edit, publish
from tests.responses.conftest import deliver_due, expert_row
from tests.responses.test_calendar_replies import DOMAIN, invitation_event
from visits.models import SessionInterpreter
from visits.services import session_expert_remove, session_interpreters_set

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def reply_domain(settings):
    settings.REPLY_DOMAIN = DOMAIN


def delivered_to(smtp, email: str, method: str = "REQUEST"):
    """The calendar event of the one message to `email` among those delivered now."""
    smtp.handler.received.clear()
    deliver_due()
    (message,) = [r for r in smtp.handler.received if r.rcpt_tos == [email]]
    return invitation_event(message.raw, method=method)


def organizer(event) -> str:
    return str(event["ORGANIZER"])


def test_an_update_comes_from_the_organizer_of_the_invitation(lead, smtp):
    invitations = {}
    deliver_due()
    for person in (lead.expert, lead.interpreter):
        (message,) = [r for r in smtp.handler.received if r.rcpt_tos == [person.email]]
        invitations[person.email] = invitation_event(message.raw)
    edit(lead.morning, title="How the police work, with a visit to the control room")
    publish(lead.visit)
    smtp.handler.received.clear()
    deliver_due()
    for email, invitation in invitations.items():
        (message,) = [r for r in smtp.handler.received if r.rcpt_tos == [email]]
        update = invitation_event(message.raw)
        assert int(update["SEQUENCE"]) > int(invitation["SEQUENCE"])
        assert organizer(invitation).endswith(f"@{DOMAIN}")
        assert (str(update["UID"]), organizer(update)) == (str(invitation["UID"]), organizer(invitation))


def test_an_expert_taken_off_gets_a_cancellation_from_the_organizer_of_their_invitation(lead, smtp, settings):
    invitation = delivered_to(smtp, lead.expert.email)
    session_expert_remove(expert=expert_row(lead), actor=None)
    publish(lead.visit)
    cancellation = delivered_to(smtp, lead.expert.email, method="CANCEL")
    assert str(cancellation["STATUS"]) == "CANCELLED"
    assert str(cancellation["UID"]) == str(invitation["UID"])
    assert organizer(cancellation) == organizer(invitation) != f"mailto:{settings.ORGANIZER_EMAIL}"
    assert cancellation["ORGANIZER"].params["CN"] == settings.ORGANIZER_NAME


def test_an_interpreter_taken_off_gets_a_cancellation_from_the_organizer_of_their_invitation(
    lead, smtp, settings
):
    invitation = delivered_to(smtp, lead.interpreter.email)
    session_interpreters_set(session=lead.morning, bookings={}, actor=None)
    assert not SessionInterpreter.objects.filter(session=lead.morning).exists()
    publish(lead.visit)
    cancellation = delivered_to(smtp, lead.interpreter.email, method="CANCEL")
    assert str(cancellation["UID"]) == str(invitation["UID"])
    assert organizer(cancellation) == organizer(invitation) != f"mailto:{settings.ORGANIZER_EMAIL}"


def test_taken_off_put_back_and_taken_off_again_the_cancellation_names_the_last_row(lead, smtp):
    from visits.services import session_expert_add

    delivered_to(smtp, lead.expert.email)
    session_expert_remove(expert=expert_row(lead), actor=None)
    publish(lead.visit)
    delivered_to(smtp, lead.expert.email, method="CANCEL")
    session_expert_add(session=lead.morning, person=lead.expert, actor=None)
    publish(lead.visit)
    again = delivered_to(smtp, lead.expert.email)  # invited again: a new row, a new reply address
    session_expert_remove(expert=expert_row(lead), actor=None)
    publish(lead.visit)
    cancellation = delivered_to(smtp, lead.expert.email, method="CANCEL")
    assert organizer(cancellation) == organizer(again)


def test_without_a_reply_domain_cancellations_name_the_coordinators(lead, smtp, settings):
    settings.REPLY_DOMAIN = ""
    delivered_to(smtp, lead.expert.email)
    session_expert_remove(expert=expert_row(lead), actor=None)
    publish(lead.visit)
    cancellation = delivered_to(smtp, lead.expert.email, method="CANCEL")
    assert organizer(cancellation) == f"mailto:{settings.ORGANIZER_EMAIL}"
