"""Coordinators triage requests in the planner: accept (the delegation with its contact and a draft visit),
ask for more (a scanner-safe link that moves the request back to triage), or decline; the requester is told
by e-mail in their language each time. The inbox is every coordinator's, and nobody else's."""

import re
import uuid

import pytest
from django.core.cache import caches
from django.db import reset_queries
from django.test import Client
from django.urls import reverse

from audit.models import AuditEntry, Door
from intake import tokens
from intake.models import NoteAuthor, RequestStatus, VisitRequest
from intake.services import request_submit
from notifications.compose import compose_message
from notifications.models import OutboxMessage
from tests.factories import PersonFactory, UserFactory
from tests.intake.conftest import form_data
from visits.models import DelegationMember, Visit
from visits.models.delegations import MemberRole
from visits.roles import coordinators_group

pytestmark = pytest.mark.django_db


def submitted(themes, **changes) -> VisitRequest:
    """A request sent through the public page (the rate limit is tested elsewhere: its count starts anew)."""
    caches["throttle"].clear()
    client = Client()
    data = form_data(themes, **changes)
    assert client.post(reverse("intake:form"), data).status_code == 302
    return VisitRequest.objects.get(submission=data["submission"])


@pytest.fixture
def anna(db):
    user = UserFactory(username="anna", is_staff=True, first_name="Anna", last_name="Planner")
    user.groups.add(coordinators_group())
    return user


@pytest.fixture
def signed_in(anna):
    client = Client()
    client.force_login(anna)
    return client


def last_email(visit_request: VisitRequest, step: str):
    message = OutboxMessage.objects.get(payload__request=visit_request.pk, payload__step=step)
    return message, compose_message(message)


def test_accepting_makes_the_delegation_its_contact_and_a_draft_visit(signed_in, anna, themes):
    visit_request = submitted(themes, language="sv")
    url = reverse("intake_triage:detail", args=[visit_request.pk])
    response = signed_in.post(url, {"action": "accept", "message": "Välkomna!"})
    assert response.status_code == 302
    visit_request.refresh_from_db()
    assert visit_request.status == RequestStatus.ACCEPTED
    assert visit_request.decided_by == anna
    visit = Visit.objects.get()
    assert response["Location"] == reverse("planner:board", args=[visit.pk])
    assert visit_request.visit == visit
    assert (visit.kind, visit.status, visit.city) == ("study_visit", "draft", "Stockholm")
    assert (visit.starts_on, visit.ends_on) == (visit_request.starts_on, visit_request.ends_on)
    assert visit.target_group == "justice"
    assert {t.slug for t in visit.themes.all()} == {"trafficking", "prostitution"}
    assert visit.programme_languages == ["lv", "en"]
    assert list(visit.coordinators.all()) == [anna]
    delegation = visit.delegation
    assert delegation == visit_request.delegation
    assert delegation.name == f"Ministry of Interior of Latvia (fictional) {visit.starts_on.year}"
    assert [c.code for c in delegation.countries] == ["LV"]
    assert delegation.languages == ["lv", "en"]
    assert list(delegation.coordinators.all()) == [anna]
    member = DelegationMember.objects.get(delegation=delegation)
    assert member.role == MemberRole.CONTACT
    person = member.person
    assert (person.name, person.email, person.preferred_language) == (
        "Ilze Testa",
        "ilze.testa@example.org",
        "sv",
    )
    assert person.organisation is not None and person.organisation.country.code == "LV"
    assert visit_request.contact == person
    # The requester is told, in Swedish, with the coordinator's words.
    message, email = last_email(visit_request, "accepted")
    assert (message.language, message.to_email, message.visit_id) == (
        "sv",
        "ilze.testa@example.org",
        visit.pk,
    )
    assert "accepterad" in email.subject
    assert "Välkomna!" in email.body
    # Audited, through the planner, by Anna.
    entry = AuditEntry.objects.filter(object_type="intake.visitrequest", action="change").last()
    assert entry is not None and entry.door == Door.PLANNER and entry.actor_user == anna
    assert entry.changes["status"] == ["triage", "accepted"]
    # Deciding again is refused, naming the field.
    again = signed_in.post(url, {"action": "decline", "message": "No."})
    assert again.status_code == 400
    assert "action" in again.context["form"].errors
    assert b"decided or answered meanwhile" in again.content
    assert VisitRequest.objects.get().status == RequestStatus.ACCEPTED
    assert not OutboxMessage.objects.filter(payload__step="declined").exists()


def test_a_second_request_of_the_same_organisation_and_year_gets_a_delegation_of_its_own(signed_in, themes):
    first, second = submitted(themes), submitted(themes, contact_email="other.contact@example.org")
    for visit_request in (first, second):
        signed_in.post(reverse("intake_triage:detail", args=[visit_request.pk]), {"action": "accept"})
    names = sorted(VisitRequest.objects.values_list("delegation__name", flat=True))
    assert names[0] != names[1] and names[1].endswith("(2)")


