"""Writes of requests for a visit: submitted on the public page, answered through the requester's link, and
triaged by coordinators (accept, ask for more, decline). Each is one transaction that saves the request first
and writes the requester's e-mail as an outbox row beside it; delivery is queued once it commits, so no
request is lost to a mail server that is down, and no e-mail goes out about a request that was not saved.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit import log as audit_log
from audit.models import Action, ActorKind
from intake.models import REQUEST_TRANSITIONS, NoteAuthor, RequestNote, RequestStatus, VisitRequest
from notifications.models import MessageKind, OutboxMessage, OutboxStatus
from notifications.outbox import dispatch_on_commit, new_message_id, notice_row, outbox_create
from visits.models import Delegation, Organisation, Theme
from visits.models.delegations import MemberRole
from visits.models.people import OrganisationSide
from visits.models.programme import VisitKind
from visits.selectors import person_with_email
from visits.services import (
    Refused,
    delegation_register,
    member_add,
    membership_refusal,
    organisation_create,
    visit_create,
)

NOTICE = "visit_request"
# The coordinators' notice that a request waits for triage (new, or answered by its requester): to their
# mailbox, ORGANIZER_EMAIL. Nothing personal in it, so erasing a request leaves it alone.
WAITING = "visit_request_waiting"

# Who acts on the public page and through the requester's link: nobody signed in, so the system, named.
REQUESTER = audit_log.Actor(ActorKind.SYSTEM, label="requester (public page)")


class InvalidRequestMove(ValueError):
    """A move its status does not allow: the request was decided (or answered) meanwhile."""


def request_move(
    *, visit_request: VisitRequest, to_status: str, actor: audit_log.Who, **fields: Any
) -> VisitRequest:
    """Move the request to `to_status` (with `fields` changed too), if REQUEST_TRANSITIONS allows it from the
    status it has in the database now (the row is locked): two coordinators deciding at once, or an answer
    arriving as a coordinator declines, cannot both win."""
    with transaction.atomic():
        locked = VisitRequest.objects.select_for_update().get(pk=visit_request.pk)
        if to_status not in REQUEST_TRANSITIONS[locked.status]:
            raise InvalidRequestMove(f"{locked.status} → {to_status}")
        before = {"status": locked.status, **{name: getattr(locked, name) for name in fields}}
        locked.status = to_status
        locked.status_changed_at = timezone.now()
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save(update_fields=["status", "status_changed_at", *fields])
        after = {"status": to_status, **fields}
        _audit(locked, action=Action.CHANGE, actor=actor, changes=audit_log.diff(before, after))
    return locked


def _audit(visit_request: VisitRequest, *, action: Action, actor: audit_log.Who, changes: Any) -> None:
    audit_log.record(
        action=action,
        actor=actor,
        obj=visit_request,
        changes=changes,
        visit_id=visit_request.visit_id,
        delegation_id=visit_request.delegation_id,
        person_id=visit_request.contact_id,
    )


def _notify(
    visit_request: VisitRequest, *, step: str, note: RequestNote | None = None, actor: audit_log.Who
) -> None:
    """The requester's e-mail about this step, in their language: an outbox row now, its delivery queued
    when the transaction commits."""
    written = outbox_create(
        [
            OutboxMessage(
                idempotency_key=f"{NOTICE}:{visit_request.pk}:{step}:{note.pk if note else 0}",
                kind=MessageKind.NOTICE,
                visit=visit_request.visit,
                to_email=visit_request.contact_email,
                language=visit_request.language,
                send_at=timezone.now(),
                message_id=new_message_id(),
                payload={
                    "notice": NOTICE,
                    "request": visit_request.pk,
                    "step": step,
                    "note": note.pk if note else None,
                },
            )
        ],
        actor=actor,
    )
    dispatch_on_commit([m.pk for m in written if m.status == OutboxStatus.QUEUED])


def _tell_coordinators(visit_request: VisitRequest, *, step: str, note: RequestNote | None = None) -> None:
    """A notice to the coordinators' mailbox that the request waits for them (`step`: "new", or "answered"
    when its requester has added what was asked), with a link to it in triage; its delivery queued on
    commit. It names the organisation, country, dates and group size only: the contact's details are read
    behind the sign-in."""
    written = outbox_create(
        [
            notice_row(
                (None, settings.ORGANIZER_EMAIL),
                key=f"{WAITING}:{visit_request.pk}:{step}:{note.pk if note else 0}",
                visit_id=None,
                send_at=timezone.now(),
                payload={"notice": WAITING, "request": visit_request.pk, "step": step},
            )
        ],
        actor=REQUESTER,
    )
    dispatch_on_commit([m.pk for m in written if m.status == OutboxStatus.QUEUED])


# --- The requester ---


def request_submit(
    *, data: Mapping[str, Any], themes: Iterable[Theme], submission: Any
) -> tuple[VisitRequest, bool]:
    """Save a request from the public page, and acknowledge it by e-mail; returns it and whether it is new.
    The same `submission` (the form's token) sent again gives the request it made the first time."""
    existing = VisitRequest.objects.filter(submission=submission).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            visit_request = VisitRequest.objects.create(
                submission=submission,
                consented_at=timezone.now(),
                retention_days=settings.INTAKE_RETENTION_DAYS,
                **data,
            )
            visit_request.themes.set(list(themes))
            _audit(
                visit_request,
                action=Action.CREATE,
                actor=REQUESTER,
                changes=audit_log.diff({}, {"status": visit_request.status}),
            )
            _notify(visit_request, step="received", actor=REQUESTER)
            _tell_coordinators(visit_request, step="new")
    except IntegrityError:
        # The same form sent twice at once: the other post saved it.
        again = VisitRequest.objects.filter(submission=submission).first()
        if again is None:
            raise
        return again, False
    return visit_request, True


@transaction.atomic
def request_answer(*, visit_request: VisitRequest, text: str) -> VisitRequest:
    """What the requester adds through the link of an "ask for more" e-mail: back to triage."""
    moved = request_move(visit_request=visit_request, to_status=RequestStatus.TRIAGE, actor=REQUESTER)
    note = RequestNote.objects.create(
        request=moved, author=NoteAuthor.REQUESTER, step=RequestStatus.TRIAGE, text=text
    )
    _tell_coordinators(moved, step="answered", note=note)
    return moved


# --- Coordinators ---


@transaction.atomic
def request_ask_more(*, visit_request: VisitRequest, message: str, actor: User) -> VisitRequest:
    """Ask the requester for more: the e-mail carries the question and a link to answer it."""
    moved = request_move(visit_request=visit_request, to_status=RequestStatus.MORE_ASKED, actor=actor)
    note = RequestNote.objects.create(
        request=moved, author=NoteAuthor.COORDINATOR, step=RequestStatus.MORE_ASKED, text=message, user=actor
    )
    _notify(moved, step="more", note=note, actor=actor)
    return moved


@transaction.atomic
def request_decline(*, visit_request: VisitRequest, message: str, actor: User) -> VisitRequest:
    moved = request_move(
        visit_request=visit_request, to_status=RequestStatus.DECLINED, actor=actor, decided_by=actor
    )
    note = RequestNote.objects.create(
        request=moved, author=NoteAuthor.COORDINATOR, step=RequestStatus.DECLINED, text=message, user=actor
    )
    _notify(moved, step="declined", note=note, actor=actor)
    return moved


@transaction.atomic
def request_accept(*, visit_request: VisitRequest, message: str = "", actor: User) -> VisitRequest:
    """Accept the request: its delegation (coordinated by `actor`), the contact as the delegation's contact
    person, and a draft study visit on the requested dates, for its target group and themes. Refused when the
    contact is a member of another coordinator's delegation (an agency admin may accept it)."""
    locked = VisitRequest.objects.select_for_update().get(pk=visit_request.pk)
    if RequestStatus.ACCEPTED not in REQUEST_TRANSITIONS[locked.status]:
        raise InvalidRequestMove(f"{locked.status} → {RequestStatus.ACCEPTED}")
    contact = person_with_email(locked.contact_email)
    if contact is not None:
        refusal = membership_refusal(contact, actor=actor)
        if refusal is not None:
            raise Refused(refusal)
    delegation = delegation_register(
        data={
            "name": _free_delegation_name(f"{locked.organisation} {locked.starts_on.year}"),
            "countries": [locked.country.code],
            "languages": list(locked.languages),
        },
        actor=actor,
    )
    member = member_add(
        delegation=delegation,
        person=contact,
        person_data={} if contact is not None else _contact_data(locked, actor=actor),
        membership_data={"role": MemberRole.CONTACT, "languages": list(locked.languages)},
        actor=actor,
    )
    visit = visit_create(
        data={
            "kind": VisitKind.STUDY_VISIT,
            "title": f"{locked.organisation} {locked.starts_on.year}"[:200],
            "delegation": delegation,
            "target_group": locked.target_group,
            "starts_on": locked.starts_on,
            "ends_on": locked.ends_on,
            "city": settings.INTAKE_DEFAULT_CITY,
            "country": "SE",
            "time_zone": settings.TIME_ZONE,
            "programme_languages": list(locked.languages),
            "themes": list(locked.themes.all()),
        },
        actor=actor,
    )
    moved = request_move(
        visit_request=locked,
        to_status=RequestStatus.ACCEPTED,
        actor=actor,
        decided_by=actor,
        delegation=delegation,
        contact=member.person,
        visit=visit,
    )
    note = RequestNote.objects.create(
        request=moved, author=NoteAuthor.COORDINATOR, step=RequestStatus.ACCEPTED, text=message, user=actor
    )
    _notify(moved, step="accepted", note=note, actor=actor)
    return moved


def _contact_data(visit_request: VisitRequest, *, actor: User) -> dict[str, Any]:
    organisation = Organisation.objects.filter(
        name__iexact=visit_request.organisation.strip(), country=visit_request.country
    ).first() or organisation_create(
        data={
            "name": visit_request.organisation.strip(),
            "country": visit_request.country,
            "side": OrganisationSide.VISITING,
        },
        actor=actor,
    )
    return {
        "name": visit_request.contact_name,
        "email": visit_request.contact_email,
        "phone": visit_request.contact_phone,
        "title": visit_request.contact_title,
        "preferred_language": visit_request.language,
        "organisation": organisation,
    }


def _free_delegation_name(wanted: str) -> str:
    """`wanted`, or with a number after it when a delegation has that name (names are compared regardless
    of case: Delegation.clean)."""
    base = wanted.strip()[:190]
    name, number = base, 2
    while Delegation.objects.filter(name__iexact=name).exists():
        name, number = f"{base} ({number})", number + 1
    return name


# --- Retention ---

ERASED = "[erased]"


def requests_due(now: dt.datetime | None = None) -> list[VisitRequest]:
    """Requests whose personal data is due for erasure: decided (accepted, declined) or asked for more
    without an answer, longer ago than the retention period their consent stated."""
    now = now or timezone.now()
    waiting = VisitRequest.objects.filter(
        erased_at__isnull=True,
        status__in=[RequestStatus.ACCEPTED, RequestStatus.DECLINED, RequestStatus.MORE_ASKED],
    ).only("pk", "status_changed_at", "retention_days")
    return [r for r in waiting if r.status_changed_at + dt.timedelta(days=r.retention_days) <= now]


@transaction.atomic
def request_erase(*, visit_request: VisitRequest, actor: audit_log.Who) -> VisitRequest:
    """Overwrite the request's personal data (its contact, what was written) and its e-mails' addresses;
    what the report counts (country, target group, themes, dates, size, status) stays. A request still
    asked for more is closed (declined) as it goes: its link could no longer be answered."""
    locked = VisitRequest.objects.select_for_update().get(pk=visit_request.pk)
    if locked.erased_at is not None:
        return locked
    if locked.status == RequestStatus.MORE_ASKED:
        locked = request_move(visit_request=locked, to_status=RequestStatus.DECLINED, actor=actor)
    for name in ("contact_name", "contact_title", "contact_phone", "themes_note", "dates_note", "message"):
        setattr(locked, name, "")
    locked.contact_email = f"erased-{locked.pk}@invalid"
    locked.erased_at = timezone.now()
    locked.save()
    locked.notes.update(text=ERASED)
    OutboxMessage.objects.filter(payload__notice=NOTICE, payload__request=locked.pk).update(
        to_email=f"erased-{locked.pk}@invalid"
    )
    _audit(locked, action=Action.CHANGE, actor=actor, changes={"personal data": [None, ERASED]})
    return locked
