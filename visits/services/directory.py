"""Writes of the shared directory: organisations, people, venues, themes and opening hours. They are shared
between coordinators on purpose (one expert serves many visits), so two rules keep one coordinator from
undoing another's work:
- deleting a shared record that any visit uses is refused, counting the visits (and naming none: they may be
  other coordinators'); the database's PROTECT backs this up;
- a person's e-mail and name (where their mail goes) change only for someone who may redirect it
  (visits.access.may_redirect_mail); an agency admin may, and it is logged.
"""

import logging
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext, ngettext

from visits.access import is_agency_admin, may_redirect_mail
from visits.models import OpeningHours, Organisation, Person, Theme, Venue, Visit
from visits.services.base import Refused, Writes, model_create, model_delete, model_update

logger = logging.getLogger(__name__)

# Where a person's mail goes: changing these sends their invitations and personal links elsewhere.
MAIL_FIELDS = ("email", "name")


def visits_using_refusal(name: str, visits: Q) -> str | None:
    """Why a shared record cannot be deleted (`visits` use it), or None if it can. Only the count is given:
    the visits may be other coordinators', whose titles are theirs."""
    count = Visit.objects.filter(visits).distinct().count()
    if not count:
        return None
    return ngettext(
        "“%(name)s” cannot be deleted: used by %(count)d visit.",
        "“%(name)s” cannot be deleted: used by %(count)d visits.",
        count,
    ) % {"name": name, "count": count}


def organisation_deletion_refusal(organisation: Organisation) -> str | None:
    return visits_using_refusal(organisation.name, Q(sessions__host_organisation=organisation))


def venue_deletion_refusal(venue: Venue) -> str | None:
    return visits_using_refusal(venue.name, Q(sessions__venue=venue))


def theme_deletion_refusal(theme: Theme) -> str | None:
    return visits_using_refusal(str(theme), Q(themes=theme))


def person_deletion_refusal(person: Person) -> str | None:
    """A person who leads or interprets a session is a shared record of those visits."""
    return visits_using_refusal(
        person.name,
        Q(sessions__session_experts__person=person) | Q(sessions__session_interpreters__person=person),
    )


def deletion_refusal(row: Any) -> str | None:
    """Why this shared record cannot be deleted, or None; for the front ends that delete generically."""
    for model, refusal in DELETION_REFUSALS.items():
        if isinstance(row, model):
            return refusal(row)
    return None


def _refuse_deletion(row: Any) -> None:
    # Lock the row: a session taking it up meanwhile waits for the delete (PostgreSQL's key-share lock).
    list(type(row).objects.select_for_update().filter(pk=row.pk).values_list("pk", flat=True))
    refusal = deletion_refusal(row)
    if refusal is not None:
        raise Refused(refusal)


def person_mail_check(*, person: Person, data: Mapping[str, Any], actor: User | None) -> None:
    """Refuse a change of the person's e-mail or name that the actor may not make (a ValidationError naming
    each such field); let an agency admin make it, and log that they did (who and whom, no values)."""
    stored = Person.objects.filter(pk=person.pk).values(*MAIL_FIELDS).first() if person.pk else None
    if stored is None:
        return
    changed = [name for name in MAIL_FIELDS if name in data and _differs(name, data[name], stored[name])]
    if not changed:
        return
    if not may_redirect_mail(actor, person):
        raise ValidationError(
            {name: ValidationError(_mail_refusal(name), code="not_yours") for name in changed}
        )
    if actor is not None and is_agency_admin(actor):
        logger.info(
            "Agency admin %s changed the %s of person %s.", actor.username, " and ".join(changed), person.pk
        )


def _differs(name: str, new: Any, old: str) -> bool:
    new, old = str(new or "").strip(), (old or "").strip()
    # Addresses are matched regardless of case everywhere else; a change of case goes to the same mailbox.
    return new.lower() != old.lower() if name == "email" else new != old


def _mail_refusal(name: str) -> str:
    if name == "email":
        return gettext(
            "This person is in a delegation or on a visit that another coordinator coordinates: only they, "
            "or an agency admin, can change their e-mail address."
        )
    return gettext(
        "This person is in a delegation or on a visit that another coordinator coordinates: only they, "
        "or an agency admin, can change their name."
    )


@transaction.atomic
def organisation_create(*, data: Mapping[str, Any], actor: User | None) -> Organisation:
    return model_create(Organisation, data=data, actor=actor)


@transaction.atomic
def organisation_update(
    *, organisation: Organisation, data: Mapping[str, Any], actor: User | None
) -> Organisation:
    return model_update(organisation, data=data, actor=actor)


@transaction.atomic
def organisation_delete(*, organisation: Organisation, actor: User | None) -> None:
    _refuse_deletion(organisation)
    model_delete(organisation, actor=actor)


@transaction.atomic
def person_create(*, data: Mapping[str, Any], actor: User | None) -> Person:
    return model_create(Person, data=data, actor=actor)


@transaction.atomic
def person_update(*, person: Person, data: Mapping[str, Any], actor: User | None) -> Person:
    person_mail_check(person=person, data=data, actor=actor)
    return model_update(person, data=data, actor=actor)


@transaction.atomic
def person_delete(*, person: Person, actor: User | None) -> None:
    _refuse_deletion(person)
    model_delete(person, actor=actor)


@transaction.atomic
def venue_create(*, data: Mapping[str, Any], actor: User | None) -> Venue:
    return model_create(Venue, data=data, actor=actor)


@transaction.atomic
def venue_update(*, venue: Venue, data: Mapping[str, Any], actor: User | None) -> Venue:
    return model_update(venue, data=data, actor=actor)


@transaction.atomic
def venue_delete(*, venue: Venue, actor: User | None) -> None:
    _refuse_deletion(venue)
    model_delete(venue, actor=actor)


@transaction.atomic
def theme_create(*, data: Mapping[str, Any], actor: User | None) -> Theme:
    return model_create(Theme, data=data, actor=actor)


@transaction.atomic
def theme_update(*, theme: Theme, data: Mapping[str, Any], actor: User | None) -> Theme:
    return model_update(theme, data=data, actor=actor)


@transaction.atomic
def theme_delete(*, theme: Theme, actor: User | None) -> None:
    _refuse_deletion(theme)
    model_delete(theme, actor=actor)


@transaction.atomic
def opening_hours_create(*, data: Mapping[str, Any], actor: User | None) -> OpeningHours:
    return model_create(OpeningHours, data=data, actor=actor)


@transaction.atomic
def opening_hours_update(
    *, opening_hours: OpeningHours, data: Mapping[str, Any], actor: User | None
) -> OpeningHours:
    return model_update(opening_hours, data=data, actor=actor)


@transaction.atomic
def opening_hours_delete(*, opening_hours: OpeningHours, actor: User | None) -> None:
    model_delete(opening_hours, actor=actor)


# The services of each, for the front ends that write these rows generically (the API's viewsets, the admin).
ORGANISATION_WRITES = Writes("organisation", organisation_create, organisation_update, organisation_delete)
PERSON_WRITES = Writes("person", person_create, person_update, person_delete)
VENUE_WRITES = Writes("venue", venue_create, venue_update, venue_delete)
OPENING_HOURS_WRITES = Writes(
    "opening_hours", opening_hours_create, opening_hours_update, opening_hours_delete
)
THEME_WRITES = Writes("theme", theme_create, theme_update, theme_delete)

DELETION_REFUSALS: dict[type[Any], Any] = {
    Organisation: organisation_deletion_refusal,
    Venue: venue_deletion_refusal,
    Theme: theme_deletion_refusal,
    Person: person_deletion_refusal,
}
