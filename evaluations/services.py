"""Writes of evaluations: sending the surveys of visits that have ended; recording a participant's answers.

Sending is idempotent: one survey per visit, one recipient row per person, and one outbox row per person for
the survey and one for its reminder (unique idempotency keys), however often the daily task runs. The
reminder is written with the survey, due SURVEY_REMINDER_DAYS later, and withdrawn at sending time when the
person has answered by then, or their link has expired (`unwanted_survey_messages`, asked by the delivery
through notifications.hooks): so it goes out at most once, and only to those who have not answered.
"""

import datetime as dt
from collections.abc import Mapping, Sequence

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from audit import log as audit_log
from audit.models import Action, ActorKind
from evaluations.models import (
    EvaluationSettings,
    Question,
    Survey,
    SurveyAnswer,
    SurveyRecipient,
    SurveyResponse,
)
from evaluations.participants import participants_of
from notifications.models import MessageKind, OutboxMessage
from notifications.outbox import dispatch_on_commit, new_message_id, outbox_create
from visits.models import Person, Visit, VisitStatus

# A visit that reached one of these and has ended is evaluated; a draft, planned or cancelled one is not.
EVALUATED_STATUSES = (VisitStatus.PUBLISHED, VisitStatus.UNDER_WAY, VisitStatus.COMPLETED)
# An erased person's placeholder address (privacy.scrub.placeholder_email): never written to.
ERASED_DOMAIN = "@erased.invalid"

# What the log names as the actor of an anonymous response: never the person.
ANONYMOUS = audit_log.Actor(ActorKind.PARTICIPANT_LINK, label="an anonymous participant")


class SurveyRefused(Exception):
    """The answers cannot be saved: the link expired, or an anonymous survey was answered already."""


def visits_to_survey(today: dt.date) -> QuerySet[Visit]:
    """Visits that ended before `today`, at most SURVEY_SEND_WITHIN_DAYS ago, and were held."""
    return Visit.objects.filter(
        status__in=EVALUATED_STATUSES,
        ends_on__lt=today,
        ends_on__gte=today - dt.timedelta(days=settings.SURVEY_SEND_WITHIN_DAYS),
    ).order_by("pk")


def survey_key(survey_id: int, person_id: int, *, reminder: bool = False) -> str:
    key = f"survey:{survey_id}:person:{person_id}"
    return f"{key}:reminder" if reminder else key


def _rows_for(
    recipient: SurveyRecipient, person: Person, visit_id: int, now: dt.datetime
) -> list[OutboxMessage]:
    rows = []
    for reminder in (False, True):
        send_at = now + dt.timedelta(days=settings.SURVEY_REMINDER_DAYS) if reminder else now
        rows.append(
            OutboxMessage(
                idempotency_key=survey_key(recipient.survey_id, person.pk, reminder=reminder),
                kind=MessageKind.SURVEY,
                visit_id=visit_id,
                person=person,
                role="participant",
                to_email=person.email,
                # The person's own language: the e-mail is written in English or Swedish, the questions
                # on the survey page in their language where the agency has translated them.
                language=(person.preferred_language or "en")[:8],
                send_at=send_at,
                message_id=new_message_id(),
                payload={"survey": recipient.survey_id, "recipient": recipient.pk, "reminder": int(reminder)},
            )
        )
    return rows


@transaction.atomic
def surveys_send(*, today: dt.date, now: dt.datetime | None = None) -> list[OutboxMessage]:
    """Make the surveys of the visits that have ended (`visits_to_survey`) and queue a link to each
    participant not asked yet, with its reminder. Returns the outbox rows written now."""
    now = now or timezone.now()
    visits = list(visits_to_survey(today))
    if not visits:
        return []
    participants = participants_of([visit.pk for visit in visits])
    people = Person.objects.in_bulk({pk for found in participants.values() for pk in found})
    questions: list[Question] | None = None
    anonymous: bool | None = None
    rows: list[OutboxMessage] = []
    for visit in visits:
        wanted = [
            people[pk]
            for pk in sorted(participants[visit.pk])
            if pk in people and not people[pk].email.endswith(ERASED_DOMAIN)
        ]
        if not wanted:
            continue
        # The visit's row is the lock: two runs at once (two beats) make one survey and ask each person once.
        Visit.objects.select_for_update().filter(pk=visit.pk).values_list("pk").first()
        survey = Survey.objects.filter(visit=visit).first()
        if survey is None:
            if questions is None:
                questions = list(Question.objects.filter(active=True))
                anonymous = EvaluationSettings.current().anonymous
            survey = Survey.objects.create(visit=visit, anonymous=bool(anonymous))
            survey.questions.set(questions)
            audit_log.record(
                action=Action.CREATE,
                actor=None,
                obj=survey,
                object_repr=f"Survey of {visit.title}",
                changes=audit_log.diff({}, {"anonymous": survey.anonymous, "questions": len(questions)}),
                visit_id=visit.pk,
            )
        asked = set(survey.recipients.values_list("person_id", flat=True))
        expires_at = now + dt.timedelta(days=settings.SURVEY_LINK_DAYS)
        new = SurveyRecipient.objects.bulk_create(
            [
                SurveyRecipient(survey=survey, person=p, expires_at=expires_at)
                for p in wanted
                if p.pk not in asked
            ]
        )
        for recipient in new:
            rows += _rows_for(recipient, recipient.person, visit.pk, now)
    written = outbox_create(rows)
    dispatch_on_commit(
        [m.pk for m in written if m.send_at <= now and m.status == OutboxMessage.Status.QUEUED]
    )
    return written


