"""A coordinator's decisions about an expert's proposal, through the planner's real views, the real outbox
and a real SMTP server: accepting moves the session and re-invites the expert at once; refusing answers
them in their language; a second click finds the answer settled and changes nothing."""

from email import message_from_bytes, policy

import pytest
from django.test import Client
from django.urls import reverse

from notifications.models import OutboxMessage
from responses.answers import Proposal
from responses.models import ExpertAnswer, Settlement
from responses.services import expert_answer
from scheduling.models import ProgrammeChange, ProgrammeVersion
from tests.factories import SessionExpertFactory, SessionFactory, stockholm
from tests.responses.conftest import answer_link, deliver_due, expert_row, rows
from visits.models import Person, Session, SessionExpert

pytestmark = pytest.mark.django_db

PROPOSED = Proposal(stockholm(2027, 3, 24, 10), stockholm(2027, 3, 24, 11, 30))


@pytest.fixture
def proposal(lead, smtp) -> ExpertAnswer:
    """The expert received the invitation and proposed Wednesday 10:00 instead."""
    deliver_due()
    smtp.handler.received.clear()
    return expert_answer(
        expert_id=expert_row(lead).pk, answer="proposed", note="Tuesdays I teach.", proposals=[PROPOSED]
    )


@pytest.fixture
def karin(lead) -> Client:
    client = Client()
    client.force_login(lead.visit.coordinators.get())
    return client


def accept(client: Client, answer: ExpertAnswer, **extra):
    time = answer.proposed_times.get()
    url = reverse("planner:proposal_accept", args=[answer.expert_id])
    return client.post(url, {"time": time.pk, **extra}, follow=True)


def page_text(response) -> str:
    return response.content.decode()


def test_accepting_moves_the_session_and_re_invites_the_expert_through_the_outbox(
    lead, proposal, karin, smtp, client
):
    versions = ProgrammeVersion.objects.count()
    response = accept(karin, proposal)
    assert response.status_code == 200
    session = Session.objects.get(pk=lead.morning.pk)
    assert (session.starts_at, session.ends_at) == (PROPOSED.starts_at, PROPOSED.ends_at)
    page = page_text(response)
    assert "now takes place" in page and "The update has gone out to everyone on the session" in page
    # The session's change published alone: one version, a move, the expert asked again for the new time.
    assert ProgrammeVersion.objects.count() == versions + 1
    change = ProgrammeChange.objects.filter(version__visit=lead.visit).latest("pk")
    assert change.kind == "moved" and change.session_id == session.pk
    assert expert_row(lead).response == SessionExpert.Response.INVITED
    answer = ExpertAnswer.objects.get(pk=proposal.pk)
    assert answer.settled_as == Settlement.ACCEPTED and answer.settled_by == lead.visit.coordinators.get()
    # The real outbox delivers the update, with a link that works for the new time.
    deliver_due()
    (update,) = [r for r in smtp.handler.received if r.rcpt_tos == [lead.expert.email]]
    assert b"SEQUENCE:1" in update.raw.replace(b"\r\n ", b"")
    link = answer_link(update.raw)
    assert 'value="confirm"' in client.get(link).content.decode()
    # The delegation's calendars move too.
    assert [r for r in smtp.handler.received if r.rcpt_tos == [lead.head.person.email]]


def test_accepting_twice_says_it_is_already_settled_and_changes_nothing(lead, proposal, karin):
    accept(karin, proposal)
    versions, messages = ProgrammeVersion.objects.count(), OutboxMessage.objects.count()
    response = accept(karin, proposal)
    assert "nothing left to decide" in page_text(response) or "already settled" in page_text(response)
    assert (ProgrammeVersion.objects.count(), OutboxMessage.objects.count()) == (versions, messages)


def test_a_proposal_with_a_fatal_conflict_moves_the_session_but_sends_nothing(lead, proposal, karin):
    busy = SessionFactory(
        visit=lead.visit, title="Other talk", starts_at=PROPOSED.starts_at, ends_at=PROPOSED.ends_at
    )
    SessionExpertFactory(session=busy, person=lead.expert)
    versions, messages = ProgrammeVersion.objects.count(), OutboxMessage.objects.count()
    page = page_text(accept(karin, proposal))
    assert "blocks publishing, so nobody has been told yet" in page and "Eva Lind" in page
    assert Session.objects.get(pk=lead.morning.pk).starts_at == PROPOSED.starts_at
    assert (ProgrammeVersion.objects.count(), OutboxMessage.objects.count()) == (versions, messages)
    assert ExpertAnswer.objects.get(pk=proposal.pk).settled_as == Settlement.ACCEPTED


