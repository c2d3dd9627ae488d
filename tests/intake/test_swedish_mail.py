"""The requester's e-mails in Swedish have no English sentence left in them, at every step (the same check
as tests/notifications/test_swedish_mail.py makes of the programme's messages)."""

import pytest
from django.test import Client
from django.urls import reverse

from intake.services import NOTICE
from notifications.models import OutboxMessage
from tests.factories import UserFactory
from tests.intake.test_triage import submitted
from tests.notifications.test_swedish_mail import english_left, rendered

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("decision", ["more", "accept", "decline"])
def test_each_step_is_all_swedish(themes, decision):
    visit_request = submitted(themes, language="sv", message="")
    client = Client()
    client.force_login(UserFactory(username="anna", is_staff=True))
    url = reverse("intake_triage:detail", args=[visit_request.pk])
    assert client.post(url, {"action": decision, "message": "Tack!"}).status_code == 302
    organisation = visit_request.organisation
    data = [organisation, *organisation.replace(")", "").split(" ("), visit_request.contact_name, "Tack!"]
    data.append("Visitplan coordinators")
    messages = list(
        OutboxMessage.objects.filter(payload__notice=NOTICE, payload__request=visit_request.pk).order_by("pk")
    )
    assert len(messages) == 2  # the acknowledgement, and the decision's
    for message in messages:
        english, swedish = rendered(message, "en"), rendered(message, "sv")
        assert english != swedish
        assert english_left(english, swedish, data) == [], message.payload