def test_an_existing_person_with_the_contacts_address_becomes_the_contact_unchanged(signed_in, themes):
    known = PersonFactory(name="Ilze T.", email="ILZE.TESTA@example.org")
    visit_request = submitted(themes)
    signed_in.post(reverse("intake_triage:detail", args=[visit_request.pk]), {"action": "accept"})
    visit_request.refresh_from_db()
    assert visit_request.contact == known
    known.refresh_from_db()
    assert known.name == "Ilze T."


def test_asking_for_more_sends_a_link_that_a_scanner_cannot_use_up(signed_in, themes):
    visit_request = submitted(themes, language="en")
    detail = reverse("intake_triage:detail", args=[visit_request.pk])
    response = signed_in.post(detail, {"action": "more", "message": "Which agencies do you represent?"})
    assert response.status_code == 302
    visit_request.refresh_from_db()
    assert visit_request.status == RequestStatus.MORE_ASKED
    message, email = last_email(visit_request, "more")
    assert message.language == "en"
    assert "Which agencies do you represent?" in email.body
    link = re.search(r"https?://\S+/request-a-visit/\d+/more/\S+/", email.body)
    assert link is not None
    path = link.group(0).split("://", 1)[1].split("/", 1)[1]
    requester = Client()
    # A mail scanner (GET, twice) changes nothing.
    for _ in range(2):
        page = requester.get(f"/{path}")
        assert page.status_code == 200
        assert b"Which agencies do you represent?" in page.content
    visit_request.refresh_from_db()
    assert visit_request.status == RequestStatus.MORE_ASKED
    # An empty answer names the field.
    empty = requester.post(f"/{path}", {"text": ""})
    assert empty.status_code == 400 and "text" in empty.context["form"].errors
    # The answer moves it back to triage, and the link has done its job.
    answered = requester.post(f"/{path}", {"text": "The police and the prosecution authority."})
    assert answered.status_code == 200
    visit_request.refresh_from_db()
    assert visit_request.status == RequestStatus.TRIAGE
    note = visit_request.notes.last()
    assert note is not None and (note.author, note.text) == (
        NoteAuthor.REQUESTER,
        "The police and the prosecution authority.",
    )
    assert requester.get(f"/{path}").status_code == 404
    assert requester.post(f"/{path}", {"text": "again"}).status_code == 404
    assert visit_request.notes.count() == 2
    # The coordinators see the exchange.
    shown = signed_in.get(detail)
    assert b"The police and the prosecution authority." in shown.content


def test_an_expired_or_forged_link_says_so(themes, signed_in, settings, monkeypatch):
    visit_request = submitted(themes)
    signed_in.post(
        reverse("intake_triage:detail", args=[visit_request.pk]), {"action": "more", "message": "Dates?"}
    )
    visit_request.refresh_from_db()
    token = tokens.make_token(visit_request)
    url = reverse("intake:more", args=[visit_request.pk, token])
    assert Client().get(url).status_code == 200
    forged = reverse("intake:more", args=[visit_request.pk, token[:-1] + ("0" if token[-1] != "0" else "1")])
    assert Client().get(forged).status_code == 404
    assert Client().get(reverse("intake:more", args=[visit_request.pk, "zz-zz"])).status_code == 404
    later = tokens._now() + __import__("datetime").timedelta(days=settings.INTAKE_LINK_DAYS + 1)
    monkeypatch.setattr(tokens, "_now", lambda: later)
    expired = Client().get(url)
    assert expired.status_code == 404
    assert b"no longer works" in expired.content


def test_declining_needs_a_message_and_tells_the_requester(signed_in, themes):
    visit_request = submitted(themes, language="sv")
    detail = reverse("intake_triage:detail", args=[visit_request.pk])
    missing = signed_in.post(detail, {"action": "decline", "message": "  "})
    assert missing.status_code == 400
    assert "message" in missing.context["form"].errors
    bad = signed_in.post(detail, {"action": "publish"})
    assert bad.status_code == 400 and "action" in bad.context["form"].errors
    assert (
        signed_in.post(detail, {"action": "decline", "message": "Vi har inte plats i år."}).status_code == 302
    )
    visit_request.refresh_from_db()
    assert visit_request.status == RequestStatus.DECLINED
    message, email = last_email(visit_request, "declined")
    assert message.language == "sv"
    assert "Vi har inte plats i år." in email.body
    assert "Tack för" in email.body
    assert not Visit.objects.exists()


