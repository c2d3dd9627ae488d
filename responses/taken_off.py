"""Experts and interpreters taken off a session, remembered so that the links they were sent say so, and so
that their cancellation comes from the same ORGANIZER as their invitation.

A link names the expert's row (notifications.links); once the row is deleted, or moved to another session
or person, the link no longer finds it and would read as altered. So the row as it was is kept (TakenOff),
written whenever it goes: removed through visits.services (session_expert_remove, session_experts_set), in
the admin, or changed to another session or person. A row that goes with its session (the session deleted)
is not kept: there is no session left to speak of, and the link is simply invalid.

The reply address of an invitation names the row too (notifications.reply_address), so the cancellation
to a person taken off a session is sent from the address of the row they had (`former_rows`, registered
with notifications.hooks): a calendar program matches a CANCEL to its event by UID and ORGANIZER. An
interpreter's row is remembered for that, the same way.
"""

from collections.abc import Collection
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.signals import pre_delete, pre_save
from django.dispatch import receiver

from notifications.links import expert_links
from responses.models import TakenOff
from visits.models import SessionExpert, SessionInterpreter


def _taken_off_itself(origin: Any, model: type[SessionExpert] | type[SessionInterpreter]) -> bool:
    """Whether the deletion started from rows of `model` (not from their session or visit going)."""
    if isinstance(origin, model):
        return True
    return isinstance(origin, QuerySet) and origin.model is model


@receiver(pre_delete, sender=SessionExpert, dispatch_uid="responses.taken_off.on_delete")
def expert_row_deleted(sender: type[SessionExpert], instance: SessionExpert, **kwargs: Any) -> None:
    if _taken_off_itself(kwargs.get("origin"), SessionExpert):
        remember(instance)


@receiver(pre_save, sender=SessionExpert, dispatch_uid="responses.taken_off.on_save")
def expert_row_moved(sender: type[SessionExpert], instance: SessionExpert, **kwargs: Any) -> None:
    if instance.pk is None or kwargs.get("raw"):
        return
    stored = SessionExpert.objects.filter(pk=instance.pk).only("session_id", "person_id", "answers").first()
    if stored is None:
        return
    if (stored.session_id, stored.person_id) != (instance.session_id, instance.person_id):
        remember(stored)


@receiver(pre_delete, sender=SessionInterpreter, dispatch_uid="responses.taken_off.interpreter_on_delete")
def interpreter_row_deleted(
    sender: type[SessionInterpreter], instance: SessionInterpreter, **kwargs: Any
) -> None:
    if _taken_off_itself(kwargs.get("origin"), SessionInterpreter):
        remember(instance)


@receiver(pre_save, sender=SessionInterpreter, dispatch_uid="responses.taken_off.interpreter_on_save")
def interpreter_row_moved(
    sender: type[SessionInterpreter], instance: SessionInterpreter, **kwargs: Any
) -> None:
    if instance.pk is None or kwargs.get("raw"):
        return
    stored = (
        SessionInterpreter.objects.filter(pk=instance.pk).only("session_id", "person_id", "answers").first()
    )
    if stored is None:
        return
    if (stored.session_id, stored.person_id) != (instance.session_id, instance.person_id):
        remember(stored)


def remember(row: SessionExpert | SessionInterpreter) -> TakenOff:
    return TakenOff.objects.create(
        expert_row=row.pk,
        role=TakenOff.Role.INTERPRETER if isinstance(row, SessionInterpreter) else TakenOff.Role.EXPERT,
        session_id=row.session_id,
        person_id=row.person_id,
        answers=row.answers,
    )


def former_rows(wanted: Collection[tuple[int, int, str]]) -> dict[tuple[int, int, str], int]:
    """{(session, person, role): the row they had} for each of `wanted` who was taken off that session: the
    last row, when they were on it more than once. `role` is "expert" or "interpreter", as
    notifications.reply_address and TakenOff.Role name them alike. One query."""
    if not wanted:
        return {}
    match = Q()
    for session_id, person_id, role in wanted:
        match |= Q(session_id=session_id, person_id=person_id, role=role)
    found: dict[tuple[int, int, str], int] = {}
    for session_id, person_id, role, row in (
        TakenOff.objects.filter(match)
        .order_by("taken_off_at", "id")
        .values_list("session_id", "person_id", "role", "expert_row")
    ):
        found[(session_id, person_id, role)] = row  # the latest wins
    return found


def taken_off_by_link(token: str) -> TakenOff | None:
    """The expert and session a genuine link was sent for, if that expert has since been taken off it and
    is not on it again (a link that is not genuine finds nothing: no one else's data for a guessed id)."""
    row = expert_links.row_of(token)
    if row is None:
        return None
    gone_rows = TakenOff.objects.filter(expert_row=row, role=TakenOff.Role.EXPERT)
    for gone in gone_rows.select_related("person", "session__visit"):
        copy = SessionExpert(
            pk=row, session_id=gone.session_id, person_id=gone.person_id, answers=gone.answers
        )
        if expert_links.made_for(token, copy):
            on_it_again = SessionExpert.objects.filter(session_id=gone.session_id, person_id=gone.person_id)
            return None if on_it_again.exists() else gone
    return None
