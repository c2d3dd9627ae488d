"""Composing a participant's survey e-mail, or its reminder (kind "survey"), for notifications' delivery.

notifications.compose calls `compose_survey` inside the recipient's language (English or Swedish; other
languages read English here and their own on the survey page, where the agency has translated the
questions)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone

from evaluations.models import SurveyRecipient
from notifications.calendar import clean_name
from notifications.models import OutboxMessage
from notifications.notices import Composed, ComposeError
from notifications.tokens import absolute


def survey_url(recipient: SurveyRecipient) -> str:
    return absolute(reverse("survey:survey", args=[recipient.token]))


def compose_survey(message: OutboxMessage) -> Composed:
    payload = message.payload or {}
    recipient_id = payload.get("recipient")
    if not isinstance(recipient_id, int) or message.person_id is None:
        raise ComposeError(f"Outbox message {message.pk}: no survey recipient in its payload")
    recipient = (
        SurveyRecipient.objects.select_related("survey__visit")
        .filter(pk=recipient_id, person_id=message.person_id)
        .first()
    )
    if recipient is None:
        raise ComposeError(f"Outbox message {message.pk}: its survey recipient is gone")
    visit = recipient.survey.visit
    expires = timezone.localtime(recipient.expires_at)
    context = {
        "name": clean_name(message.person.name if message.person else ""),
        "visit": visit,
        "survey_url": survey_url(recipient),
        "expires_on": formats.date_format(expires.date(), "DATE_FORMAT"),
        "anonymous": recipient.survey.anonymous,
        "reminder": bool(payload.get("reminder")),
        "organizer_email": settings.ORGANIZER_EMAIL,
        "organizer_name": settings.ORGANIZER_NAME,
    }
    base = "evaluations/email/survey"
    return Composed(
        subject=render_to_string(f"{base}_subject.txt", context).strip(),
        text=render_to_string(f"{base}.txt", context),
        html=render_to_string(f"{base}.html", context),
    )