def unwanted_survey_messages(messages: Sequence[OutboxMessage]) -> set[int]:
    """Of a delivery batch, the survey messages no longer wanted: the person has answered, or the link has
    expired, or the recipient is gone (erased). One query for the batch, none without survey messages."""
    waiting = {
        m.pk: (m.payload or {}).get("recipient")
        for m in messages
        if m.kind == MessageKind.SURVEY and (m.payload or {}).get("reminder")
    }
    surveys = [m for m in messages if m.kind == MessageKind.SURVEY]
    if not surveys:
        return set()
    now = timezone.now()
    live = set(
        SurveyRecipient.objects.filter(
            pk__in={(m.payload or {}).get("recipient") for m in surveys},
            expires_at__gt=now,
        ).values_list("pk", "answered_on")
    )
    open_ids = {pk for pk, answered_on in live if answered_on is None}
    live_ids = {pk for pk, _answered in live}
    unwanted = set()
    for message in surveys:
        recipient_id = (message.payload or {}).get("recipient")
        if recipient_id not in live_ids or (message.pk in waiting and recipient_id not in open_ids):
            unwanted.add(message.pk)
    return unwanted


def find_recipient(token: str) -> SurveyRecipient | None:
    """The recipient of a survey link, expired or not (the page says which), or None for no such link."""
    if not token:
        return None
    return SurveyRecipient.objects.select_related("survey__visit", "person").filter(token=token).first()


def link_expired(recipient: SurveyRecipient, *, now: dt.datetime | None = None) -> bool:
    return recipient.expires_at <= (now or timezone.now())


@transaction.atomic
def survey_response_save(
    *, recipient: SurveyRecipient, answers: Mapping[int, int | str | None], now: dt.datetime | None = None
) -> SurveyResponse:
    """Record a participant's answers (question id → rating or text; None or "" for no answer).

    In a named survey a second answer replaces the first; an anonymous one cannot be changed, since nothing
    ties the answers to the person (SurveyRefused says so). An expired link is refused too."""
    now = now or timezone.now()
    recipient = (
        SurveyRecipient.objects.select_for_update()
        .select_related("survey__visit", "person")
        .get(pk=recipient.pk)
    )
    survey = recipient.survey
    if link_expired(recipient, now=now):
        raise SurveyRefused(gettext("This survey link has expired, so the answers were not saved."))
    today = timezone.localdate(now)
    response: SurveyResponse | None = None
    if recipient.answered_on is not None:
        if survey.anonymous:
            raise SurveyRefused(
                gettext(
                    "You have answered this survey already. Answers are anonymous, so they cannot be "
                    "changed afterwards: nothing links them to you."
                )
            )
        response = SurveyResponse.objects.filter(recipient=recipient).first()
    asked = set(survey.questions.values_list("pk", flat=True))
    kinds = dict(Question.objects.filter(pk__in=asked).values_list("pk", "kind"))
    if response is None:
        response = SurveyResponse.objects.create(
            survey=survey, recipient=None if survey.anonymous else recipient, submitted_on=today
        )
        changed = "created"
    else:
        response.answers.all().delete()
        response.submitted_on = today
        response.save(update_fields=["submitted_on"])
        changed = "changed"
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(
            response=response,
            question_id=question_id,
            rating=value if kinds[question_id] == Question.Kind.RATING and isinstance(value, int) else None,
            text=value.strip() if kinds[question_id] == Question.Kind.TEXT and isinstance(value, str) else "",
        )
        for question_id, value in answers.items()
        if question_id in asked and value not in (None, "")
    )
    if recipient.answered_on is None:
        recipient.answered_on = today
        recipient.save(update_fields=["answered_on"])
    audit_log.record(
        action=Action.CREATE if changed == "created" else Action.CHANGE,
        actor=ANONYMOUS
        if survey.anonymous
        else audit_log.by_link(recipient.person, kind=ActorKind.PARTICIPANT_LINK),
        object_type=SurveyResponse._meta.label_lower,
        object_repr=f"Evaluation of {survey.visit.title}",
        changes={"answers": [None, len(answers)]},
        visit_id=survey.visit_id,
        person_id=None if survey.anonymous else recipient.person_id,
    )
    return response
