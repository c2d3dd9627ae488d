"""Writes of registrations: opening a seminar's registration, registering, cancelling, offering a freed place
to the first on the waiting list, taking it up, letting it lapse, and checking in on the day.

Capacity is decided under a lock on the seminar's settings row (SELECT ... FOR UPDATE): every write that
takes or frees a place takes that lock first, so two people registering for the last place are served one
after the other and only the first gets it. Messages to the registrant are written to the outbox in the same
transaction and sent after it commits (notifications.outbox).
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from audit import log
from audit.models import Action, ActorKind
from notifications.compose import message_language
from notifications.models import MessageKind, OutboxMessage
from notifications.outbox import dispatch_on_commit, make_tokens_on_commit, new_message_id, outbox_create
from participation.models import ParticipantNeeds
from registration.models import (
    ACTIVE,
    HOLDING,
    REGISTRATION_TRANSITIONS,
    Registration,
    RegistrationSettings,
    RegistrationStatus,
)
from visits.models import Delegation, DelegationMember, Visit
from visits.selectors import person_with_email
from visits.services.base import Refused, audit_write, model_create, model_delete, model_update
from visits.services.directory import person_create


class RegistrationRefused(Refused):
    """A registration the seminar cannot take (closed, past its closing time); the message says why."""


class InvalidRegistrationMove(ValueError):
    pass


@dataclass(frozen=True)
class Answers:
    """What a registrant gives on the public form, validated (registration.forms.RegistrationForm)."""

    name: str
    email: str
    organisation: str
    role: str
    sector: str
    dietary: list[str]
    dietary_note: str
    wheelchair: bool
    accessibility_note: str
    interpreting_language: str
    language: str = "en"


# --- Settings -------------------------------------------------------------------------------------------


def audience_name(visit: Visit) -> str:
    base = gettext("Audience of %(title)s (%(date)s)") % {"title": visit.title, "date": visit.starts_on}
    name, n = base[:190], 2
    while Delegation.objects.filter(name__iexact=name).exists():
        name, n = f"{base[:185]} ({n})", n + 1
    return name


@transaction.atomic
def registration_settings_save(
    *, visit: Visit, data: dict[str, Any], actor: User | None
) -> RegistrationSettings:
    """Create or change the seminar's registration settings. Opening it for a seminar without a delegation
    gives the seminar one, its audience, of which the registrants become members."""
    if visit.kind != Visit.Kind.SEMINAR_ABROAD:
        raise Refused(gettext("Only a seminar abroad has open registration."))
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    found = RegistrationSettings.objects.select_for_update().filter(visit=visit).first()
    if found is None:
        settings_row = model_create(RegistrationSettings, data={**data, "visit": visit}, actor=actor)
    else:
        settings_row = model_update(found, data=data, actor=actor)
    if settings_row.is_open and visit.delegation_id is None:
        _give_audience(visit, actor)
    # More places may have been given: offer them to those waiting.
    _offer_free_places(settings_row, now=timezone.now())
    return settings_row


def _give_audience(visit: Visit, actor: log.Who) -> Delegation:
    """The seminar's audience: a delegation of its own, coordinated by the seminar's coordinators."""
    audience = model_create(
        Delegation,
        data={"name": audience_name(visit), "languages": list(visit.programme_languages or [])},
        actor=actor,
    )
    audience.coordinators.set(visit.coordinators.all())
    model_update(visit, data={"delegation": audience}, actor=actor)
    return audience


# --- The one move -----------------------------------------------------------------------------------------


def registration_move(
    *, registration: Registration, to_status: str, actor: log.Who, **fields: Any
) -> Registration:
    """Move the registration from its status to `to_status` (REGISTRATION_TRANSITIONS), with these fields;
    refused (InvalidRegistrationMove) when the row is no longer in the status this copy has."""
    from_status = registration.status
    if to_status not in REGISTRATION_TRANSITIONS[from_status]:
        raise InvalidRegistrationMove(f"A registration cannot go from {from_status} to {to_status}.")
    with transaction.atomic():
        moved = Registration.objects.filter(pk=registration.pk, status=from_status).update(
            status=to_status, moves=F("moves") + 1, **fields
        )
        if not moved:
            raise InvalidRegistrationMove(f"Registration {registration.pk} is no longer {from_status}.")
        registration.refresh_from_db()
        log.record(
            action=Action.CHANGE,
            actor=actor,
            obj=registration,
            changes=log.diff({"status": from_status}, {"status": to_status, **fields}),
            visit_id=registration.visit_id,
            person_id=registration.person_id,
        )
    return registration


# --- Registering ------------------------------------------------------------------------------------------


def registration_submit(
    *, settings_row: RegistrationSettings, answers: Answers, now: dt.datetime | None = None
) -> tuple[Registration, bool]:
    """Register someone for the seminar: a place if one is free, else the waiting list. Returns the
    registration and whether it is new: the same address again (a double submit, a second tab) gets the
    registration it has, and no second message."""
    now = now or timezone.now()
    try:
        return _submit(settings_row.pk, answers, now)
    except IntegrityError:
        # The same address, twice at once: the other request made the registration. Or a new address
        # registering for two seminars at once: the other request made the person, who is found this time.
        found = _active(settings_row.visit_id, answers.email)
        if found is not None:
            return found, False
        return _submit(settings_row.pk, answers, now)


def _active(visit_id: int, email: str) -> Registration | None:
    return (
        Registration.objects.filter(visit_id=visit_id, email__iexact=email, status__in=list(ACTIVE))
        .order_by("pk")
        .first()
    )


@transaction.atomic
def _submit(settings_pk: int, answers: Answers, now: dt.datetime) -> tuple[Registration, bool]:
    settings_row = (
        RegistrationSettings.objects.select_for_update().select_related("visit").get(pk=settings_pk)
    )
    visit = settings_row.visit
    refusal = closed_because(settings_row, now)
    if refusal:
        raise RegistrationRefused(refusal)
    found = _active(visit.pk, answers.email)
    if found is not None:
        return found, False
    person = person_with_email(answers.email)
    if person is None:
        # A new person, from what they say. An existing one (an expert, a former participant) is not changed
        # from a public form: what they type here is kept on the registration.
        person = person_create(
            data={
                "name": answers.name,
                "email": answers.email,
                "title": answers.role,
                "preferred_language": answers.language,
            },
            actor=None,
        )
    who = log.by_link(person, kind=ActorKind.PARTICIPANT_LINK)
    free = settings_row.capacity - _holding(visit.pk)
    waiting = Registration.objects.filter(visit=visit, status=RegistrationStatus.WAITING).exists()
    status = RegistrationStatus.CONFIRMED if free > 0 and not waiting else RegistrationStatus.WAITING
    registration = Registration.objects.create(
        visit=visit,
        person=person,
        email=answers.email.lower(),
        organisation=answers.organisation,
        role=answers.role,
        sector=answers.sector,
        status=status,
        consented_at=now,
        confirmed_at=now if status == RegistrationStatus.CONFIRMED else None,
    )
    audit_write(
        registration,
        action=Action.CREATE,
        actor=who,
        changes=log.diff({}, {"status": status, "sector": answers.sector}),
    )
    _needs_save(registration, answers, who)
    if status == RegistrationStatus.CONFIRMED:
        _join(registration, who)
        _message(registration, "confirmed", now=now)
    else:
        _message(registration, "waiting", now=now)
    return registration, True


def closed_because(settings_row: RegistrationSettings, now: dt.datetime | None = None) -> str:
    """Why the seminar takes no registration now, in words for the public page; "" when it does."""
    now = now or timezone.now()
    visit = settings_row.visit
    if not settings_row.is_open or visit.status == Visit.Status.CANCELLED:
        return gettext("Registration for this seminar is closed.")
    if now >= settings_row.closes_at or now >= visit.window_starts_at:
        return gettext("Registration for this seminar closed on %(when)s.") % {
            "when": timezone.localtime(
                min(settings_row.closes_at, visit.window_starts_at), visit.zone
            ).strftime("%Y-%m-%d %H:%M")
            + f" ({visit.time_zone})"
        }
    return ""


def _holding(visit_id: int) -> int:
    return Registration.objects.filter(visit_id=visit_id, status__in=list(HOLDING)).count()


def _needs_save(registration: Registration, answers: Answers, who: log.Actor) -> None:
    """The registrant's own statement of their needs for the seminar (participation.ParticipantNeeds)."""
    values = {
        "dietary": list(answers.dietary),
        "dietary_note": answers.dietary_note,
        "wheelchair": answers.wheelchair,
        "accessibility_note": answers.accessibility_note,
        "interpreting_language": answers.interpreting_language,
    }
    if not any(values.values()):
        return
    needs, created = ParticipantNeeds.objects.update_or_create(
        person=registration.person, visit=registration.visit, defaults=values
    )
    log.record(
        action=Action.CREATE if created else Action.CHANGE,
        actor=who,
        obj=needs,
        object_repr=f"{registration.person} – {registration.visit.title}",
        changes=log.diff({}, values),
        visit_id=registration.visit_id,
        person_id=registration.person_id,
    )