def test_a_time_not_proposed_is_refused_by_name(lead, proposal, karin):
    url = reverse("planner:proposal_accept", args=[proposal.expert_id])
    page = page_text(karin.post(url, {"time": "abc"}, follow=True))
    assert "Choose one of the times the expert proposed." in page
    page = page_text(karin.post(url, {"time": "999999"}, follow=True))
    assert "Choose one of the times the expert proposed." in page
    assert ExpertAnswer.objects.get(pk=proposal.pk).settled_at is None


def test_refusing_tells_the_expert_in_their_language_with_their_link(lead, proposal, karin, smtp, client):
    Person.objects.filter(pk=lead.expert.pk).update(preferred_language="sv")
    url = reverse("planner:proposal_refuse", args=[proposal.expert_id])
    page = page_text(karin.post(url, follow=True))
    assert "stays at" in page
    assert Session.objects.get(pk=lead.morning.pk).starts_at == stockholm(2027, 3, 23, 9)
    assert expert_row(lead).response == SessionExpert.Response.INVITED
    assert ExpertAnswer.objects.get(pk=proposal.pk).settled_as == Settlement.REFUSED
    (notice,) = rows(payload__notice="proposal_refused")
    assert notice.language == "sv" and notice.to_email == lead.expert.email
    deliver_due()
    (received,) = [r for r in smtp.handler.received if r.rcpt_tos == [lead.expert.email]]
    mail = message_from_bytes(received.raw, policy=policy.default)
    assert mail["Subject"] == "Tiden för ”How the police work” ligger kvar"
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert "Tack för att du föreslog en annan tid" in text and "Thank you" not in text
    link = answer_link(received.raw)
    assert 'value="confirm"' in client.get(link).content.decode()
    # A second click: already settled, no second e-mail.
    page = page_text(karin.post(url, follow=True))
    assert "already settled" in page or "nothing left to decide" in page
    assert len(rows(payload__notice="proposal_refused")) == 1


def test_the_session_page_offers_the_proposal_in_one_click(lead, proposal, karin):
    page = page_text(karin.get(reverse("planner:session_edit", args=[lead.morning.pk])))
    assert 'id="answers"' in page and "Tuesdays I teach." in page
    assert reverse("planner:proposal_accept", args=[proposal.expert_id]) in page
    assert "Accept Wednesday 24 March" in page or "Accept" in page


def test_the_board_shows_the_proposal_on_its_card(lead, proposal, karin):
    page = page_text(karin.get(reverse("planner:board", args=[lead.visit.pk])))
    card = page.split(f'id="session-{lead.morning.pk}"', 1)[1].split("</li>", 1)[0]
    assert "badge-proposed" in card and "proposes Wed 10:00" in card


def test_accepting_in_a_visit_never_published_invites_the_expert_directly(db, smtp):
    from tests.factories import UserFactory

    coordinator = UserFactory(username="ulla")
    expert = SessionExpertFactory(session=SessionFactory(venue=None))
    expert.session.visit.coordinators.add(coordinator)
    answer = expert_answer(expert_id=expert.pk, answer="proposed", proposals=[PROPOSED])
    client = Client()
    client.force_login(coordinator)
    page = page_text(accept(client, answer))
    assert "has been sent an invitation for the new time" in page
    assert not ProgrammeVersion.objects.exists()
    (invitation,) = rows(kind="invitation", person=expert.person)
    assert invitation.session_id == expert.session_id
    assert SessionExpert.objects.get(pk=expert.pk).response == SessionExpert.Response.INVITED


def test_accepting_in_swedish_speaks_swedish(lead, proposal, karin):
    karin.cookies.load({"django_language": "sv"})
    page = page_text(accept(karin, proposal, next=reverse("planner:dashboard")))
    assert "äger nu rum" in page


def test_the_board_says_it_in_swedish(lead, proposal, karin):
    karin.cookies.load({"django_language": "sv"})
    page = page_text(karin.get(reverse("planner:board", args=[lead.visit.pk])))
    assert "föreslår ons 10:00" in page and "Behöver dig" in page
    assert "Godta onsdag 24 mars, 10:00–11:30" in page and "Behåll tiden och meddela experten" in page
