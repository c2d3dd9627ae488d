"""Composing a registrant's e-mails (notices whose payload says {"notice": "registration"}): confirmed with
the calendar invitations of their sessions and the link to their personal page; on the waiting list; offered
a freed place with the link to take it up; the offer lapsed; cancelled, with the calendar's cancellation.

The calendar is the one a published programme sends: each session's UID and SEQUENCE (notifications.sessions),
so a later update or cancellation from the planner replaces these events in place. Until the seminar's
programme is published there is no calendar: the invitations come with its publication.

One e-mail carries one session's calendar: an iTIP REQUEST or CANCEL holds one UID (RFC 5546), and calendar
programs given several import the first only. A registrant on several sessions gets the confirmation (or
cancellation) naming them all, and then one e-mail per session with its calendar (events "session" and
"session-cancelled", written by registration.services beside the confirmation).
"""

import datetime as dt

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext

from notifications import calendar
from notifications.calendar import Attendee
from notifications.models import OutboxMessage
from notifications.notices import Composed, ComposeError
from notifications.sessions import event_status, facts_of_session, session_event, with_facts
from notifications.tokens import person_token, programme_url_of
from registration.links import cancel_url, offer_deadline_text, offer_url
from registration.models import ACTIVE, Registration
from visits.models import Session

SUBJECTS = {
    "confirmed": lambda title: gettext("Your place at %(title)s is confirmed") % {"title": title},
    "waiting": lambda title: gettext("You are on the waiting list for %(title)s") % {"title": title},
    "offered": lambda title: gettext("A place is free for you at %(title)s") % {"title": title},
    "expired": lambda title: (
        gettext("The place offered at %(title)s has gone to the next") % {"title": title}
    ),
    "cancelled": lambda title: gettext("Your registration for %(title)s is cancelled") % {"title": title},
    # One session's calendar, of several (the title is the session's).
    "session": lambda title: gettext("Invitation for your calendar: %(title)s") % {"title": title},
    "session-cancelled": lambda title: gettext("Cancelled in your calendar: %(title)s") % {"title": title},
}
# The events whose e-mail is one session's calendar.
SESSION_EVENTS = {"session", "session-cancelled"}


def _sessions(registration: Registration, payload: dict[str, object], event: str) -> list[Session]:
    if event in {"cancelled", *SESSION_EVENTS}:
        ids = payload.get("sessions") or []
        return list(with_facts(Session.objects.filter(pk__in=ids if isinstance(ids, list) else [])))
    if event != "confirmed":
        return []
    return list(with_facts(registration.invited_sessions()))


def registration_calendar(
    registration: Registration, sessions: list[Session], *, method: str, url: str, stamp: dt.datetime
) -> bytes:
    person = registration.person
    events = []
    for session in sessions:
        facts = facts_of_session(session)
        status = calendar.CANCELLED if method == calendar.CANCEL else event_status(facts)
        attendee = Attendee(email=person.email, name=person.name, rsvp=method != calendar.CANCEL)
        events.append(
            session_event(facts, sequence=session.sequence, status=status, url=url, attendees=[attendee])
        )
    return calendar.build_calendar(events, method=method, stamp=stamp)


def seminar_dates(registration: Registration) -> str:
    visit = registration.visit
    days = f"{visit.starts_on:%Y-%m-%d}"
    if visit.ends_on != visit.starts_on:
        days += f" – {visit.ends_on:%Y-%m-%d}"
    return f"{days}, {visit.city}"


def compose_registration_message(message: OutboxMessage) -> Composed:
    payload = message.payload or {}
    event = str(payload.get("event", ""))
    ident = payload.get("registration")
    registration = (
        Registration.objects.select_related("visit", "person").filter(pk=ident).first()
        if isinstance(ident, int)
        else None
    )
    if registration is None or event not in SUBJECTS:
        raise ComposeError(f"Outbox message {message.pk}: no registration {payload.get('registration')!r}")
    visit = registration.visit
    url = programme_url_of(person_token(registration.person))
    sessions = _sessions(registration, payload, event)
    method = calendar.CANCEL if event in {"cancelled", "session-cancelled"} else calendar.REQUEST
    # Several sessions: each one's calendar comes in an e-mail of its own (see the module's docstring).
    split = len(sessions) > 1
    ics = (
        registration_calendar(registration, sessions, method=method, url=url, stamp=timezone.now())
        if sessions and not split
        else b""
    )
    context = {
        "event": event,
        "name": registration.person.name,
        "visit": visit,
        "when": seminar_dates(registration),
        "programme_url": url,
        # Only while there is something to cancel.
        "cancel_url": cancel_url(registration) if registration.status in ACTIVE else "",
        "offer_url": offer_url(registration) if event == "offered" else "",
        "offer_expires": offer_deadline_text(registration),
        "sessions": [facts_of_session(s) for s in sessions],
        "has_calendar": bool(ics),
        "split": split,
        "organizer_email": settings.ORGANIZER_EMAIL,
        "organizer_name": settings.ORGANIZER_NAME,
    }
    text = render_to_string("registration/email/registration.txt", context)
    html = render_to_string("registration/email/registration.html", context)
    title = sessions[0].title if event in SESSION_EVENTS and sessions else visit.title
    return Composed(
        SUBJECTS[event](title), text, html, ics, method if ics else "", "invite.ics" if ics else ""
    )
