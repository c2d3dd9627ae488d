"""Writes of this app's rows: a visit's booklet settings, a participant's stay."""

import datetime as dt

from django.contrib.auth.models import User
from django.db import transaction

from audit import log
from audit.models import Action
from booklets.models import BookletSettings, ParticipantStay
from visits.models import Person, Visit

SETTINGS_FIELDS = ("coordinators_phone", "emergency_phone", "attach_to_programme_email", "send_host_sheets")


@transaction.atomic
def booklet_settings_save(
    *,
    visit: Visit,
    actor: User | None,
    coordinators_phone: str,
    emergency_phone: str,
    attach_to_programme_email: bool,
    send_host_sheets: bool,
) -> BookletSettings:
    row, created = BookletSettings.objects.select_for_update().get_or_create(visit=visit)
    before = {name: getattr(row, name) for name in SETTINGS_FIELDS}
    after = {
        "coordinators_phone": coordinators_phone.strip(),
        "emergency_phone": emergency_phone.strip(),
        "attach_to_programme_email": attach_to_programme_email,
        "send_host_sheets": send_host_sheets,
    }
    for name, value in after.items():
        setattr(row, name, value)
    row.full_clean()
    row.save()
    changes = log.diff({} if created else before, after)
    if changes:
        log.record(
            action=Action.CREATE if created else Action.CHANGE,
            actor=actor,
            obj=row,
            changes=changes,
            visit_id=visit.pk,
            delegation_id=visit.delegation_id,
        )
    return row


@transaction.atomic
def participant_stay_save(
    *,
    visit: Visit,
    person: Person,
    actor: User | None,
    arrives_at: dt.datetime | None,
    departs_at: dt.datetime | None,
    hotel: str = "",
) -> ParticipantStay:
    """When the participant arrives and leaves, and their hotel. Raises ValidationError (naming the field)
    for a departure before the arrival."""
    row, created = ParticipantStay.objects.select_for_update().get_or_create(visit=visit, person=person)
    before = {"arrives_at": row.arrives_at, "departs_at": row.departs_at, "hotel": row.hotel}
    row.arrives_at, row.departs_at, row.hotel = arrives_at, departs_at, hotel.strip()
    row.full_clean()
    row.save()
    after = {"arrives_at": arrives_at, "departs_at": departs_at, "hotel": row.hotel}
    log.record(
        action=Action.CREATE if created else Action.CHANGE,
        actor=actor,
        obj=row,
        changes=log.diff({} if created else before, after),
        visit_id=visit.pk,
        person_id=person.pk,
        delegation_id=visit.delegation_id,
    )
    return row


@transaction.atomic
def participant_stay_delete(*, stay: ParticipantStay, actor: User | None) -> None:
    """Forget when a participant arrives and leaves, and their hotel."""
    log.record(
        action=Action.DELETE,
        actor=actor,
        obj=stay,
        changes=log.diff(
            {"arrives_at": stay.arrives_at, "departs_at": stay.departs_at, "hotel": stay.hotel}, {}
        ),
        visit_id=stay.visit_id,
        person_id=stay.person_id,
        delegation_id=stay.visit.delegation_id,
    )
    stay.delete()
