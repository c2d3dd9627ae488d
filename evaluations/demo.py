"""The demo's evaluation: a study visit that ended in October 2026 (fictional Estonian social workers in
Stockholm), completed, with its survey and three of four participants' answers. Safe to run again: it adds
only what is missing."""

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User

from evaluations.models import Question, Survey, SurveyRecipient, SurveyResponse
from evaluations.services import survey_response_save
from visits.models import Delegation, DelegationMember, Person, Session, Visit, VisitStatus

TITLE = "Social services against trafficking: Tallinn group in Stockholm"
DELEGATION = "Tallinn social workers 2026"
STOCKHOLM = ZoneInfo("Europe/Stockholm")
# (name, e-mail, preferred language): fictional people at a fictional address.
MEMBERS = [
    ("Kadri Tamm", "kadri.tamm@sotsiaal.example.ee", "en"),
    ("Mart Kask", "mart.kask@sotsiaal.example.ee", "en"),
    ("Liis Saar", "liis.saar@sotsiaal.example.ee", "sv"),
    ("Jaan Mägi", "jaan.magi@sotsiaal.example.ee", "ru"),
]
# The answers of the first three, by question order: ratings, then the comments.
ANSWERS: list[list[int | str]] = [
    [5, 4, 4, "The joint interviews of police and social services.", "More time with the NGOs."],
    [4, 4, 3, "How the municipality finds housing quickly.", ""],
    [5, 5, 4, "Samverkan mellan socialtjänst och polis.", "Fler studiebesök, färre föreläsningar."],
]


def load_demo_evaluation(coordinators: Sequence[User] = ()) -> int:
    """Write the demo's evaluated visit; return how many rows (visit, people, answers) were added."""
    visit = Visit.objects.filter(title=TITLE).first()
    if visit is not None:
        if coordinators:
            visit.coordinators.add(*coordinators)
        return 0
    delegation, _new = Delegation.objects.get_or_create(name=DELEGATION, defaults={"countries": ["EE"]})
    people = []
    for name, email, language in MEMBERS:
        person, _created = Person.objects.get_or_create(
            email=email, defaults={"name": name, "preferred_language": language}
        )
        DelegationMember.objects.get_or_create(delegation=delegation, person=person)
        people.append(person)
    visit = Visit.objects.create(
        title=TITLE,
        delegation=delegation,
        starts_on=dt.date(2026, 10, 5),
        ends_on=dt.date(2026, 10, 8),
        city="Stockholm",
        programme_languages=["en"],
        status=VisitStatus.COMPLETED,
        first_published_at=dt.datetime(2026, 9, 20, 9, tzinfo=STOCKHOLM),
        target_group="social_services",
    )
    visit.coordinators.add(*coordinators)
    if coordinators:
        delegation.coordinators.add(*coordinators)
    Session.objects.create(
        visit=visit,
        title="Social services and police: working together",
        starts_at=dt.datetime(2026, 10, 6, 9, tzinfo=STOCKHOLM),
        ends_at=dt.datetime(2026, 10, 6, 11, tzinfo=STOCKHOLM),
        language="en",
        status=Session.Status.CONFIRMED,
    )
    questions = list(Question.objects.filter(active=True).order_by("order", "pk"))
    survey = Survey.objects.create(visit=visit, anonymous=True)
    survey.questions.set(questions)
    sent = dt.datetime(2026, 10, 9, 8, tzinfo=STOCKHOLM)
    recipients = [
        SurveyRecipient.objects.create(survey=survey, person=p, expires_at=sent + dt.timedelta(days=30))
        for p in people
    ]
    for recipient, values in zip(recipients, ANSWERS, strict=False):
        answers = dict(zip((q.pk for q in questions), values, strict=False))
        survey_response_save(recipient=recipient, answers=answers, now=sent + dt.timedelta(days=1))
    return 1 + len(people) + SurveyResponse.objects.filter(survey=survey).count()
