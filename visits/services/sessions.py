"""Writes of sessions: create, update (refusing a stale copy), delete, and the people on a session.

`data` holds the session's own fields as a form or serializer validated them; its status moves through
`session_change_status`, after the other fields are saved; its experts, interpreters and chosen members
through their own services. `actor` is who makes the change (None: the system).
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from audit.log import Who, diff
from audit.models import Action
from visits.models import (
    ChosenMember,
    DelegationMember,
    Person,
    Session,
    SessionExpert,
    SessionInterpreter,
    Visit,
)
from visits.services.base import audit_write, model_create, model_delete, model_update
from visits.services.status import session_change_status


def _people_and_status_set(
    session: Session,
    *,
    experts: Iterable[int] | None,
    chosen_members: Iterable[int] | None,
    interpreters: Mapping[int, list[str]] | None,
    status: str | None,
    actor: User | None,
) -> Session:
    """What session_create and session_update do after saving the session's own fields: set the people given
    (None leaves them as they are), then move the status, if asked, along the allowed transitions."""
    if experts is not None:
        session_experts_set(session=session, people=experts, actor=actor)
    if interpreters is not None:
        session_interpreters_set(session=session, bookings=interpreters, actor=actor)
    if chosen_members is not None:
        session_chosen_members_set(session=session, members=chosen_members, actor=actor)
    if status is not None and status != session.status:
        session = session_change_status(session=session, status=status, actor=actor)
    return session


@transaction.atomic
def session_create(
    *,
    visit: Visit,
    data: Mapping[str, Any],
    status: str | None = None,
    experts: Iterable[int] = (),
    chosen_members: Iterable[int] | None = None,
    interpreters: Mapping[int, list[str]] | None = None,
    actor: User | None,
) -> Session:
    """A new session of the visit with its people, all or nothing; tentative unless `status` says so."""
    return _people_and_status_set(
        model_create(Session, data={**data, "visit": visit}, actor=actor),
        experts=experts,
        chosen_members=chosen_members,
        interpreters=interpreters,
        status=status,
        actor=actor,
    )


@transaction.atomic
def session_update(
    *,
    session: Session,
    data: Mapping[str, Any],
    status: str | None = None,
    experts: Iterable[int] | None = None,
    chosen_members: Iterable[int] | None = None,
    interpreters: Mapping[int, list[str]] | None = None,
    actor: User | None,
) -> Session:
    """The session changed, with the people given (None leaves them as they are), all or nothing.

    Raises StaleEdit if the session was saved by someone else since `session` was read (its revision).
    """
    return _people_and_status_set(
        model_update(session, data=data, actor=actor),
        experts=experts,
        chosen_members=chosen_members,
        interpreters=interpreters,
        status=status,
        actor=actor,
    )


@transaction.atomic
def session_delete(*, session: Session, actor: User | None) -> None:
    """Delete a session with its people (a published programme's sessions are protected: cancel them)."""
    model_delete(session, actor=actor)


@transaction.atomic
def session_experts_set(*, session: Session, people: Iterable[int], actor: User | None) -> None:
    """Make the session's experts these people: new ones are added (not asked yet), the others removed.

    An expert who stays keeps their answer; one removed from a published session gets a cancellation when the
    programme is published next.
    """
    wanted = set(people)
    current = set(session.session_experts.values_list("person_id", flat=True))
    if wanted == current:
        return
    session.session_experts.filter(person_id__in=current - wanted).delete()
    SessionExpert.objects.bulk_create(
        SessionExpert(session=session, person_id=person_id) for person_id in sorted(wanted - current)
    )
    names = {person.pk: str(person) for person in Person.objects.filter(pk__in=list(current | wanted))}
    before, after = {names[pk] for pk in current}, {names[pk] for pk in wanted}
    _audit_people(session, "experts", before, after, actor)


def _audit_people(session: Session, field: str, before: object, after: object, actor: User | None) -> None:
    """One entry on the session for a change of who is on it (by name: the log outlives the rows)."""
    changes = diff({field: before}, {field: after})
    if changes:
        audit_write(session, action=Action.CHANGE, actor=actor, changes=changes)


# What an expert's row holds besides their answer, which only responses.answers.answer_move writes.
EXPERT_ROW_FIELDS = ("session", "person", "note")


@transaction.atomic
def session_expert_add(
    *, session: Session, person: Person, note: str = "", actor: User | None
) -> SessionExpert:
    """Put an expert on the session, not asked yet (publishing invites them)."""
    expert = SessionExpert.objects.create(session=session, person=person, note=note)
    audit_write(expert, action=Action.CREATE, actor=actor, changes=diff({}, {"person": person, "note": note}))
    return expert


@transaction.atomic
def session_expert_update(
    *, expert: SessionExpert, data: Mapping[str, Any], actor: User | None
) -> SessionExpert:
    """Change an expert's row (its session, who it is, its note); their answer is left to its owner."""
    return model_update(
        expert, data={name: data[name] for name in EXPERT_ROW_FIELDS if name in data}, actor=actor
    )


@transaction.atomic
def session_expert_remove(*, expert: SessionExpert, actor: User | None) -> None:
    """Take an expert off the session (taken off a published one, they get a cancellation when the
    programme is published next)."""
    model_delete(expert, actor=actor)


@transaction.atomic
def session_chosen_members_set(*, session: Session, members: Iterable[int], actor: User | None) -> None:
    """Make the session's chosen members these delegation members (used when attendance is 'chosen')."""
    wanted = set(members)
    current = set(session.session_chosen_members.values_list("member_id", flat=True))
    if wanted == current:
        return
    session.session_chosen_members.filter(member_id__in=current - wanted).delete()
    ChosenMember.objects.bulk_create(
        ChosenMember(session=session, member_id=member_id) for member_id in sorted(wanted - current)
    )
    names = dict(
        DelegationMember.objects.filter(pk__in=list(current | wanted)).values_list("pk", "person__name")
    )
    before = {names.get(pk, "") for pk in current}
    after = {names.get(pk, "") for pk in wanted}
    _audit_people(session, "chosen_members", before, after, actor)


@transaction.atomic
def session_interpreter_add(
    *, session: Session, person: Person, languages: list[str], actor: Who
) -> SessionInterpreter:
    """Book one interpreter for the session (invited; their answer is left to its owner,
    responses.interpreters), for the languages given, with an entry in the audit log."""
    booked = SessionInterpreter.objects.create(session=session, person=person, languages=list(languages))
    audit_write(
        booked,
        action=Action.CREATE,
        actor=actor,
        changes=diff({}, {"person": person, "languages": languages}),
    )
    return booked


@transaction.atomic
def session_interpreters_set(
    *, session: Session, bookings: Mapping[int, list[str]], actor: User | None
) -> None:
    """Make the session's interpreters these people, each with the languages they interpret between.

    An interpreter who stays keeps their row, with the languages given; the others are removed.
    """
    current = {row.person_id: row for row in session.session_interpreters.all()}
    before = {person_id: row.languages for person_id, row in current.items()}
    session.session_interpreters.exclude(person_id__in=list(bookings)).delete()
    changed = []
    for person_id, languages in bookings.items():
        row = current.get(person_id)
        if row is not None and row.languages != languages:
            row.languages = languages
            changed.append(row)
    SessionInterpreter.objects.bulk_update(changed, ["languages"])
    SessionInterpreter.objects.bulk_create(
        SessionInterpreter(session=session, person_id=person_id, languages=languages)
        for person_id, languages in sorted(bookings.items())
        if person_id not in current
    )
    if before != dict(bookings):
        names = dict(
            Person.objects.filter(pk__in=list(set(before) | set(bookings))).values_list("pk", "name")
        )
        _audit_people(
            session,
            "interpreters",
            {names.get(pk, ""): sorted(languages) for pk, languages in before.items()},
            {names.get(pk, ""): sorted(languages) for pk, languages in bookings.items()},
            actor,
        )
