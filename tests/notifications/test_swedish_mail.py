"""The Swedish e-mail has no English sentence left in it: every kind of message the system sends is
rendered in English and in Swedish, and no sentence of the English one may stand unchanged in the Swedish
one, apart from what is data (names, titles, addresses, times, links)."""

import html
import re

import pytest
from django.utils.html import strip_tags

from notifications.compose import compose_message
from notifications.models import OutboxMessage
from responses.models import ExpertAnswer, ProposedTime
from tests.factories import OutboxMessageFactory, PersonFactory, UserFactory, stockholm
from visits.models import Session, SessionExpert

pytestmark = pytest.mark.django_db

DATA = re.compile(
    r"https?://\S+|[\w.+-]+@[\w.-]+|\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}|\b\d+\b|[A-Z][a-z]+/[A-Za-z_/]+|UTC[+-]?\d*|\S+\.ics"
)


def rendered(message: OutboxMessage, language: str) -> str:
    """Everything a reader reads: the subject, the text and HTML bodies and the calendar's words."""
    message.language = language
    email = compose_message(message)
    parts: list[str] = [str(email.subject), str(email.body)]
    for content, mimetype in email.alternatives:
        text = content.decode() if isinstance(content, bytes) else str(content)
        if mimetype == "text/html":
            text = html.unescape(strip_tags(text))
        elif mimetype.startswith("text/calendar"):
            text = re.sub(r"\r?\n[ \t]", "", text)  # unfold
            text = "\n".join(
                line.split(":", 1)[1].replace("\\n", "\n").replace("\\,", ",").replace("\\;", ";")
                for line in text.splitlines()
                if line.split(";")[0].split(":")[0] in {"SUMMARY", "DESCRIPTION", "LOCATION", "X-WR-CALNAME"}
            )
        parts.append(text)
    return "\n".join(parts)


def sentences(text: str) -> set[str]:
    found = set()
    for line in text.splitlines():
        for sentence in re.split(r"(?<=[.!?:;])\s+|\s+[–·|]\s+|\s*\(\s*|\s*\)\s*", line):
            sentence = " ".join(sentence.split()).strip(" .,:;–-•*")
            if sentence:
                found.add(sentence)
    return found


def english_left(english: str, swedish: str, data: list[str]) -> list[str]:
    """The English sentences that stand unchanged in the Swedish text, apart from data."""
    left = []
    in_swedish = " ".join(swedish.split())
    for sentence in sentences(english):
        words = sentence
        for value in sorted(data, key=len, reverse=True):
            words = words.replace(value, " ")
        words = DATA.sub(" ", words)
        if len(re.findall(r"[A-Za-z]{2,}", words)) >= 2 and sentence in in_swedish:
            left.append(sentence)
    return sorted(left)


def data_of(programme) -> list[str]:
    visit, morning, afternoon = programme.visit, programme.morning, programme.afternoon
    values = [
        visit.title,
        visit.delegation.name,
        morning.title,
        morning.description,
        afternoon.title,
        afternoon.venue.name,
        *afternoon.venue.address.splitlines(),
        morning.venue.name,
        *morning.venue.address.splitlines(),
        morning.host_organisation.name,
        programme.expert.name,
        programme.interpreter.name,
        programme.head.person.name,
        programme.member.person.name,
        "Karin Sundberg",
        "Tuesdays are better.",
        "Lars Berg",
        "Visitplan",
        "Europe/Stockholm",
    ]
    return [part for value in values if value for part in [value, *sentences(value)]]


def messages_of_every_kind(programme) -> dict[str, OutboxMessage]:
    morning, afternoon = programme.morning, programme.afternoon
    expert, member = programme.expert, programme.member.person
    made: dict[str, OutboxMessage] = {
        "invitation to an expert": OutboxMessageFactory.create(session=morning, person=expert, role="expert"),
        "invitation to a participant": OutboxMessageFactory.create(
            session=morning, person=member, role="participant"
        ),
        "update": OutboxMessageFactory.create(session=morning, person=member, role="participant", sequence=2),
        "reminder": OutboxMessageFactory.create(
            kind="reminder", session=morning, person=expert, role="expert"
        ),
        "programme": OutboxMessageFactory.create(
            kind="programme", session=None, visit=programme.visit, person=member, role="participant"
        ),
        "taken off a session": OutboxMessageFactory.create(
            kind="cancellation", session=morning, person=PersonFactory(name="Per Holm"), role="participant"
        ),
    }
    cancelled = Session.objects.get(pk=afternoon.pk)
    cancelled.status = Session.Status.CANCELLED
    cancelled.save()
    made["cancellation"] = OutboxMessageFactory.create(
        kind="cancellation", session=cancelled, person=programme.head.person, role="participant"
    )
    coordinator = UserFactory.create(first_name="Karin", last_name="Sundberg", email="karin@si.example.org")
    row = SessionExpert.objects.get(session=morning, person=expert)
    declined = ExpertAnswer.objects.create(
        expert=row, response=SessionExpert.Response.DECLINED, note="", channel="link", sequence=0
    )
    confirmed = ExpertAnswer.objects.create(
        expert=row, response=SessionExpert.Response.CONFIRMED, note="", channel="link", sequence=0
    )

    def notice(payload, session=None):
        return OutboxMessageFactory(
            kind="notice",
            person=None,
            user=coordinator,
            to_email=coordinator.email,
            session=session,
            visit=programme.visit,
            role="",
            payload=payload,
            language="en",
        )

    proposed = ExpertAnswer.objects.create(
        expert=row,
        response=SessionExpert.Response.PROPOSED,
        note="Tuesdays are better.",
        channel="phone",
        sequence=0,
        recorded_by=coordinator,
    )
    ProposedTime.objects.create(
        answer=proposed, starts_at=stockholm(2027, 3, 24, 9), ends_at=stockholm(2027, 3, 24, 10)
    )
    passed = ExpertAnswer.objects.create(
        expert=row,
        response=SessionExpert.Response.PASSED,
        note="",
        channel="link",
        sequence=0,
        colleague=PersonFactory.create(name="Lars Berg"),
    )
    made["decline to the coordinators"] = notice({"notice": "answer", "answer": declined.pk})
    made["proposal to the coordinators"] = notice({"notice": "answer", "answer": proposed.pk})
    made["colleague to the coordinators"] = notice({"notice": "answer", "answer": passed.pk})
    made["digest"] = notice({"notice": "digest", "answers": [confirmed.pk]})
    made["no answer"] = notice({"notice": "no_answer", "expert": row.pk, "reminders": 2}, session=morning)
    return made


def test_every_kind_of_message_has_no_english_sentence_left_in_swedish(programme):
    data = data_of(programme)
    problems = {}
    for kind, message in messages_of_every_kind(programme).items():
        english, swedish = rendered(message, "en"), rendered(message, "sv")
        assert english != swedish, kind
        # The check can fail: the English text against itself leaves its own sentences.
        assert english_left(english, english, data), kind
        left = english_left(english, swedish, data)
        if left:
            problems[kind] = left
    assert problems == {}


def test_the_check_finds_an_english_sentence_where_there_is_one():
    english = "Your session is moved.\nMorning at Polishuset."
    assert english_left(
        english, "Din programpunkt har flyttats.\nMorning at Polishuset.", ["Polishuset"]
    ) == ["Morning at Polishuset"]
    assert english_left(english, "Din programpunkt har flyttats.", []) == []