def _join(registration: Registration, who: log.Who) -> None:
    """Make the registrant a member of the seminar's audience (unless they are one already)."""
    visit = registration.visit
    audience = visit.delegation
    if audience is None:  # opened before the audience existed (the admin, an import): make it
        audience = _give_audience(visit, who)
    if DelegationMember.objects.filter(delegation=audience, person=registration.person).exists():
        return
    member = model_create(
        DelegationMember,
        data={"delegation": audience, "person": registration.person, "languages": []},
        actor=who,
    )
    Registration.objects.filter(pk=registration.pk).update(member=member)
    registration.member = member


def _leave(registration: Registration, who: log.Who) -> list[int]:
    """Take the registrant off the audience (a membership their registration made); returns the sessions
    they were on, for their calendar's cancellation."""
    if registration.member_id is None:
        return []
    sessions = list(registration.sessions().values_list("pk", flat=True))
    member = DelegationMember.objects.filter(pk=registration.member_id).first()
    if member is not None:
        model_delete(member, actor=who)
    return sessions


# --- Cancelling, offering, taking up ------------------------------------------------------------------------


@transaction.atomic
def registration_cancel(*, registration: Registration, actor: log.Who) -> Registration:
    """Cancel the registration (from its link, or by a coordinator): a place it held goes to the first on
    the waiting list."""
    now = timezone.now()
    settings_row = RegistrationSettings.objects.select_for_update().get(visit_id=registration.visit_id)
    registration.refresh_from_db()
    held = registration.status in HOLDING
    sessions = _leave(registration, actor) if registration.status == RegistrationStatus.CONFIRMED else []
    registration = registration_move(
        registration=registration, to_status=RegistrationStatus.CANCELLED, actor=actor, cancelled_at=now
    )
    _message(registration, "cancelled", now=now, sessions=sessions)
    if held:
        _offer_free_places(settings_row, now=now)
    return registration


