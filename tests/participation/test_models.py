"""The rules on answers and needs, in the model and in the database, and the services that write them."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from participation.models import NOTE_MAX_LENGTH, ParticipantAnswer, ParticipantNeeds
from participation.services import CannotAnswer, needs_save, participant_answer_record

pytestmark = pytest.mark.django_db


def test_one_answer_per_person_and_session(answering):
    ParticipantAnswer.objects.create(session=answering.lunch, person=answering.head, answer="attending")
    with pytest.raises(IntegrityError), transaction.atomic():
        ParticipantAnswer.objects.create(
            session=answering.lunch, person=answering.head, answer="not_attending"
        )


def test_the_database_refuses_an_unknown_answer(answering):
    with pytest.raises(IntegrityError), transaction.atomic():
        ParticipantAnswer.objects.create(session=answering.lunch, person=answering.head, answer="maybe")


def test_one_needs_row_per_person_and_visit(answering):
    ParticipantNeeds.objects.create(visit=answering.visit, person=answering.head)
    with pytest.raises(IntegrityError), transaction.atomic():
        ParticipantNeeds.objects.create(visit=answering.visit, person=answering.head)


@pytest.mark.parametrize("field", ["dietary_note", "accessibility_note", "interpreting_note"])
def test_the_database_bounds_each_note(answering, field):
    ParticipantNeeds.objects.create(
        visit=answering.visit, person=answering.head, **{field: "x" * NOTE_MAX_LENGTH}
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ParticipantNeeds.objects.create(
            visit=answering.visit, person=answering.member, **{field: "x" * (NOTE_MAX_LENGTH + 1)}
        )


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"dietary": ["none", "vegan"]}, "dietary"),
        ({"dietary": ["vegan", "vegan"]}, "dietary"),
        ({"dietary": ["carnivore"]}, "dietary"),
        ({"dietary": ["other"]}, "dietary_note"),
        ({"dietary": [], "interpreting_language": "xx"}, "interpreting_language"),
        ({"dietary": [], "accessibility_note": "x" * (NOTE_MAX_LENGTH + 1)}, "accessibility_note"),
    ],
)
def test_needs_save_names_the_field_it_refuses(answering, values, field):
    with pytest.raises(ValidationError) as refused:
        needs_save(person=answering.head, visit=answering.visit, **values)
    assert field in refused.value.message_dict
    assert not ParticipantNeeds.objects.exists()


def test_other_diet_with_its_note_is_saved(answering):
    saved = needs_save(
        person=answering.head, visit=answering.visit, dietary=["other"], dietary_note="No pork, no alcohol"
    )
    assert saved.diets == ["Other (say which in the note)"]


def test_the_same_answer_again_changes_nothing(answering):
    first = participant_answer_record(person=answering.head, session=answering.lunch, attending=True)
    later = first.answered_at + dt.timedelta(hours=1)
    again = participant_answer_record(
        person=answering.head, session=answering.lunch, attending=True, now=later
    )
    assert again.answered_at == first.answered_at and ParticipantAnswer.objects.count() == 1
    changed = participant_answer_record(
        person=answering.head, session=answering.lunch, attending=False, now=later
    )
    assert (changed.answer, changed.answered_at) == ("not_attending", later)


def test_an_expert_does_not_answer_as_a_participant(answering):
    with pytest.raises(CannotAnswer):
        participant_answer_record(person=answering.expert, session=answering.meeting, attending=True)


def test_a_draft_visits_sessions_cannot_be_answered(answering):
    answering.visit.first_published_at = None
    answering.visit.save()
    with pytest.raises(CannotAnswer):
        participant_answer_record(person=answering.head, session=answering.lunch, attending=True)
