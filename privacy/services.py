"""Exporting and erasing one person's personal data (pretix's data shredder is the model: export first,
overwrite what identifies them, keep the facts that reports count, refuse while their visit is still ahead).
"""

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext

from audit.log import REDACTED, as_json, record
from audit.models import Action
from notifications.models import PersonalToken
from notifications.tokens import token_revoke
from privacy.models import Erasure, ErasureReason
from privacy.registry import exporters, redactors
from visits.access import person_beyond_reach
from visits.models import Person, Session, Visit, VisitStatus
from visits.services import Refused

log = logging.getLogger(__name__)


def live_programmes(person: Person, today: dt.date) -> list[Visit]:
    """Published visits not over yet that have the person on a session that is on (the roster decides)."""
    sessions = (
        Session.objects.with_person(person)
        .active()
        .filter(visit__first_published_at__isnull=False, visit__ends_on__gte=today)
        .exclude(visit__status=VisitStatus.CANCELLED)
    )
    return list(Visit.objects.filter(pk__in=sessions.values("visit")).order_by("starts_on", "pk"))


def erasure_refusal(
    person: Person, *, user: User | AnonymousUser | None, today: dt.date | None = None
) -> str | None:
    """Why the person cannot be erased now, in words a coordinator can act on; None if they can.
    `user` is who asks (None: the retention task, which asks nobody's leave)."""
    erasure = Erasure.objects.filter(person=person).first()
    if erasure is not None:
        return gettext("This person's personal data was already erased on %(date)s.") % {
            "date": date_format(timezone.localtime(erasure.erased_at), "DATE_FORMAT")
        }
    if user is not None:
        beyond = reach_refusal(person, user=user)
        if beyond is not None:
            return beyond
    live = live_programmes(person, today or timezone.localdate())
    if live:
        visit = live[0]
        return gettext(
            "%(person)s is on the published programme of “%(visit)s” (%(first)s to %(last)s), which is not "
            "over yet. Take them off the programme first (choose the members who attend its sessions, or "
            "cancel the visit and publish), then erase them."
        ) % {
            "person": person.name,
            "visit": visit.title,
            "first": date_format(visit.starts_on, "DATE_FORMAT"),
            "last": date_format(visit.ends_on, "DATE_FORMAT"),
        }
    return None


def reach_refusal(person: Person, *, user: User | AnonymousUser) -> str | None:
    """Why the user may not export or erase the person: they are also in another coordinator's records."""
    if not person_beyond_reach(user, person):
        return None
    return gettext(
        "%(person)s is also in a delegation or on a visit that you do not coordinate, so their personal data "
        "is in another coordinator's records too. Ask an agency admin to export or erase it."
    ) % {"person": person.name}


@dataclass(frozen=True)
class WhatGoes:
    label: str | Promise
    rows: int | None  # None: counted only when it goes


def erasure_preview(person: Person) -> list[WhatGoes]:
    """What erasing the person takes away, for the confirmation page."""
    items = [
        WhatGoes(redactor.label, redactor.count(person.pk) if redactor.count else None)
        for redactor in redactors()
    ]
    tokens = PersonalToken.objects.filter(person=person, revoked_at__isnull=True).count()
    items.append(WhatGoes(gettext("Their links to their programme page and calendar feed (revoked)"), tokens))
    return items


ERASED_FIELDS = ("name", "email", "phone", "title")


def personal_values(person: Person) -> list[str]:
    """What identifies the person in free text: their name, e-mail address and phone number."""
    return [value for value in (person.name, person.email, person.phone) if value]


@transaction.atomic
def person_erase(*, person: Person, actor: User | None, reason: str = ErasureReason.REQUEST) -> Erasure:
    """Erase the person's personal data: every registered redactor overwrites what its app holds, their
    tokens are revoked, and an Erasure records when, why and by whom. Refused (Refused) while they are on a
    published programme that is not over, or when `actor` may not reach all of their records."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    refusal = erasure_refusal(person, user=actor if reason == ErasureReason.REQUEST else None)
    if refusal is not None:
        raise Refused(refusal)
    values = personal_values(person)
    rows: dict[str, int] = {}
    for redactor in redactors():
        rows[redactor.key] = redactor.redact(person.pk, values)
    live = PersonalToken.objects.filter(person=person, revoked_at__isnull=True)
    for token in live:
        token_revoke(token=token, actor=actor)
    rows["tokens"] = len(live)
    erasure = Erasure.objects.create(person=person, reason=reason, erased_by=actor, rows=rows)
    # The person's own history says that their data went, and who let it go; what it was is not kept.
    person.refresh_from_db()
    record(
        action=Action.CHANGE,
        actor=actor,
        obj=person,
        person_id=person.pk,
        changes={field: [REDACTED, as_json(getattr(person, field))] for field in ERASED_FIELDS},
    )
    # The id only: the name is what just went.
    log.info("Erased the personal data of person %s (%s)", person.pk, reason)
    return erasure


def person_export(person: Person) -> dict[str, Any]:
    """Everything held about the person, by section, JSON-ready with DjangoJSONEncoder."""
    data: dict[str, Any] = {"exported_at": timezone.now()}
    for key, export in exporters().items():
        data[key] = export(person.pk)
    erasure = Erasure.objects.filter(person=person).first()
    data["erasure"] = (
        {"erased_at": erasure.erased_at, "reason": erasure.reason, "rows": erasure.rows} if erasure else None
    )
    return data
