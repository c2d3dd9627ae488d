"""The expert's answer page through the real views: GET shows, POST changes, and every link refused is
refused with the right page."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

from notifications.models import OutboxMessage
from responses.models import ExpertAnswer, ProposedTime
from tests.responses.conftest import answer_link, deliver_due, edit, expert_row, links_in, publish, rows
from visits.models import Person, Session, SessionExpert, Visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def link(lead, smtp) -> str:
    """The answer link from the invitation the expert received."""
    deliver_due()
    (invitation,) = [r for r in smtp.handler.received if r.rcpt_tos == [lead.expert.email]]
    return answer_link(invitation.raw)


def state() -> tuple:
    return (
        list(SessionExpert.objects.order_by("pk").values_list("response", "answers", "note")),
        ExpertAnswer.objects.count(),
        OutboxMessage.objects.count(),
    )


def test_opening_the_link_shows_the_session_and_changes_nothing(lead, link, client):
    before = state()
    response = client.get(link)
    assert response.status_code == 200
    page = response.content.decode()
    assert "How the police work" in page
    assert "Tuesday 23 March 2027, 09:00–10:30" in page and "Stockholm" in page  # the venue's zone, named
    assert "Polishuset" in page and "Latvian State Police" in page
    # The coordinators by name, with the one address that reaches them; never a username.
    assert "Karin Sundberg" in page and settings.ORGANIZER_EMAIL in page
    assert "karin.coordinator@si.example.org" not in page and ">karin<" not in page and "karin," not in page
    assert 'method="post"' in page and "csrfmiddlewaretoken" in page
    assert response["Cache-Control"].startswith("private") and response["X-Robots-Tag"] == "noindex"
    assert client.head(link).status_code == 200
    assert state() == before


def test_the_time_is_also_shown_in_the_experts_own_zone(lead, smtp, client):
    Person.objects.filter(pk=lead.expert.pk).update(home_time_zone="Asia/Kathmandu")
    deliver_due()
    (invitation,) = [r for r in smtp.handler.received if r.rcpt_tos == [lead.expert.email]]
    page = client.get(answer_link(invitation.raw)).content.decode()
    assert "Tuesday 23 March 2027, 13:45–15:15" in page and "Asia/Kathmandu" in page


def test_confirming_records_the_answer_and_uses_the_link_up(lead, link, client):
    response = client.post(link, {"action": "confirm"})
    assert response.status_code == 302 and response["Location"] == link
    expert = expert_row(lead)
    assert expert.response == SessionExpert.Response.CONFIRMED and expert.answers == 1
    assert expert.responded_at is not None
    answer = ExpertAnswer.objects.get()
    assert answer.channel == "link" and answer.sequence == lead.morning.sequence
    # A confirmation waits for the daily digest; the reminders are withdrawn.
    assert not rows(kind="notice", payload__notice="answer")
    assert {r.status for r in rows(kind="reminder")} == {"withdrawn"}
    again = client.get(link).content.decode()
    assert "Your answer is recorded" in again and "Confirmed" in again
    assert client.post(link, {"action": "decline"}).status_code == 200  # the used-link page, no change
    assert expert_row(lead).response == SessionExpert.Response.CONFIRMED


def test_declining_with_a_reason_tells_the_coordinators_at_once(lead, link, client, smtp):
    client.post(link, {"action": "decline", "note": "Away at a conference, sorry."})
    expert = expert_row(lead)
    assert expert.response == SessionExpert.Response.DECLINED
    assert expert.note == "Away at a conference, sorry."
    (notice,) = rows(kind="notice", payload__notice="answer")
    assert notice.to_email == "karin.coordinator@si.example.org"
    deliver_due()
    (mail,) = [r for r in smtp.handler.received if r.rcpt_tos == ["karin.coordinator@si.example.org"]]
    message = mail.message
    assert "Eva Lind" in message["Subject"] and "Declined" in message["Subject"]
    text = message.get_body(("plain",)).get_content()
    assert "Away at a conference, sorry." in text and "How the police work" in text
    assert not [p for p in message.walk() if p.get_content_type() == "text/calendar"]


def test_proposing_other_times_keeps_them_in_the_venues_zone(lead, link, client):
    response = client.post(
        link,
        {
            "action": "propose",
            "date_1": "2027-03-24",
            "start_1": "13:00",
            "end_1": "14:30",
            "date_2": "2027-03-25",
            "start_2": "09:00",
            "end_2": "10:00",
            "note": "Afternoons suit me best.",
        },
    )
    assert response.status_code == 302
    assert expert_row(lead).response == SessionExpert.Response.PROPOSED
    times = list(ProposedTime.objects.order_by("starts_at"))
    assert [(t.starts_at, t.ends_at) for t in times] == [
        (dt.datetime(2027, 3, 24, 12, 0, tzinfo=dt.UTC), dt.datetime(2027, 3, 24, 13, 30, tzinfo=dt.UTC)),
        (dt.datetime(2027, 3, 25, 8, 0, tzinfo=dt.UTC), dt.datetime(2027, 3, 25, 9, 0, tzinfo=dt.UTC)),
    ]
    assert rows(kind="notice", payload__notice="answer")


@pytest.mark.parametrize(
    "data, message",
    [
        ({"date_1": "2027-03-24", "start_1": "13:00"}, "Give a date, a start and an end"),
        ({}, "Give at least one other time"),
        ({"date_1": "2027-03-24", "start_1": "15:00", "end_1": "14:00"}, "must end after it starts"),
        ({"date_1": "24 March", "start_1": "15:00", "end_1": "16:00"}, "Enter a valid date"),
    ],
)
def test_a_proposal_that_does_not_add_up_is_sent_back_with_the_reason(lead, link, client, data, message):
    before = state()
    response = client.post(link, {"action": "propose", **data})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert state() == before


def test_passing_to_a_colleague_invites_them_and_tells_the_coordinators(lead, link, client, smtp):
    response = client.post(
        link,
        {"action": "pass", "colleague_name": "Jonas Ek", "colleague_email": "jonas.ek@polisen.example.se"},
    )
    assert response.status_code == 302
    assert expert_row(lead).response == SessionExpert.Response.PASSED
    colleague = Person.objects.get(email="jonas.ek@polisen.example.se")
    taken_over = SessionExpert.objects.get(session=lead.morning, person=colleague)
    assert taken_over.response == SessionExpert.Response.INVITED
    assert ExpertAnswer.objects.get().colleague == colleague
    deliver_due()
    to_colleague = [r for r in smtp.handler.received if r.rcpt_tos == [colleague.email]]
    assert len(to_colleague) == 1
    message = to_colleague[0].message
    assert [p.get_content_type() for p in message.walk()][-1] == "application/ics"
    # The colleague's own link works and is theirs.
    page = client.get(answer_link(to_colleague[0].raw)).content.decode()
    assert "Jonas Ek" in page
    notice = [r for r in smtp.handler.received if r.rcpt_tos == ["karin.coordinator@si.example.org"]]
    assert len(notice) == 1 and "Jonas Ek" in notice[0].message.get_body(("plain",)).get_content()


def test_passing_to_yourself_or_to_someone_already_on_it_is_refused(lead, link, client):
    mine = client.post(link, {"action": "pass", "colleague_name": "Me", "colleague_email": lead.expert.email})
    assert mine.status_code == 400 and "your own address" in mine.content.decode()
    bad = client.post(link, {"action": "pass", "colleague_name": "", "colleague_email": "not-an-address"})
    assert bad.status_code == 400
    assert "colleague&#x27;s name" in bad.content.decode() or "colleague's name" in bad.content.decode()
    assert expert_row(lead).response == SessionExpert.Response.INVITED


def test_an_answer_without_the_csrf_token_is_refused(lead, link):
    client = Client(enforce_csrf_checks=True)
    assert client.get(link).status_code == 200
    refused = client.post(link, {"action": "confirm"})
    assert refused.status_code == 403
    assert "Not saved" in refused.content.decode() and "Open the page again" in refused.content.decode()
    assert expert_row(lead).response == SessionExpert.Response.INVITED


def test_the_page_is_in_the_experts_language(lead, smtp, client):
    Person.objects.filter(pk=lead.expert.pk).update(preferred_language="sv")
    deliver_due()
    (invitation,) = [r for r in smtp.handler.received if r.rcpt_tos == [lead.expert.email]]
    response = client.get(answer_link(invitation.raw))
    page = response.content.decode()
    assert response["Content-Language"] == "sv"
    assert "Bekräfta" in page and "tisdag 23 mars 2027" in page


class TestRefusedLinks:
    def test_an_altered_link_gets_a_clear_page_that_offers_a_fresh_link(self, lead, link, client):
        altered = link[:-3] + ("0" if link[-3] != "0" else "1") + link[-2:]
        response = client.get(altered)
        assert response.status_code == 200
        page = response.content.decode()
        assert "This link does not work" in page and 'name="email"' in page
        assert "How the police work" not in page  # an altered link tells nothing about anyone

    def test_an_expired_link_offers_a_fresh_one_and_sends_it(self, lead, link, client, smtp, settings):
        settings.EXPERT_LINK_DAYS = 21
        with time_machine.travel(timezone.now() + dt.timedelta(days=22), tick=False):
            page = client.get(link).content.decode()
            assert "This link has expired" in page and "How the police work" in page
            before = len(rows(kind="invitation", person=lead.expert))
            response = client.post(link + "fresh/")
            assert response.status_code == 200 and "A fresh link is on its way" in response.content.decode()
            assert len(rows(kind="invitation", person=lead.expert)) == before + 1
            client.post(link + "fresh/")  # twice in a row: still one e-mail
            assert len(rows(kind="invitation", person=lead.expert)) == before + 1
            (row,) = rows(kind="invitation", idempotency_key__startswith="fresh:")
            deliver_due()  # the fresh invitation, and the reminders that fell due in these 22 days
            (fresh,) = [r for r in smtp.handler.received if r.message["X-Visitplan-Outbox-Id"] == str(row.pk)]
            fresh_link = answer_link(fresh.raw)
            assert fresh_link != link
            assert "Confirm" in client.get(fresh_link).content.decode()
            client.post(fresh_link, {"action": "confirm"})
        assert expert_row(lead).response == SessionExpert.Response.CONFIRMED

    def test_a_link_for_an_old_time_shows_what_changed_and_cannot_confirm_the_new_time(
        self, lead, link, client
    ):
        edit(
            lead.morning,
            starts_at=lead.morning.starts_at + dt.timedelta(days=1),
            ends_at=lead.morning.ends_at + dt.timedelta(days=1),
        )
        publish(lead.visit)
        response = client.get(link)
        page = response.content.decode()
        assert "The session has changed" in page
        assert "Tuesday 23 March 2027, 09:00–10:30" in page  # was
        assert "Wednesday 24 March 2027, 09:00–10:30" in page  # now
        assert client.post(link, {"action": "confirm"}).status_code == 200
        assert expert_row(lead).response == SessionExpert.Response.INVITED
        assert not ExpertAnswer.objects.exists()

    def test_a_used_link_says_so_and_offers_a_fresh_one_for_a_change_of_mind(self, lead, link, client, smtp):
        client.post(link, {"action": "confirm"})
        page = client.get(link).content.decode()
        assert "This link has been used" in page and "E-mail me a fresh link" in page
        client.post(link + "fresh/")
        smtp.handler.received.clear()
        deliver_due()
        (fresh,) = [r for r in smtp.handler.received if r.rcpt_tos == [lead.expert.email]]
        client.post(answer_link(fresh.raw), {"action": "decline", "note": "Plans changed."})
        assert expert_row(lead).response == SessionExpert.Response.DECLINED

    def test_a_fresh_link_by_address_says_the_same_whoever_asks(self, lead, link, client):
        altered = link[:-2] + "zz/"
        before = OutboxMessage.objects.count()
        unknown = client.post(altered + "fresh/", {"email": "nobody@example.org"})
        assert OutboxMessage.objects.count() == before
        known = client.post(altered + "fresh/", {"email": lead.expert.email.upper()})
        assert unknown.content == known.content.replace(b"", b"") and known.status_code == 200
        assert rows(kind="invitation", person=lead.expert, idempotency_key__startswith="fresh:")
        assert client.post(altered + "fresh/", {"email": "not an address"}).status_code == 400

    def test_a_cancelled_session_has_nothing_to_answer(self, lead, link, client):
        Session.objects.filter(pk=lead.morning.pk).update(status=Session.Status.CANCELLED)
        page = client.get(link).content.decode()
        assert "nothing to answer" in page and 'value="confirm"' not in page
        assert client.post(link, {"action": "confirm"}).status_code == 400
        assert expert_row(lead).response == SessionExpert.Response.INVITED

    def test_a_link_made_outdated_by_the_cancellation_says_cancelled_not_changed(self, lead, link, client):
        from visits.services import session_change_status

        session_change_status(session=lead.morning, status=Session.Status.CANCELLED, actor=None)
        publish(lead.visit)  # the cancellation goes out: the link's sequence is behind now
        page = client.get(link).content.decode()
        assert "This session was cancelled" in page and "nothing to answer" in page
        assert "has changed" not in page and "has been sent to you" not in page
        assert "fresh link" not in page

    def test_a_link_of_a_cancelled_visit_says_so_in_the_experts_language(self, lead, link, client):
        Person.objects.filter(pk=lead.expert.pk).update(preferred_language="sv")
        Visit.objects.filter(pk=lead.visit.pk).update(status=Visit.Status.CANCELLED)
        page = client.get(link).content.decode()
        assert "Programpunkten är inställd" in page and "inget att svara på" in page


def test_the_page_keeps_its_address_on_this_site_yet_lets_browsers_post_its_buttons(lead, link, client):
    """Under no-referrer, browsers POST with "Origin: null" and Django's CSRF check refuses every answer."""
    response = client.get(link)
    assert response["Referrer-Policy"] == "same-origin"
    assert '<meta name="referrer" content="same-origin">' in response.content.decode()
    strict = Client(enforce_csrf_checks=True)
    strict.get(link)
    token = strict.cookies["csrftoken"].value
    answered = strict.post(
        link, {"action": "confirm", "csrfmiddlewaretoken": token}, headers={"Origin": "http://testserver"}
    )
    assert answered.status_code == 302
    assert expert_row(lead).response == SessionExpert.Response.CONFIRMED


def test_an_answer_shows_at_once_on_the_coordinators_pages(lead, link, client):
    from django.urls import reverse

    coordinator = lead.visit.coordinators.get()
    coordinator.is_superuser = True
    coordinator.save()
    client.post(link, {"action": "decline", "note": "Away."})
    client.force_login(coordinator)
    page = client.get(reverse("admin:scheduling_programme_change", args=[lead.visit.pk])).content.decode()
    assert "Eva Lind: Declined" in page
    history = client.get(reverse("admin:responses_expertanswer_changelist")).content.decode()
    assert "Eva Lind" in history and "Declined" in history and "Link in the invitation" in history


def test_an_invitation_sent_after_its_visit_was_cancelled_carries_no_answer_link(lead, smtp):
    Visit.objects.filter(pk=lead.visit.pk).update(status=Visit.Status.CANCELLED)
    deliver_due()
    received = [r for r in smtp.handler.received if r.rcpt_tos == [lead.expert.email]]
    assert received, "the invitation is still delivered"
    assert not [u for r in received for u in links_in(r.raw) if "/a/" in u]
