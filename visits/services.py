"""Writes to the visits domain. Each service is keyword-only, typed and atomic."""

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from visits.models import (
    SESSION_TRANSITIONS,
    VISIT_TRANSITIONS,
    ChosenMember,
    Session,
    SessionExpert,
    SessionInterpreter,
    Visit,
    VisitStatus,
)


class InvalidTransition(ValidationError):
    """A status change that the allowed transitions do not permit."""


def check_transition(
    *, transitions: dict[str, set[str]], current: str, target: str, labels: Mapping[str, object]
) -> None:
    if target == current:
        return
    if target not in transitions.get(current, set()):
        allowed = ", ".join(sorted(str(labels[s]) for s in transitions.get(current, set()))) or gettext(
            "none"
        )
        raise InvalidTransition(
            {
                "status": gettext(
                    "A %(current)s item cannot become %(target)s. Allowed from here: %(allowed)s."
                )
                % {"current": labels[current], "target": labels[target], "allowed": allowed}
            }
        )


@transaction.atomic
def visit_change_status(*, visit: Visit, status: str) -> Visit:
    """Move a visit to another status. Cancelling keeps every session: the programme stays on record."""
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    check_transition(
        transitions=VISIT_TRANSITIONS, current=visit.status, target=status, labels=dict(VisitStatus.choices)
    )
    visit.status = status
    fields = ["status", "updated_at"]
    if status == VisitStatus.PUBLISHED and visit.first_published_at is None:
        visit.first_published_at = timezone.now()
        fields.append("first_published_at")
    visit.save(update_fields=fields)
    return visit


@transaction.atomic
def session_change_status(*, session: Session, status: str) -> Session:
    session = Session.objects.select_for_update().get(pk=session.pk)
    check_transition(
        transitions=SESSION_TRANSITIONS,
        current=session.status,
        target=status,
        labels=dict(Session.Status.choices),
    )
    session.status = status
    session.save(update_fields=["status", "updated_at"])
    return session


@transaction.atomic
def session_experts_set(*, session: Session, people: Iterable[int]) -> None:
    """Make the session's experts these people: new ones are added (not asked yet), the others removed.

    An expert who stays keeps their answer; one removed from a published session gets a cancellation when the
    programme is published next.
    """
    wanted = set(people)
    current = set(session.session_experts.values_list("person_id", flat=True))
    session.session_experts.filter(person_id__in=current - wanted).delete()
    SessionExpert.objects.bulk_create(
        SessionExpert(session=session, person_id=person_id) for person_id in sorted(wanted - current)
    )


@transaction.atomic
def session_chosen_members_set(*, session: Session, members: Iterable[int]) -> None:
    """Make the session's chosen members these delegation members (used when attendance is 'chosen')."""
    wanted = set(members)
    current = set(session.session_chosen_members.values_list("member_id", flat=True))
    session.session_chosen_members.filter(member_id__in=current - wanted).delete()
    ChosenMember.objects.bulk_create(
        ChosenMember(session=session, member_id=member_id) for member_id in sorted(wanted - current)
    )


@transaction.atomic
def session_interpreters_set(*, session: Session, bookings: Mapping[int, list[str]]) -> None:
    """Make the session's interpreters these people, each with the languages they interpret between.

    An interpreter who stays keeps their row, with the languages given; the others are removed.
    """
    current = {row.person_id: row for row in session.session_interpreters.all()}
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
