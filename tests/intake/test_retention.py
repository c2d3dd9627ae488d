"""A request's personal data goes after the retention period its consent stated (a daily task), and goes
with the person's erasure where accepting it made a person; the person's export shows it. The requester's
e-mails, about no visit yet, are delivered over real SMTP like every other row of the outbox."""

import datetime as dt

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from intake.models import RequestStatus, VisitRequest
from intake.services import NOTICE
from intake.tasks import erase_old_requests
from notifications.models import OutboxMessage, OutboxStatus
from notifications.tasks import deliver_outbox
from privacy.services import person_erase, person_export
from tests.factories import UserFactory
from tests.intake.conftest import form_data
from tests.support.smtp import SmtpServer, deliver_to

pytestmark = pytest.mark.django_db


def submitted(themes, **changes) -> VisitRequest:
    caches["throttle"].clear()  # the rate limit is tested elsewhere
    data = form_data(themes, **changes)
    assert Client().post(reverse("intake:form"), data).status_code == 302
    return VisitRequest.objects.get(submission=data["submission"])


@pytest.fixture
def coordinator_client(db):
    client = Client()
    client.force_login(UserFactory(username="anna", is_staff=True))
    return client


def decide(client: Client, visit_request: VisitRequest, action: str, message: str = "") -> None:
    url = reverse("intake_triage:detail", args=[visit_request.pk])
    assert client.post(url, {"action": action, "message": message}).status_code == 302


def age(visit_request: VisitRequest, days: int) -> None:
    VisitRequest.objects.filter(pk=visit_request.pk).update(
        status_changed_at=timezone.now() - dt.timedelta(days=days)
    )


def test_declined_and_unanswered_requests_lose_their_personal_data_after_the_period(
    coordinator_client, themes
):
    declined = submitted(themes, message="We are six police officers.")
    asked = submitted(themes, contact_email="second@example.org")
    waiting = submitted(themes, contact_email="third@example.org")
    recent = submitted(themes, contact_email="fourth@example.org")
    decide(coordinator_client, declined, "decline", "No room this year, Ilze.")
    decide(coordinator_client, asked, "more", "Which dates exactly?")
    decide(coordinator_client, recent, "decline", "Not this time.")
    period = settings.INTAKE_RETENTION_DAYS
    for row in (declined, asked, waiting):
        age(row, period + 1)
    age(recent, period - 1)

    assert erase_old_requests() == 2
    assert erase_old_requests() == 0  # safe to run twice

    for row in (declined, asked):
        row.refresh_from_db()
        assert row.erased_at is not None
        assert (row.contact_name, row.contact_phone, row.message) == ("", "", "")
        assert row.contact_email.endswith("@invalid")
        # What the report counts stays.
        assert (row.country.code, row.target_group, row.group_size) == ("LV", "justice", 8)
        assert {t.slug for t in row.themes.all()} == {"trafficking", "prostitution"}
        assert set(row.notes.values_list("text", flat=True)) == {"[erased]"}
        emails = OutboxMessage.objects.filter(payload__notice=NOTICE, payload__request=row.pk)
        assert emails and all(m.to_email.endswith("@invalid") for m in emails)
    asked.refresh_from_db()
    assert asked.status == RequestStatus.DECLINED  # its question can no longer be answered
    # Waiting for triage is the agency's to answer, not to erase; a recent decision is kept.
    for row in (waiting, recent):
        row.refresh_from_db()
        assert row.erased_at is None and row.contact_name == "Ilze Testa"


def test_the_purge_runs_daily_from_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["erase-old-visit-requests"]
    assert entry["task"] == erase_old_requests.name
    assert entry["schedule"] == 86400.0


def test_an_accepted_requests_contact_exports_and_erases_it(coordinator_client, themes):
    visit_request = submitted(themes, message="Six police officers and a prosecutor.")
    decide(coordinator_client, visit_request, "accept")
    visit_request.refresh_from_db()
    person = visit_request.contact
    assert person is not None
    exported = person_export(person)["visit_requests"]
    assert len(exported) == 1
    assert exported[0]["message"] == "Six police officers and a prosecutor."
    assert exported[0]["contact_email"] == "ilze.testa@example.org"
    assert exported[0]["retention_days"] == settings.INTAKE_RETENTION_DAYS
    person_erase(person=person, actor=None)
    visit_request.refresh_from_db()
    assert visit_request.erased_at is not None
    assert visit_request.message == "" and visit_request.contact_name == ""


def test_the_requesters_emails_are_delivered_over_smtp_in_their_language(
    coordinator_client, themes, settings
):
    with SmtpServer() as server:
        deliver_to(server, settings)
        visit_request = submitted(themes, language="sv")
        decide(coordinator_client, visit_request, "more", "Vilka datum passar er?")
        requester = OutboxMessage.objects.filter(payload__notice=NOTICE)
        rows = list(requester.order_by("pk").values_list("pk", flat=True))
        assert deliver_outbox(rows) == 2
    assert set(requester.values_list("status", flat=True)) == {OutboxStatus.SENT}
    received, asked = (r.message for r in server.handler.received)
    assert received["To"] == "ilze.testa@example.org"
    assert "Vi har tagit emot" in received["Subject"]
    body = asked.get_body(preferencelist=("plain",)).get_content()
    assert "Vilka datum passar er?" in body
    assert f"/request-a-visit/{visit_request.pk}/more/" in body