def test_the_list_of_requests_has_a_fixed_number_of_queries(
    signed_in, themes, django_assert_num_queries, django_assert_max_num_queries
):
    """Six more requests (each with themes and an exchange) cost no query more."""
    url = reverse("intake_triage:index")
    submitted(themes)
    signed_in.get(url)  # warm: the session, the user, translations
    reset_queries()  # the log of queries keeps the last 9,000: a full one would capture none
    with django_assert_max_num_queries(10) as one:
        signed_in.get(url)
    queries = len(one.captured_queries)
    for _ in range(6):
        more = submitted(themes)
        signed_in.post(reverse("intake_triage:detail", args=[more.pk]), {"action": "more", "message": "?"})
    reset_queries()
    with django_assert_num_queries(queries):
        response = signed_in.get(url)
    assert response.status_code == 200
    assert len(response.context["requests"]) == 7
    assert b"Ministry of Interior of Latvia" in response.content
    assert b"Trafficking" in response.content


def test_the_inbox_is_every_coordinators_and_nobody_elses(anna, themes):
    visit_request = submitted(themes)
    bertil = UserFactory(username="bertil", is_staff=True)
    guest = UserFactory(username="guest")
    urls = [reverse("intake_triage:index"), reverse("intake_triage:detail", args=[visit_request.pk])]
    for user in (anna, bertil):
        client = Client()
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 200, (user, url)
        assert client.get(reverse("intake_triage:detail", args=[987654321])).status_code == 404
    guest_client = Client()
    guest_client.force_login(guest)
    for url in urls:
        assert guest_client.get(url).status_code == 404
        assert guest_client.post(url, {"action": "decline", "message": "x"}).status_code in {404, 405}
        anonymous = Client().get(url)
        assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))
    assert VisitRequest.objects.get().status == RequestStatus.TRIAGE


def test_the_links_to_the_pages(anna, client):
    assert reverse("intake:form").encode() in client.get(reverse("login")).content
    client.force_login(anna)
    assert reverse("intake_triage:index").encode() in client.get(reverse("planner:dashboard")).content


def test_a_submission_token_is_used_once_even_by_the_service(themes):
    submission = uuid.uuid4()
    data = {
        key: value
        for key, value in form_data(themes).items()
        if key not in {"submission", "themes", "consent", "website"}
    }
    data.update(group_size=8, starts_on=data["starts_on"], ends_on=data["ends_on"])
    first, made = request_submit(data=data, themes=themes, submission=submission)
    again, made_again = request_submit(data=data, themes=themes, submission=submission)
    assert made and not made_again and first.pk == again.pk


def test_a_link_sent_before_the_key_was_rotated_still_opens_with_the_old_key_as_a_fallback(
    themes, signed_in, settings
):
    visit_request = submitted(themes)
    signed_in.post(
        reverse("intake_triage:detail", args=[visit_request.pk]), {"action": "more", "message": "Dates?"}
    )
    visit_request.refresh_from_db()
    url = reverse("intake:more", args=[visit_request.pk, tokens.make_token(visit_request)])
    old = settings.SECRET_KEY
    settings.SECRET_KEY = "a-new-key-after-rotation-" + "x" * 40
    # Without the old key, the link is not ours; with it among the fallbacks, it opens.
    assert Client().get(url).status_code == 404
    settings.SECRET_KEY_FALLBACKS = [old]
    assert Client().get(url).status_code == 200


def test_the_coordinators_mailbox_is_told_of_a_new_request_and_of_an_answer_with_nothing_personal(
    signed_in, themes, settings
):
    settings.ORGANIZER_EMAIL = "visits@agency.example"
    visit_request = submitted(themes, language="sv")
    message, email = last_email(visit_request, "new")
    assert (message.to_email, message.person_id, message.visit_id) == ("visits@agency.example", None, None)
    assert email.to == ["visits@agency.example"]
    assert visit_request.organisation in email.subject
    triage = reverse("intake_triage:detail", args=[visit_request.pk])
    assert triage in email.body
    html = email.alternatives[0][0]
    assert triage in html
    # The contact's details stay behind the sign-in.
    for personal in (visit_request.contact_name, visit_request.contact_email, visit_request.contact_phone):
        if personal:
            assert personal not in email.body and personal not in html
    # The link opens the request for a coordinator; signed out, the sign-in page.
    assert signed_in.get(triage).status_code == 200
    assert Client().get(triage).status_code == 302

    # The requester answers what was asked: the mailbox is told once more, for that answer.
    signed_in.post(triage, {"action": "more", "message": "Which agencies?"})
    visit_request.refresh_from_db()
    link = tokens.make_token(visit_request)
    assert (
        Client().post(reverse("intake:more", args=[visit_request.pk, link]), {"text": "Police"}).status_code
        == 200
    )
    message, email = last_email(visit_request, "answered")
    assert message.to_email == "visits@agency.example"
    assert "back in triage" in email.body and triage in email.body
    assert OutboxMessage.objects.filter(to_email="visits@agency.example").count() == 2
