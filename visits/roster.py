"""Who is on a session: the roster. The one place that decides it; everything else asks here.

A person is on a session as
- an expert asked to lead it (`SessionExpert`), whatever their answer (the conflict checker leaves out those
  who declined; publishing tells them of changes like everyone else);
- an interpreter booked for it (`SessionInterpreter`), whatever their answer (the conflict checker leaves out
  those who declined or passed it to a colleague);
- a participant: a member of the visiting delegation. The session's attendance says which members: every
  member when the whole delegation attends, the chosen members (`ChosenMember`) otherwise. Chosen rows
  left over from before a session went back to the whole delegation do not count.

Reads for one person are QuerySet methods on `Session.objects` (`with_participant`, `with_person`,
`with_roles_of`); `on_roster(people)` is the same rule as a filter for many people at once, and
`Session.objects.rosters(sessions)` reads the roster of many sessions in one query.

This module sits under the models (`Session.objects` is built from `RosterQuerySet`), so it reaches the other
tables through Session's own relations and imports no model.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Self

from django.db import models
from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from visits.models.people import Person
    from visits.models.programme import Session


class SessionAttendance(models.TextChoices):
    """Which members of the visiting delegation a session is for."""

    DELEGATION = "delegation", _("The whole delegation")
    CHOSEN = "chosen", _("Chosen members")


# The roles a person is on a session in, as the rows of `rosters` name them.
EXPERT = "expert"
INTERPRETER = "interpreter"
PARTICIPANT = "participant"


@dataclass(frozen=True, slots=True)
class Roster:
    """Who is on one session, by role, as person ids."""

    experts: frozenset[int] = frozenset()  # every expert asked, whatever their answer
    interpreters: frozenset[int] = frozenset()
    participants: frozenset[int] = frozenset()  # the members of the visiting delegation on it
    responses: Mapping[int, str] = field(default_factory=dict)  # expert → their SessionExpert.response
    # interpreter → their SessionInterpreter.response
    interpreter_responses: Mapping[int, str] = field(default_factory=dict)


def chosen_members_only(session: "Session") -> bool:
    """Whether the session is for chosen members of the delegation rather than for all of them."""
    return session.attendance == SessionAttendance.CHOSEN


def on_roster(people: Iterable[int]) -> Q:
    """Sessions (by Session's own fields) that any of these people are on, in any role.

    It joins to the people, so a session may come back more than once: take `.values("pk").distinct()`.
    """
    people = list(people)
    return (
        Q(session_experts__person_id__in=people)
        | Q(session_interpreters__person_id__in=people)
        | Q(attendance=SessionAttendance.CHOSEN, session_chosen_members__member__person_id__in=people)
        | Q(attendance=SessionAttendance.DELEGATION, visit__delegation__members__person_id__in=people)
    )


class RosterQuerySet(models.QuerySet["Session"]):
    """The roster's reads, mixed into Session's QuerySet."""

    def _sessions(self, **lookups: object) -> "models.QuerySet[Session, dict[str, object]]":
        return self.model._default_manager.filter(**lookups).values("pk")

    def _participant_of(self, person: "Person") -> Q:
        return Q(
            attendance=SessionAttendance.CHOSEN,
            pk__in=self._sessions(session_chosen_members__member__person=person),
        ) | Q(
            attendance=SessionAttendance.DELEGATION,
            pk__in=self._sessions(visit__delegation__members__person=person),
        )

    def with_participant(self, person: "Person") -> Self:
        """Sessions the person is on as a member of the visiting delegation."""
        return self.filter(self._participant_of(person))

    def with_person(self, person: "Person") -> Self:
        """Sessions the person is on in any role: expert (whatever their answer), interpreter, participant."""
        return self.filter(
            Q(pk__in=self._sessions(session_experts__person=person))
            | Q(pk__in=self._sessions(session_interpreters__person=person))
            | self._participant_of(person)
        )

    def with_roles_of(self, person: "Person") -> Self:
        """Each session annotated with whether the person leads it (`person_is_expert`, whatever their answer)
        and whether they interpret it (`person_is_interpreter`)."""
        return self.annotate(
            person_is_expert=Exists(
                self.model._default_manager.filter(pk=OuterRef("pk"), session_experts__person=person)
            ),
            person_is_interpreter=Exists(
                self.model._default_manager.filter(pk=OuterRef("pk"), session_interpreters__person=person)
            ),
        )

    def rosters(self, sessions: Iterable["Session"]) -> dict[int, Roster]:
        """The roster of each saved session, in one query whatever the number of sessions and people.

        Each session's own `attendance` is what counts, as it stands on the object: a session being edited is
        read as the editor has it. Call it on the manager: `Session.objects.rosters(sessions)`.
        """
        rows = [session for session in sessions if session.pk is not None]
        if not rows:
            return {}
        ids = [session.pk for session in rows]
        chosen = [session.pk for session in rows if chosen_members_only(session)]
        whole = [session.pk for session in rows if not chosen_members_only(session)]
        base = self.model._default_manager.order_by()
        none, expert = Value("", output_field=CharField()), Value(EXPERT, output_field=CharField())
        interpreter = Value(INTERPRETER, output_field=CharField())
        participant = Value(PARTICIPANT, output_field=CharField())
        # (session, person, role, the expert's response): one row for each person on each session.
        parts = [
            base.filter(pk__in=ids, session_experts__isnull=False).values_list(
                "pk", "session_experts__person_id", expert, "session_experts__response"
            ),
            base.filter(pk__in=ids, session_interpreters__isnull=False).values_list(
                "pk", "session_interpreters__person_id", interpreter, "session_interpreters__response"
            ),
        ]
        if chosen:
            parts.append(
                base.filter(pk__in=chosen, session_chosen_members__isnull=False).values_list(
                    "pk", "session_chosen_members__member__person_id", participant, none
                )
            )
        if whole:
            parts.append(
                base.filter(pk__in=whole, visit__delegation__members__isnull=False).values_list(
                    "pk", "visit__delegation__members__person_id", participant, none
                )
            )
        found: dict[int, dict[str, set[int]]] = {pk: defaultdict(set) for pk in ids}
        responses: dict[int, dict[int, str]] = {pk: {} for pk in ids}
        interpreting: dict[int, dict[int, str]] = {pk: {} for pk in ids}
        for session_id, person_id, role, response in parts[0].union(*parts[1:], all=True):
            found[session_id][role].add(person_id)
            if role == EXPERT:
                responses[session_id][person_id] = response
            elif role == INTERPRETER:
                interpreting[session_id][person_id] = response
        return {
            pk: Roster(
                experts=frozenset(people[EXPERT]),
                interpreters=frozenset(people[INTERPRETER]),
                participants=frozenset(people[PARTICIPANT]),
                responses=responses[pk],
                interpreter_responses=interpreting[pk],
            )
            for pk, people in found.items()
        }

    def roster_of(self, session: "Session") -> Roster:
        """The roster of one session, saved or not (a new session proposed in a form has only the delegation,
        if it is for the whole of it). One query."""
        if session.pk is not None:
            return self.rosters([session])[session.pk]
        delegation = session.visit.delegation
        if chosen_members_only(session) or delegation is None:
            return Roster()
        return Roster(participants=frozenset(delegation.members.values_list("person_id", flat=True)))
