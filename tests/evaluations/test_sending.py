"""The daily task sends each participant of a visit that has ended one survey, in their language, and one
reminder to those who have not answered by then; nothing twice, nothing to experts or to people on no
session, nothing for visits that were not held or ended long ago."""

import datetime as dt

import pytest

from evaluations.models import EvaluationSettings, Question, Survey, SurveyRecipient
from evaluations.services import survey_response_save
from evaluations.tasks import send_surveys
from notifications.models import OutboxMessage
from tests.evaluations.conftest import DAY_AFTER, deliver_due, later, recipient_of, survey_path
from visits.models import VisitStatus

pytestmark = pytest.mark.django_db

TITLE = "Police cooperation in Stockholm"


def mail_to(smtp, address: str) -> list:
    return [r for r in smtp.handler.received if r.rcpt_tos == [address]]


def subject(received) -> str:
    return str(received.message["Subject"])


def test_each_participant_gets_one_survey_in_their_language(ended, smtp):
    with later(DAY_AFTER):
        send_surveys()
        deliver_due()
        send_surveys()  # the next day's run, or a second beat: nothing new
        deliver_due()
    (ilze,) = mail_to(smtp, ended.ilze.email)
    (sara,) = mail_to(smtp, ended.sara.email)
    (oleg,) = mail_to(smtp, ended.oleg.email)
    assert subject(ilze) == f"How was {TITLE}?"
    assert subject(sara) == f"Hur var {TITLE}?"
    assert subject(oleg) == f"How was {TITLE}?"  # e-mail in English; the questions in Russian where set
    assert "Tack för att du deltog" in sara.message.get_body(("plain",)).get_content()
    assert survey_path(ilze.raw) == f"/s/{recipient_of(ended.ilze).token}/"
    # Juris was only on a cancelled session; the expert leads, and is not asked.
    assert not mail_to(smtp, "juris@police.example.lv")
    assert not mail_to(smtp, ended.expert.email)
    assert len(smtp.handler.received) == 3
    survey = Survey.objects.get(visit=ended.visit)
    assert survey.anonymous is True
    assert survey.questions.count() == Question.objects.filter(active=True).count() == 5
    assert SurveyRecipient.objects.filter(survey=survey).count() == 3


def test_the_one_reminder_goes_to_those_who_have_not_answered_once(ended, smtp, settings):
    settings.SURVEY_REMINDER_DAYS = 7
    with later(DAY_AFTER):
        send_surveys()
        deliver_due()
    with later(DAY_AFTER + dt.timedelta(days=2)):
        survey_response_save(recipient=recipient_of(ended.ilze), answers={})
    with later(DAY_AFTER + dt.timedelta(days=6, hours=23)):
        send_surveys()
        deliver_due()
        assert len(smtp.handler.received) == 3  # not yet
    with later(DAY_AFTER + dt.timedelta(days=7, hours=1)):
        send_surveys()
        deliver_due()
    for later_day in (8, 15, 29):
        with later(DAY_AFTER + dt.timedelta(days=later_day)):
            send_surveys()
            deliver_due()
    assert [subject(r) for r in mail_to(smtp, ended.sara.email)] == [
        f"Hur var {TITLE}?",
        f"Påminnelse: hur var {TITLE}?",
    ]
    assert [subject(r) for r in mail_to(smtp, ended.oleg.email)] == [
        f"How was {TITLE}?",
        f"Reminder: how was {TITLE}?",
    ]
    assert len(mail_to(smtp, ended.ilze.email)) == 1  # she had answered: her reminder was withdrawn
    withdrawn = OutboxMessage.objects.get(person=ended.ilze, idempotency_key__endswith=":reminder")
    assert withdrawn.status == OutboxMessage.Status.WITHDRAWN
    # The reminder carries the same link as the survey.
    reminder = mail_to(smtp, ended.oleg.email)[1]
    assert survey_path(reminder.raw) == f"/s/{recipient_of(ended.oleg).token}/"


def test_no_reminder_once_the_link_has_expired(ended, smtp, settings):
    settings.SURVEY_LINK_DAYS, settings.SURVEY_REMINDER_DAYS = 5, 7
    with later(DAY_AFTER):
        send_surveys()
        deliver_due()
    with later(DAY_AFTER + dt.timedelta(days=8)):
        deliver_due()
    assert len(smtp.handler.received) == 3


@pytest.mark.parametrize(
    ("status", "today", "sent"),
    [
        (VisitStatus.COMPLETED, dt.date(2027, 3, 26), False),  # its last day: not over yet
        (VisitStatus.COMPLETED, dt.date(2027, 3, 27), True),
        (VisitStatus.UNDER_WAY, dt.date(2027, 3, 27), True),
        (VisitStatus.PUBLISHED, dt.date(2027, 3, 27), True),
        (VisitStatus.CANCELLED, dt.date(2027, 3, 27), False),
        (VisitStatus.DRAFT, dt.date(2027, 3, 27), False),
        (VisitStatus.COMPLETED, dt.date(2027, 4, 9), True),  # 14 days after
        (VisitStatus.COMPLETED, dt.date(2027, 4, 10), False),  # long ago: not when the feature is switched on
    ],
)
def test_which_visits_are_evaluated(ended, status, today, sent):
    from evaluations.services import surveys_send

    ended.visit.status = status
    ended.visit.save(update_fields=["status"])
    written = surveys_send(today=today)
    assert bool(written) == sent
    assert Survey.objects.filter(visit=ended.visit).exists() == sent


def test_the_setting_at_the_time_of_sending_holds_for_the_survey(ended):
    from evaluations.services import surveys_send

    EvaluationSettings.objects.update(anonymous=False)
    surveys_send(today=dt.date(2027, 3, 27))
    EvaluationSettings.objects.update(anonymous=True)
    surveys_send(today=dt.date(2027, 3, 28))
    assert Survey.objects.get(visit=ended.visit).anonymous is False


def test_beat_runs_the_task_daily(settings):
    assert settings.CELERY_BEAT_SCHEDULE["send-surveys"] == {
        "task": "evaluations.tasks.send_surveys",
        "schedule": 86400.0,
    }
    assert send_surveys.name == "evaluations.tasks.send_surveys"


def test_a_seminar_abroad_asks_its_delegation_and_the_audience_other_apps_register(ended):
    from evaluations import participants
    from evaluations.services import surveys_send
    from tests.factories import PersonFactory
    from visits.models import Visit

    Visit.objects.filter(pk=ended.visit.pk).update(kind=Visit.Kind.SEMINAR_ABROAD)
    guest = PersonFactory.create(
        name="Anjali Shrestha", email="anjali@ngo.example.np", preferred_language="ne"
    )

    def registrants(visit_ids):
        return {visit_id: {guest.pk} for visit_id in visit_ids}

    participants.register_participants(registrants)
    try:
        written = surveys_send(today=DAY_AFTER.date(), now=DAY_AFTER)
    finally:
        participants._sources.remove(registrants)
    asked = {m.person_id for m in written}
    assert asked == {ended.ilze.pk, ended.sara.pk, ended.oleg.pk, guest.pk}
    assert {m.language for m in written if m.person_id == guest.pk} == {"ne"}
