"""The public page that asks for a study visit, through the real views: every field's bad input is an error
naming the field (never a 500), the honeypot keeps nothing, a flood meets the rate limit, a double submit
makes one request, and the request is saved with its acknowledgement in the outbox."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from intake.models import RequestStatus, VisitRequest
from intake.services import NOTICE, WAITING
from notifications.compose import compose_message
from notifications.models import OutboxMessage
from tests.intake.conftest import form_data

pytestmark = pytest.mark.django_db

URL = "/request-a-visit/"


def test_the_page_is_public_and_states_the_retention_period(client, settings):
    settings.INTAKE_RETENTION_DAYS = 123
    response = client.get(URL)
    assert response.status_code == 200
    assert b"123 days" in response.content
    assert reverse("intake:form") == URL


def test_the_page_is_in_swedish_for_a_swedish_reader(client, settings):
    settings.INTAKE_RETENTION_DAYS = 90
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE="sv")
    assert response.status_code == 200
    assert "Be om ett studiebesök".encode() in response.content
    assert b"90 dagar" in response.content
    # The replies are offered in the page's language.
    assert response.context["form"].initial["language"] == "sv"


def test_a_request_is_saved_and_acknowledged_in_the_chosen_language(client, themes):
    response = client.post(URL, form_data(themes, language="sv"))
    assert response.status_code == 302
    assert response["Location"] == reverse("intake:thanks")
    saved = VisitRequest.objects.get()
    assert saved.status == RequestStatus.TRIAGE
    assert saved.organisation == "Ministry of Interior of Latvia (fictional)"
    assert saved.country.code == "LV"
    assert saved.target_group == "justice"
    assert {t.slug for t in saved.themes.all()} == {"trafficking", "prostitution"}
    assert saved.languages == ["lv", "en"]
    assert saved.group_size == 8
    assert saved.consented_at is not None and saved.retention_days > 0
    message = OutboxMessage.objects.get(payload__notice=NOTICE)
    assert (message.to_email, message.language, message.visit_id) == ("ilze.testa@example.org", "sv", None)
    assert message.payload == {
        "notice": "visit_request",
        "request": saved.pk,
        "step": "received",
        "note": None,
    }
    email = compose_message(message)
    assert "Vi har tagit emot" in email.subject
    assert "Ilze Testa" in email.body
    assert client.get(response["Location"]).status_code == 200


BAD_INPUT = [
    ("organisation", ""),
    ("organisation", "x" * 201),
    ("country", "XX"),
    ("country", ""),
    ("target_group", "police"),
    ("target_group", ""),
    ("themes", ["987654321"]),
    ("themes", ["not-a-number"]),
    ("themes_note", "x" * 2001),
    ("starts_on", "2027-13-40"),
    ("starts_on", ""),
    ("starts_on", "2001-01-01"),
    ("starts_on", "2999-01-01"),
    ("ends_on", "yesterday"),
    ("dates_note", "x" * 301),
    ("group_size", "0"),
    ("group_size", "61"),
    ("group_size", "eight"),
    ("group_size", ""),
    ("languages", ["zz"]),
    ("languages", []),
    ("contact_name", ""),
    ("contact_name", "x" * 201),
    ("contact_title", "x" * 201),
    ("contact_email", "not an address"),
    ("contact_email", ""),
    ("contact_phone", "1" * 41),
    ("language", "de"),
    ("message", "x" * 4001),
    ("consent", ""),
    ("submission", "not-a-uuid"),
]


@pytest.mark.parametrize(("field", "value"), BAD_INPUT, ids=lambda v: str(v)[:20])
def test_bad_input_names_the_field_and_keeps_nothing(client, themes, field, value):
    data = form_data(themes)
    if value == "" or value == []:
        data.pop(field)
    else:
        data[field] = value
    response = client.post(URL, data)
    assert response.status_code == 400
    form = response.context["form"]
    assert field in form.errors, form.errors
    # The page says which field and what is wrong with it.
    label = escape(str(form.fields[field].label))
    assert f"{label}: ".encode() in response.content or field == "submission"
    assert not VisitRequest.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_a_last_day_before_the_first_names_the_last_day(client, themes):
    first = timezone.localdate() + dt.timedelta(days=30)
    data = form_data(themes, starts_on=first.isoformat(), ends_on=(first - dt.timedelta(days=1)).isoformat())
    response = client.post(URL, data)
    assert response.status_code == 400
    assert "ends_on" in response.context["form"].errors


def test_a_visit_longer_than_three_weeks_names_the_last_day(client, themes):
    first = timezone.localdate() + dt.timedelta(days=30)
    data = form_data(themes, starts_on=first.isoformat(), ends_on=(first + dt.timedelta(days=30)).isoformat())
    response = client.post(URL, data)
    assert response.status_code == 400
    assert "ends_on" in response.context["form"].errors


def test_the_honeypot_keeps_nothing_and_says_thank_you(client, themes):
    response = client.post(URL, form_data(themes, website="http://spam.example"))
    assert response.status_code == 302
    assert response["Location"] == reverse("intake:thanks")
    assert not VisitRequest.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_a_double_submit_makes_one_request_and_one_email(client, themes):
    data = form_data(themes)
    first, second = client.post(URL, data), client.post(URL, data)
    assert first.status_code == second.status_code == 302
    assert VisitRequest.objects.count() == 1
    # One acknowledgement to the requester, one notice to the coordinators' mailbox.
    assert OutboxMessage.objects.filter(payload__notice=NOTICE).count() == 1
    assert OutboxMessage.objects.filter(payload__notice=WAITING).count() == 1
    # A new form (a new token) is a new request.
    client.post(
        URL, form_data(themes, submission=None) | {"submission": "6f1f7c1e-0000-4000-8000-000000000001"}
    )
    assert VisitRequest.objects.count() == 2


def test_a_flood_from_one_address_meets_the_rate_limit(themes, settings):
    settings.INTAKE_RATE_LIMIT = 3
    flooder, other = Client(REMOTE_ADDR="203.0.113.7"), Client(REMOTE_ADDR="198.51.100.9")
    answers = [flooder.post(URL, form_data(themes)).status_code for _ in range(6)]
    assert answers == [302, 302, 302, 429, 429, 429]
    assert VisitRequest.objects.count() == 3
    refused = flooder.post(URL, form_data(themes))
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) == settings.INTAKE_RATE_WINDOW_SECONDS
    assert b"Too many requests" in refused.content
    # Invalid posts count too, and another address is not held back.
    assert other.post(URL, {"organisation": ""}).status_code == 400
    assert other.post(URL, form_data(themes)).status_code == 302
    # Reading the page is not limited.
    assert flooder.get(URL).status_code == 200


def test_the_limit_counts_the_address_the_proxy_saw(themes, settings):
    settings.INTAKE_RATE_LIMIT = 1
    settings.PROXY_COUNT = 1
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    assert proxy.post(URL, form_data(themes), HTTP_X_FORWARDED_FOR="203.0.113.1").status_code == 302
    assert proxy.post(URL, form_data(themes), HTTP_X_FORWARDED_FOR="203.0.113.2").status_code == 302
    assert proxy.post(URL, form_data(themes), HTTP_X_FORWARDED_FOR="203.0.113.1").status_code == 429


def test_a_body_too_large_is_refused_before_it_is_read(client, themes, settings):
    settings.INTAKE_MAX_BODY_BYTES = 10_000
    response = client.post(URL, form_data(themes, message="x" * 20_000))
    assert response.status_code == 413
    assert b"too large" in response.content
    assert not VisitRequest.objects.exists()


def test_the_page_takes_no_other_method(client):
    assert client.put(URL).status_code == 405
    assert client.delete(URL).status_code == 405
