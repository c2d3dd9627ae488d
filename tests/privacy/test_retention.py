"""Retention: a year after their last visit, the daily task erases a member's personal data, and nothing in
any table still names them, while the figures of the visit stay as they were."""

import datetime as dt
import json
from collections import Counter
from email import policy
from email.parser import BytesParser
from typing import Any

import time_machine
from django.apps import apps
from django.db import models

from notifications.compose import compose_message
from notifications.models import OutboxMessage, PersonalToken
from notifications.wire import wire_bytes
from participation.models import ParticipantAnswer, ParticipantNeeds
from participation.totals import session_totals
from privacy.models import Erasure
from privacy.selectors import people_due
from privacy.tasks import erase_due_personal_data
from tests.privacy.conftest import EMAIL, NAME, PHONE
from visits.models import DelegationMember, Person, Session

A_YEAR_AFTER = dt.datetime(2028, 3, 27, 12, 0, tzinfo=dt.UTC)  # the visit's last day was 26 March 2027
TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField, models.BinaryField)


def every_text_value() -> list[tuple[str, str]]:
    """(table.column, value as text) for every text, JSON and binary column of every table of every app."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = [f for f in model._meta.concrete_fields if isinstance(f, TEXT_FIELDS)]
        if not fields:
            continue
        for row in model._base_manager.values_list(*[f.attname for f in fields]):
            for field, value in zip(fields, row, strict=True):
                if value is None:
                    continue
                if isinstance(field, models.JSONField):
                    text = json.dumps(value, ensure_ascii=False)
                elif isinstance(value, bytes | memoryview):
                    text = bytes(value).decode("utf-8", "replace")
                else:
                    text = str(value)
                found.append((f"{model._meta.db_table}.{field.column}", text))
    return found


def naming(needles: list[str]) -> list[tuple[str, str]]:
    """The columns whose value holds any needle, as typed or as JSON with ensure_ascii writes it."""
    forms = {form.lower() for needle in needles for form in (needle, json.dumps(needle)[1:-1])}
    return [(column, text) for column, text in every_text_value() if any(f in text.lower() for f in forms)]


def composed_bodies() -> list[str]:
    """Every outbox message as it would go out now (bodies are composed when sent, from the rows), on the
    wire: headers, text, HTML and the calendar, decoded."""
    bodies = []
    for message in OutboxMessage.objects.all():
        wire = wire_bytes(compose_message(message))
        bodies.append(BytesParser(policy=policy.default).parsebytes(wire).as_string(policy=policy.SMTPUTF8))
        for part in BytesParser(policy=policy.default).parsebytes(wire).walk():
            if not part.is_multipart():
                payload = part.get_payload(decode=True)
                bodies.append(payload.decode("utf-8", "replace") if isinstance(payload, bytes) else "")
    return bodies


def report_counts(past) -> dict[str, Any]:
    """What reports count of the visit: members by role, country, organisation and sector; answers; the
    roster and attendance of each session; messages by kind and status."""
    members = DelegationMember.objects.filter(delegation=past.delegation)
    totals = session_totals(past.visit)
    return {
        "members": Counter(members.values_list("role", flat=True)),
        "countries": Counter(members.values_list("person__organisation__country", flat=True)),
        "organisations": Counter(members.values_list("person__organisation__name", flat=True)),
        "sectors": Counter(members.values_list("person__organisation__kind", flat=True)),
        "answers": Counter(ParticipantAnswer.objects.values_list("session__title", "answer")),
        "sessions": {
            pk: (t.on_session, t.attending, t.not_attending, t.not_answered) for pk, t in totals.items()
        },
        "rosters": {
            pk: (len(r.participants), len(r.experts))
            for pk, r in Session.objects.rosters(Session.objects.filter(visit=past.visit)).items()
        },
        "messages": Counter(OutboxMessage.objects.filter(visit=past.visit).values_list("kind", "status")),
    }


def test_the_member_is_not_due_before_a_year_has_passed(past):
    assert list(people_due(dt.date(2028, 3, 24))) == []
    assert list(people_due(dt.date(2028, 3, 25))) == [past.ilze]  # 365 days: 2028 has 29 February


def test_a_year_after_the_visit_nothing_names_the_erased_member_and_the_counts_stay(past):
    assert naming([NAME, EMAIL, PHONE]), "the fixture should hold the member's data in many places"
    assert [b for b in composed_bodies() if NAME in b and EMAIL in b], "and its messages should name her"
    before = report_counts(past)

    with time_machine.travel(A_YEAR_AFTER, tick=False):
        assert erase_due_personal_data() == 1

    assert naming([NAME, EMAIL, PHONE]) == []
    bodies = composed_bodies()
    assert bodies and not [b for b in bodies if NAME.lower() in b.lower() or EMAIL in b.lower()]
    assert report_counts(past) == before
    erasure = Erasure.objects.get()
    assert erasure.person == past.ilze and erasure.reason == "retention" and erasure.erased_by is None


def test_erasure_empties_needs_revokes_tokens_and_readdresses_messages(past):
    with time_machine.travel(A_YEAR_AFTER, tick=False):
        erase_due_personal_data()
    ilze = Person.objects.get(pk=past.ilze.pk)
    assert ilze.name == f"Erased person {ilze.pk}" and ilze.email.endswith("@erased.invalid")
    assert ilze.phone == "" and ilze.title == ""
    assert ilze.organisation is not None and ilze.organisation.country.code == "LV"
    assert not ParticipantNeeds.objects.filter(person=ilze).exists()
    assert not ParticipantNeeds.objects.filter(member__person=ilze).exists()
    assert not PersonalToken.objects.filter(person=ilze, revoked_at__isnull=True).exists()
    assert set(OutboxMessage.objects.filter(person=ilze).values_list("to_email", flat=True)) == {ilze.email}
    assert set(OutboxMessage.objects.filter(person=ilze).values_list("last_error", flat=True)) == {
        "550 5.1.1 <[erased]>: no such user"
    }


def test_programmes_and_experts_stay_and_a_member_on_a_later_visit_is_kept(past):
    with time_machine.travel(A_YEAR_AFTER, tick=False):
        erase_due_personal_data()
    assert Person.objects.get(pk=past.juris.pk).name == "Juris Bērziņš"
    assert Person.objects.get(pk=past.expert.pk).name == "Eva Norrman"
    session = Session.objects.get(pk=past.session.pk)
    assert session.title == "Police HQ" and session.description == "[erased] presents the Latvian approach."
    assert past.visit.versions.count() == 1


def test_running_the_task_again_erases_nobody_twice(past):
    with time_machine.travel(A_YEAR_AFTER, tick=False):
        assert erase_due_personal_data() == 1
        assert erase_due_personal_data() == 0
    assert Erasure.objects.count() == 1


def test_juris_is_erased_once_his_later_visit_is_a_year_over_too(past):
    with time_machine.travel(dt.datetime(2029, 9, 9, 12, 0, tzinfo=dt.UTC), tick=False):
        assert erase_due_personal_data() == 2
    assert naming(["Juris Bērziņš", "juris.berzins@police.example.lv"]) == []
