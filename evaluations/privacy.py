"""What evaluations holds about a person, for their export and their erasure.

Export: each survey they were asked (the visit, until when the link worked, the day they answered) and, in
a named survey, their answers. An anonymous survey's answers are not linked to them, so they cannot be
exported: the export says so.

Erasure: their links stop working (a new random token, expired now); a named response is cut from them (it
becomes as anonymous as the others) and its free text loses their name, e-mail and phone. Ratings stay, so
the figures of visits and reports do not change; anonymous answers are not theirs to find, and stay.
"""

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evaluations.models import SurveyAnswer, SurveyRecipient, SurveyResponse
from notifications.models import new_token
from privacy.registry import register_exporter, register_redactor
from privacy.scrub import scrub_text


def export(person_id: int) -> list[dict[str, Any]]:
    recipients = (
        SurveyRecipient.objects.filter(person_id=person_id).select_related("survey__visit").order_by("pk")
    )
    named = {
        r.recipient_id: r
        for r in SurveyResponse.objects.filter(recipient__person_id=person_id).prefetch_related(
            "answers__question"
        )
    }
    found = []
    for recipient in recipients:
        response = named.get(recipient.pk)
        found.append(
            {
                "visit": recipient.survey.visit_id,
                "visit_title": recipient.survey.visit.title,
                "anonymous": recipient.survey.anonymous,
                "link_works_until": recipient.expires_at,
                "answered_on": recipient.answered_on,
                "answers": (
                    [
                        {"question": a.question.text_en, "rating": a.rating, "text": a.text}
                        for a in response.answers.all()
                    ]
                    if response is not None
                    else "anonymous: not linked to the person"
                    if recipient.survey.anonymous and recipient.answered_on
                    else []
                ),
            }
        )
    return found


def redact(person_id: int, values: Sequence[str]) -> int:
    changed = 0
    with transaction.atomic():
        now = timezone.now()
        for recipient in SurveyRecipient.objects.select_for_update().filter(person_id=person_id):
            recipient.token = new_token()
            recipient.expires_at = min(recipient.expires_at, now)
            recipient.save(update_fields=["token", "expires_at"])
            changed += 1
        responses = list(
            SurveyResponse.objects.filter(recipient__person_id=person_id).values_list("pk", flat=True)
        )
        for answer in SurveyAnswer.objects.filter(response_id__in=responses).exclude(text=""):
            scrubbed = scrub_text(answer.text, values)
            if scrubbed != answer.text:
                answer.text = scrubbed
                answer.save(update_fields=["text"])
                changed += 1
        changed += SurveyResponse.objects.filter(pk__in=responses).update(recipient=None)
    return changed


def count(person_id: int) -> int:
    return SurveyRecipient.objects.filter(person_id=person_id).count()


def register() -> None:
    register_redactor(
        "evaluations",
        _("Survey links (stopped) and named survey answers (cut from the person; ratings kept)"),
        redact,
        count=count,
    )
    register_exporter("evaluations", export)
