"""Who may answer what, and what a participant has said so far.

A participant is on a session as a member of the visiting delegation (visits.roster:
`Session.objects.with_participant`). Experts and interpreters are on sessions too, but they answer the
coordinators in other ways, so they are not asked here.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from participation.models import ParticipantAnswer, ParticipantNeeds
from visits.models import DelegationMember, Person, Session, Visit, VisitStatus
from visits.selectors import session_cancelled


def participant_visits(person: Person) -> QuerySet[Visit]:
    """The visits whose delegation the person is a member of."""
    return Visit.objects.filter(delegation__members__person=person)


def session_open(session: Session, *, now: dt.datetime) -> bool:
    """Whether a session can still be answered: published, not cancelled, not started."""
    return session.visit.is_published and not session_cancelled(session) and session.starts_at > now


def visit_open(visit: Visit, *, today: dt.date) -> bool:
    """Whether needs can still be given for a visit: published, not cancelled, not over."""
    return visit.is_published and visit.status != VisitStatus.CANCELLED and visit.ends_on >= today


@dataclass(frozen=True)
class VisitNeeds:
    visit: Visit
    needs: ParticipantNeeds | None


@dataclass(frozen=True)
class ParticipantAnswers:
    """What the programme page shows a participant besides their sessions."""

    answers: dict[int, str]  # session id → ParticipantAnswer.Answer, for each session they are on
    open_sessions: frozenset[int]  # the sessions they may answer now
    visits: list[VisitNeeds]  # the visits whose needs they may give now, with what they gave


def participant_answers(person: Person, *, now: dt.datetime) -> ParticipantAnswers:
    """Three queries at most, however many sessions and visits the person has."""
    mine = ParticipantAnswer.objects.filter(session=OuterRef("pk"), person=person).values("answer")[:1]
    sessions = (
        Session.objects.with_participant(person)
        .filter(visit__first_published_at__isnull=False)
        .select_related("visit")
        .annotate(my_answer=Subquery(mine))
    )
    answers: dict[int, str] = {}
    open_sessions: set[int] = set()
    for session in sessions:
        if session.my_answer is not None:
            answers[session.pk] = session.my_answer
        if session_open(session, now=now):
            open_sessions.add(session.pk)

    return ParticipantAnswers(
        answers=answers,
        open_sessions=frozenset(open_sessions),
        visits=needs_visits(person, today=timezone.localdate(now)),
    )


def needs_visits(person: Person, *, today: dt.date) -> list[VisitNeeds]:
    """The visits whose needs the person may give now, each with what they gave. Two queries at most."""
    visits = [
        visit
        for visit in participant_visits(person)
        .filter(first_published_at__isnull=False)
        .select_related("delegation")
        .order_by("starts_on")
        if visit_open(visit, today=today)
    ]
    given: dict[int | None, ParticipantNeeds] = {}  # a person's own rows all have a visit
    if visits:
        given = {
            needs.visit_id: needs
            for needs in ParticipantNeeds.objects.filter(person=person, visit__in=[v.pk for v in visits])
        }
    return [VisitNeeds(visit, given.get(visit.pk)) for visit in visits]


@dataclass(frozen=True)
class MemberNotes:
    """The coordinators' notes on what a delegation member needs, named as the directory and the API name
    them (stored as a ParticipantNeeds row of the membership: its dietary_note and accessibility_note)."""

    dietary_needs: str = ""
    accessibility_needs: str = ""


MEMBER_NOTES = {"dietary_needs": "dietary_note", "accessibility_needs": "accessibility_note"}


def member_notes(member: DelegationMember) -> MemberNotes:
    """The member's notes: no query when the membership was read with select_related("needs")."""
    needs: ParticipantNeeds | None = getattr(member, "needs", None)  # none yet: the accessor raises
    if needs is None:
        return MemberNotes()
    return MemberNotes(dietary_needs=needs.dietary_note, accessibility_needs=needs.accessibility_note)
