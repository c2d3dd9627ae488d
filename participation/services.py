"""Writes: a participant's answer to a session, their needs for a visit, and the coordinators' notes on what
a delegation member needs. Keyword-only, typed, atomic."""

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from audit import log
from audit.models import Action, ActorKind
from participation.models import ParticipantAnswer, ParticipantNeeds
from participation.selectors import MEMBER_NOTES, participant_visits, session_open, visit_open
from visits.models import DelegationMember, Person, Session, Visit


class CannotAnswer(Exception):
    """An answer the person may not give: a session they are not on, or one that is over or cancelled.

    Its message is written for the person, in the active language."""


@transaction.atomic
def participant_answer_record(
    *, person: Person, session: Session, attending: bool, now: dt.datetime | None = None
) -> ParticipantAnswer:
    """Record whether the person attends the session; giving the same answer again changes nothing."""
    now = now or timezone.now()
    session = Session.objects.select_related("visit").get(pk=session.pk)
    if not Session.objects.with_participant(person).filter(pk=session.pk).exists():
        # Worded as for a session that does not exist: a page reached by a token never names what is not the
        # person's (another visit's session, or one of their own visit they were not chosen for).
        raise CannotAnswer(gettext("session: this is not a session on your programme."))
    if not session_open(session, now=now):
        raise CannotAnswer(
            gettext("“%(session)s” has started, is over or was cancelled: it can no longer be answered.")
            % {"session": session.title}
        )
    answer = ParticipantAnswer.Answer.ATTENDING if attending else ParticipantAnswer.Answer.NOT_ATTENDING
    # The row lock makes two answers given at once land one after the other; the last one stands.
    row, created = ParticipantAnswer.objects.select_for_update().get_or_create(
        session=session, person=person, defaults={"answer": answer, "answered_at": now}
    )
    before = None if created else row.answer
    if not created and row.answer != answer:
        row.answer, row.answered_at = answer, now
        row.save(update_fields=["answer", "answered_at"])
    if before != answer:
        log.record(
            action=Action.CREATE if created else Action.CHANGE,
            actor=log.by_link(person, kind=ActorKind.PARTICIPANT_LINK),
            obj=row,
            object_repr=f"{person} – {session.title}",
            changes=log.diff({"answer": before}, {"answer": answer}),
            visit_id=session.visit_id,
            person_id=person.pk,
        )
    return row


def needs_save(
    *,
    person: Person,
    visit: Visit,
    dietary: list[str],
    dietary_note: str = "",
    wheelchair: bool = False,
    accessibility_note: str = "",
    interpreting_language: str = "",
    interpreting_note: str = "",
    today: dt.date | None = None,
) -> ParticipantNeeds:
    """Record what the person needs during the visit, replacing what they said before.

    Raises CannotAnswer for a visit they are not a participant of, and ValidationError (by field) for values
    the model refuses."""
    today = today or timezone.localdate()
    if not participant_visits(person).filter(pk=visit.pk).exists():
        raise CannotAnswer(
            gettext("You are not a participant of “%(visit)s”, so there is nothing to say.")
            % {"visit": visit.title}
        )
    if not visit_open(visit, today=today):
        raise CannotAnswer(
            gettext("“%(visit)s” is over or was cancelled: its needs can no longer be changed.")
            % {"visit": visit.title}
        )
    values = {
        "dietary": list(dietary),
        "dietary_note": dietary_note.strip(),
        "wheelchair": wheelchair,
        "accessibility_note": accessibility_note.strip(),
        "interpreting_language": interpreting_language,
        "interpreting_note": interpreting_note.strip(),
    }
    try:
        return _needs_write(person, visit, values)
    except IntegrityError:  # the same person's first save, twice at once: the other one made the row
        return _needs_write(person, visit, values)


@transaction.atomic
def _needs_write(person: Person, visit: Visit, values: dict[str, object]) -> ParticipantNeeds:
    needs = (
        ParticipantNeeds.objects.select_for_update().filter(person=person, visit=visit).order_by("pk").first()
    )
    created = needs is None
    if needs is None:
        needs = ParticipantNeeds(person=person, visit=visit)
    before = {name: getattr(needs, name) for name in values} if not created else {}
    for name, value in values.items():
        setattr(needs, name, value)
    needs.full_clean(validate_unique=False, validate_constraints=False)  # the database checks both
    needs.save()
    changes = log.diff(before, values)
    if changes:
        log.record(
            action=Action.CREATE if created else Action.CHANGE,
            actor=log.by_link(person, kind=ActorKind.PARTICIPANT_LINK),
            obj=needs,
            object_repr=f"{person} – {visit.title}",
            changes=changes,
            visit_id=visit.pk,
            delegation_id=visit.delegation_id,
            person_id=person.pk,
        )
    return needs


def member_needs_set(*, member: DelegationMember, notes: Mapping[str, str], actor: User | None) -> None:
    """Set the coordinators' notes on what the member needs ("dietary_needs", "accessibility_needs"); a
    name not given keeps its note."""
    members_needs_set(notes={member.pk: notes}, actor=actor)


@transaction.atomic
def members_needs_set(*, notes: Mapping[int, Mapping[str, str]], actor: User | None) -> None:
    """Set the notes of many members at once (member id → the notes given, as for member_needs_set), in
    four queries at most however many members. A membership whose notes are both empty keeps no row."""
    if not notes:
        return
    rows = {
        row.member_id: row
        for row in ParticipantNeeds.objects.select_for_update().filter(member_id__in=list(notes)).order_by()
    }
    fields = list(MEMBER_NOTES.values())
    before = {member_id: {name: getattr(row, name) for name in fields} for member_id, row in rows.items()}
    now = timezone.now()
    added: list[ParticipantNeeds] = []
    changed: list[ParticipantNeeds] = []
    emptied: list[int] = []
    for member_id, given in notes.items():
        row = rows.get(member_id) or ParticipantNeeds(member_id=member_id)
        for name, value in given.items():
            setattr(row, MEMBER_NOTES[name], value)
        row.updated_at = now
        if not row.dietary_note and not row.accessibility_note:
            if row.pk is not None:
                emptied.append(row.pk)
        elif row.pk is None:
            added.append(row)
        else:
            changed.append(row)
    if added:
        ParticipantNeeds.objects.bulk_create(added)
    if changed:
        ParticipantNeeds.objects.bulk_update(changed, ["dietary_note", "accessibility_note", "updated_at"])
    if emptied:
        ParticipantNeeds.objects.filter(pk__in=emptied).delete()
    _audit_member_notes(notes, before, {**rows, **{row.member_id: row for row in added}}, fields, actor)


def _audit_member_notes(
    notes: Mapping[int, object],
    before: Mapping[int | None, Mapping[str, Any]],
    rows: Mapping[int | None, ParticipantNeeds],
    fields: list[str],
    actor: User | None,
) -> None:
    """One entry per member whose notes changed, about the membership (the person's and delegation's)."""
    members = DelegationMember.objects.select_related("person", "delegation").in_bulk(list(notes))
    entries = []
    for member_id, member in members.items():
        row = rows.get(member_id)
        after = {name: getattr(row, name) if row is not None else "" for name in fields}
        changes = log.diff(before.get(member_id, {name: "" for name in fields}), after)
        if changes:
            entries.append(
                log.entry(
                    action=Action.CHANGE,
                    actor=actor,
                    obj=member,
                    changes=changes,
                    delegation_id=member.delegation_id,
                    person_id=member.person_id,
                )
            )
    log.record_many(entries)
