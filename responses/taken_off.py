"""Experts taken off a session, remembered so that the links they were sent say so.

A link names the expert's row (notifications.links); once the row is deleted, or moved to another session
or person, the link no longer finds it and would read as altered. So the row as it was is kept (TakenOff),
written whenever it goes: removed through visits.services (session_expert_remove, session_experts_set), in
the admin, or changed to another session or person. A row that goes with its session (the session deleted)
is not kept: there is no session left to speak of, and the link is simply invalid.
"""

from typing import Any

from django.db.models import QuerySet
from django.db.models.signals import pre_delete, pre_save
from django.dispatch import receiver

from notifications.links import expert_links
from responses.models import TakenOff
from visits.models import SessionExpert


def _taken_off_itself(origin: Any) -> bool:
    """Whether the deletion started from expert rows (not from their session or visit going)."""
    if isinstance(origin, SessionExpert):
        return True
    return isinstance(origin, QuerySet) and origin.model is SessionExpert


@receiver(pre_delete, sender=SessionExpert, dispatch_uid="responses.taken_off.on_delete")
def expert_row_deleted(sender: type[SessionExpert], instance: SessionExpert, **kwargs: Any) -> None:
    if _taken_off_itself(kwargs.get("origin")):
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


def remember(expert: SessionExpert) -> TakenOff:
    return TakenOff.objects.create(
        expert_row=expert.pk, session_id=expert.session_id, person_id=expert.person_id, answers=expert.answers
    )


def taken_off_by_link(token: str) -> TakenOff | None:
    """The expert and session a genuine link was sent for, if that expert has since been taken off it and
    is not on it again (a link that is not genuine finds nothing: no one else's data for a guessed id)."""
    row = expert_links.row_of(token)
    if row is None:
        return None
    for gone in TakenOff.objects.filter(expert_row=row).select_related("person", "session__visit"):
        copy = SessionExpert(
            pk=row, session_id=gone.session_id, person_id=gone.person_id, answers=gone.answers
        )
        if expert_links.made_for(token, copy):
            on_it_again = SessionExpert.objects.filter(session_id=gone.session_id, person_id=gone.person_id)
            return None if on_it_again.exists() else gone
    return None