@transaction.atomic
def registration_take_up(*, registration: Registration, now: dt.datetime | None = None) -> Registration:
    """The registrant takes up the place offered to them, in time (else RegistrationRefused)."""
    now = now or timezone.now()
    RegistrationSettings.objects.select_for_update().get(visit_id=registration.visit_id)
    registration.refresh_from_db()
    if registration.status != RegistrationStatus.OFFERED or (
        registration.offer_expires_at is not None and now >= registration.offer_expires_at
    ):
        raise RegistrationRefused(gettext("This offer is no longer open."))
    who = log.by_link(registration.person, kind=ActorKind.PARTICIPANT_LINK)
    registration = registration_move(
        registration=registration, to_status=RegistrationStatus.CONFIRMED, actor=who, confirmed_at=now
    )
    _join(registration, who)
    _message(registration, "confirmed", now=now)
    return registration


def _offer_free_places(settings_row: RegistrationSettings, *, now: dt.datetime) -> list[Registration]:
    """Offer each free place to the next on the waiting list, in the order they registered. The caller holds
    the settings row's lock."""
    offered: list[Registration] = []
    free = settings_row.capacity - _holding(settings_row.visit_id)
    visit = settings_row.visit
    # Once registration closes nobody new comes in, but the waiting list still moves up until the seminar.
    if free <= 0 or now >= visit.window_ends_at or visit.status == Visit.Status.CANCELLED:
        return offered
    waiting = (
        Registration.objects.select_for_update(skip_locked=True)
        .select_related("visit", "person")
        .filter(visit_id=settings_row.visit_id, status=RegistrationStatus.WAITING)
        .order_by("created_at", "pk")[:free]
    )
    for registration in waiting:
        registration = registration_move(
            registration=registration,
            to_status=RegistrationStatus.OFFERED,
            actor=None,
            offered_at=now,
            offer_expires_at=now + dt.timedelta(hours=settings_row.confirm_within_hours),
        )
        _message(registration, "offered", now=now)
        offered.append(registration)
    return offered


def offers_expire(*, now: dt.datetime | None = None) -> int:
    """Let the offers not taken up in time lapse, and offer those places to the next on the list. Safe to
    run again and in two workers at once: a seminar whose settings another worker holds is left to it, and
    a lapsed offer is moved once. Returns how many lapsed."""
    now = now or timezone.now()
    lapsed = 0
    visit_ids = set(
        Registration.objects.filter(status=RegistrationStatus.OFFERED, offer_expires_at__lte=now).values_list(
            "visit_id", flat=True
        )
    )
    for visit_id in sorted(visit_ids):
        with transaction.atomic():
            settings_row = (
                RegistrationSettings.objects.select_for_update(skip_locked=True)
                .filter(visit_id=visit_id)
                .first()
            )
            if settings_row is None:
                continue
            due = Registration.objects.select_for_update(skip_locked=True).filter(
                visit_id=visit_id, status=RegistrationStatus.OFFERED, offer_expires_at__lte=now
            )
            for registration in due:
                registration_move(registration=registration, to_status=RegistrationStatus.EXPIRED, actor=None)
                _message(registration, "expired", now=now)
                lapsed += 1
            _offer_free_places(settings_row, now=now)
    return lapsed


@transaction.atomic
def registration_check_in(*, registration: Registration, present: bool, actor: User | None) -> Registration:
    """Tick (or untick) a registrant as present on the day."""
    before = registration.checked_in_at
    after = timezone.now() if present else None
    if (before is None) == (after is None):
        return registration
    Registration.objects.filter(pk=registration.pk).update(checked_in_at=after)
    registration.checked_in_at = after
    audit_write(
        registration,
        action=Action.CHANGE,
        actor=actor,
        changes=log.diff({"checked_in_at": before}, {"checked_in_at": after}),
    )
    return registration


# --- Messages to the registrant ---------------------------------------------------------------------------


def _message(
    registration: Registration, event: str, *, now: dt.datetime, sessions: Iterable[int] = ()
) -> OutboxMessage:
    """The e-mail about this move (composed by registration.messages), written now, sent after commit. With
    several sessions in its calendar, one e-mail more per session carries that session's (as
    registration.messages says why): the confirmation or cancellation names them all and carries none."""
    person = registration.person
    key = f"registration:{registration.pk}:{registration.moves}:{event}"
    language = message_language(person.preferred_language)

    def row(idempotency_key: str, payload: dict[str, Any]) -> OutboxMessage:
        return OutboxMessage(
            idempotency_key=idempotency_key,
            kind=MessageKind.NOTICE,
            visit_id=registration.visit_id,
            to_email=person.email,
            language=language,
            send_at=now,
            message_id=new_message_id(),
            payload={"notice": "registration", "registration": registration.pk, **payload},
        )

    sessions = list(sessions)
    rows = [row(key, {"event": event, "sessions": sessions} if sessions else {"event": event})]
    if event == "cancelled":
        calendar = sessions
    elif event == "confirmed":
        calendar = list(registration.invited_sessions().values_list("pk", flat=True))
    else:
        calendar = []
    if len(calendar) > 1:
        each = "session-cancelled" if event == "cancelled" else "session"
        rows += [row(f"{key}:{pk}", {"event": each, "sessions": [pk]}) for pk in calendar]
    created = outbox_create(rows, actor=None)
    make_tokens_on_commit([person.pk])
    dispatch_on_commit([m.pk for m in created if m.status == OutboxMessage.Status.QUEUED])
    return next(m for m in created if m.idempotency_key == key)
