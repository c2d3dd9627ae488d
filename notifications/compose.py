"""Composing e-mail from the outbox: an OutboxMessage in, an EmailMultiAlternatives with its calendar out.

This is the edge between the models and the pure calendar writer. Delivering the message (SMTP, retries) is
someone else's job: `compose_message` only reads, and can be called again for a retry and give the same
message, under the same UID and SEQUENCE, with the session as it now is.

Every message is written in the recipient's language (Swedish or English) with times in the zone of the
session's venue, named, so nobody has to work out which clock a time is on. What a message says about its
session (the facts, the calendar event, who is on it) comes from `notifications.sessions`.
"""

import contextlib
import dataclasses
import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from notifications import calendar, hooks
from notifications.calendar import Attendee, clean_name
from notifications.links import expert_links, interpreter_links
from notifications.models import MessageKind, OutboxMessage
from notifications.notices import Composed, ComposeError, compose_notice, person_composer
from notifications.organizer import organizer_of, taken_off
from notifications.sessions import (
    SessionFacts,
    event_status,
    facts_of_session,
    facts_of_snapshot,
    session_event,
    with_facts,
)
from notifications.sessions import session_uid as session_uid  # re-exported: callers import it from here
from notifications.tokens import absolute, person_tokens, programme_url_of
from scheduling.models import ChangeRecipient, ProgrammeVersion
from visits.fields import language_pair
from visits.models import AWAITING_ANSWER, Person, Session, SessionExpert, SessionInterpreter
from visits.selectors import session_cancelled
from visits.wording import in_language, reading

LANGUAGES = ("en", "sv")
FRESH_LINK_PREFIX = "fresh:"  # idempotency keys of invitations sent because the expert asked for a link

# An expert's answer as their calendar shows it.
PARTSTAT_OF_RESPONSE: Mapping[str, str] = {
    SessionExpert.Response.CONFIRMED: calendar.ACCEPTED,
    SessionExpert.Response.DECLINED: calendar.DECLINED,
    SessionExpert.Response.PROPOSED: calendar.TENTATIVE_ANSWER,
    SessionExpert.Response.PASSED: calendar.DELEGATED,
}
# An interpreter's answer as their calendar shows it (the same words: confirmed, declined, passed).
PARTSTAT_OF_INTERPRETER: Mapping[str, str] = {
    SessionInterpreter.Response.CONFIRMED: calendar.ACCEPTED,
    SessionInterpreter.Response.DECLINED: calendar.DECLINED,
    SessionInterpreter.Response.PASSED: calendar.DELEGATED,
}


# --- Small helpers ------------------------------------------------------------------------------------------


def message_language(code: str | None) -> str:
    """The language a message or page is written in: Swedish for sv (sv-SE too), otherwise English."""
    language = (code or "").lower().split("-")[0].split("_")[0]
    return language if language in LANGUAGES else "en"


@contextlib.contextmanager
def written_for(code: str | None) -> Iterator[str]:
    """Within the block, write for a reader whose language is `code` (a person's preferred_language):
    sentences in message_language(code), titles and descriptions in `code` itself where the coordinators
    wrote them in it, else English (visits.wording). Yields the sentences' language."""
    language = message_language(code)
    with translation.override(language), reading(code):
        yield language


def mailbox(name: str, email: str) -> str:
    """An address header value. clean_name leaves no quote or backslash, so quoting is always safe."""
    name = clean_name(name)
    return f'"{name}" <{email}>' if name else email


# --- An expert's answer, and what a batch reads once --------------------------------------------------------


def partstat_of(session: Session | None, person: Person, role: str, preloaded: "Preloaded") -> str:
    """PARTSTAT: an expert's or interpreter's answer so far; everyone else has yet to act."""
    if session is not None and role == ChangeRecipient.Role.INTERPRETER:
        booked = preloaded.interpreters.get((session.pk, person.pk))
        if booked is not None and booked.pk in preloaded.interpreter_partstats:
            return preloaded.interpreter_partstats[booked.pk]
        return PARTSTAT_OF_INTERPRETER.get(booked.response if booked else "", calendar.NEEDS_ACTION)
    if role != ChangeRecipient.Role.EXPERT or session is None:
        return calendar.NEEDS_ACTION
    expert = preloaded.experts.get((session.pk, person.pk))
    if expert is not None and expert.pk in preloaded.partstats:
        return preloaded.partstats[expert.pk]
    return PARTSTAT_OF_RESPONSE.get(expert.response if expert else "", calendar.NEEDS_ACTION)


def _interpreting(message: OutboxMessage, session: Session | None, preloaded: "Preloaded") -> str:
    """For an interpreter's invitation, the languages of their booking by name ("Swedish–Romanian")."""
    if message.role != ChangeRecipient.Role.INTERPRETER or session is None or message.person_id is None:
        return ""
    booked = preloaded.interpreters.get((session.pk, message.person_id))
    return language_pair(booked.languages) if booked is not None else ""


def answer_url(message: OutboxMessage, session: Session | None, preloaded: "Preloaded") -> str | None:
    """The expert's link to answer, in an invitation or reminder: only while they have yet to answer, and only
    for the session's current time (an invitation for an older SEQUENCE, sent late, gets none), and never
    for a session that is off, by itself or with its visit."""
    if message.role == ChangeRecipient.Role.INTERPRETER:
        return _interpreter_answer_url(message, session, preloaded)
    if (
        message.role != ChangeRecipient.Role.EXPERT
        or session is None
        or message.person_id is None
        or message.sequence != session.sequence
        or session_cancelled(session)
    ):
        return None
    expert = preloaded.experts.get((session.pk, message.person_id))
    # A fresh link the expert asked for (responses.services.fresh_link) may be for a change of mind.
    asked_for = message.idempotency_key.startswith(FRESH_LINK_PREFIX)
    if expert is None or (expert.response not in AWAITING_ANSWER and not asked_for):
        return None
    return absolute(
        reverse("responses:answer", args=[expert_links.make_token(expert, sequence=message.sequence)])
    )


def with_organizer(event: calendar.CalendarEvent, organizer: str) -> calendar.CalendarEvent:
    if organizer == event.organizer_email:
        return event
    return dataclasses.replace(event, organizer_email=organizer)


def _interpreter_answer_url(
    message: OutboxMessage, session: Session | None, preloaded: "Preloaded"
) -> str | None:
    """The interpreter's link to answer (notifications.links.interpreter_links), on the same terms as an
    expert's: while they have yet to answer (or asked for a fresh link), for the session's current time, and
    never for a session that is off."""
    if (
        session is None
        or message.person_id is None
        or message.sequence != session.sequence
        or session_cancelled(session)
    ):
        return None
    booked = preloaded.interpreters.get((session.pk, message.person_id))
    asked_for = message.idempotency_key.startswith(FRESH_LINK_PREFIX)
    if booked is None or (booked.response != SessionInterpreter.Response.INVITED and not asked_for):
        return None
    token = interpreter_links.make_token(booked, sequence=message.sequence)
    return absolute(reverse("responses:interpreter_answer", args=[token]))


@dataclass(frozen=True)
class Preloaded:
    """What a batch of messages reads, fetched once for the batch (three queries), not once per row. A message
    composed alone is a batch of one: there is one way to compose, whatever the batch's size."""

    sessions: dict[int, Session]
    experts: dict[tuple[int, int], SessionExpert]
    programme_urls: dict[int, str]
    interpreters: dict[tuple[int, int], SessionInterpreter] = field(default_factory=dict)
    # Rendered subject, text and HTML with placeholders for what is personal: see _render.
    renders: dict[tuple[Any, ...], tuple[str, str, str]] = field(default_factory=dict)
    # Serialised calendar parts that a session's recipients share: see calendar.SharedCache.
    calendars: calendar.SharedCache = field(default_factory=dict)
    # PARTSTATs that the experts' rows do not say (hooks.partstats), by row id; the same for interpreters.
    partstats: dict[int, str] = field(default_factory=dict)
    interpreter_partstats: dict[int, str] = field(default_factory=dict)
    # The rows of people taken off a session, by (session, person, role): see organizer_of.
    former_rows: dict[tuple[int, int, str], int] = field(default_factory=dict)


def preload(messages: Sequence[OutboxMessage]) -> Preloaded:
    session_ids = {m.session_id for m in messages if m.session_id is not None}
    sessions = {s.pk: s for s in with_facts(Session.objects.filter(pk__in=session_ids))}
    experts = {
        (row.session_id, row.person_id): row
        for row in SessionExpert.objects.filter(
            session_id__in=session_ids, person_id__in={m.person_id for m in messages if m.person_id}
        )
    }
    interpreting = [m for m in messages if m.role == ChangeRecipient.Role.INTERPRETER and m.person_id]
    interpreters = (
        {
            (row.session_id, row.person_id): row
            for row in SessionInterpreter.objects.filter(
                session_id__in={m.session_id for m in interpreting},
                person_id__in={m.person_id for m in interpreting},
            )
        }
        if interpreting
        else {}
    )
    tokens = person_tokens(m.person for m in messages if m.person is not None)
    urls = {pk: programme_url_of(token) for pk, token in tokens.items()}
    if not settings.REPLY_DOMAIN:
        return Preloaded(sessions, experts, urls, interpreters=interpreters)
    # Only calendar replies make answers that a row does not say (a TENTATIVE): one more query per batch
    # with such rows, and none where there is no reply address.
    awaiting = [e for e in experts.values() if e.response in AWAITING_ANSWER]
    partstats = hooks.partstats(awaiting) if awaiting else {}
    invited = [i for i in interpreters.values() if i.response == SessionInterpreter.Response.INVITED]
    interpreter_partstats = hooks.interpreter_partstats(invited) if invited else {}
    return Preloaded(
        sessions,
        experts,
        urls,
        partstats=partstats,
        interpreters=interpreters,
        interpreter_partstats=interpreter_partstats,
        former_rows=hooks.former_rows(taken_off(messages, experts, interpreters)),
    )


# --- The messages -------------------------------------------------------------------------------------------


def compose_message(
    message: OutboxMessage,
    *,
    now: dt.datetime | None = None,
    response_url: str | None = None,
    preloaded: Preloaded | None = None,
) -> EmailMultiAlternatives:
    """The e-mail for one outbox row, with its calendar as a text/calendar part and as an attached file.

    `now` is the DTSTAMP (the time of sending); `response_url`, for an expert's invitation, is where they
    answer (shown in the calendar's DESCRIPTION and in the body). Raises ComposeError when there is nothing
    to compose from. The Message-ID is the row's, given when the row was written, so that a retry carries
    the same one. `preloaded` is preload() over the batch the row is sent in; without it, the row is a batch
    of one.
    """
    stamp = now or timezone.now()
    person = message.person
    if preloaded is None:
        preloaded = preload([message])
    # Sentences in the message's language (en or sv); titles and descriptions in the person's own, where the
    # coordinators wrote them in it (visits.wording).
    reader = person.preferred_language if person is not None else message.language
    with translation.override(message_language(message.language)), reading(reader):
        if message.kind == MessageKind.NOTICE:
            composed = compose_notice(message)
            name = message.user.get_full_name() if message.user is not None else ""
        elif person is None:
            raise ComposeError(f"Outbox message {message.pk} has no recipient")
        elif (composer := person_composer(message.kind)) is not None:
            composed, name = composer(message), person.name
        else:
            name = person.name
            url = preloaded.programme_urls[person.pk]
            if message.kind in (MessageKind.INVITATION, MessageKind.REMINDER):
                composed = _invitation(
                    message, stamp=stamp, url=url, response_url=response_url, preloaded=preloaded
                )
            elif message.kind == MessageKind.CANCELLATION:
                composed = _cancellation(message, stamp=stamp, url=url, preloaded=preloaded)
            elif message.kind == MessageKind.PROGRAMME:
                composed = _programme(message, stamp=stamp, url=url)
            else:
                raise ComposeError(f"Outbox message {message.pk} has an unknown kind: {message.kind!r}")

    email = EmailMultiAlternatives(
        subject=" ".join(composed.subject.split()),
        body=composed.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[mailbox(name, message.to_email)],
        reply_to=[mailbox(settings.ORGANIZER_NAME, settings.ORGANIZER_EMAIL)],
        headers={"Message-ID": message.message_id},
    )
    email.attach_alternative(composed.html, "text/html")
    if composed.ics:
        # Django adds charset="utf-8"; the calendar goes once as the part clients act on, once as a file.
        email.attach_alternative(composed.ics.decode(), f"text/calendar; method={composed.method}")
        email.attach(composed.filename, composed.ics, "application/ics")
    for filename, content, mimetype in hooks.attachments(message):
        email.attach(filename, content, mimetype)
    return email


def _context(message: OutboxMessage, url: str, **extra: Any) -> dict[str, Any]:
    return {
        "name": clean_name(message.person.name if message.person else ""),
        "programme_url": url,
        "organizer_email": settings.ORGANIZER_EMAIL,
        "organizer_name": settings.ORGANIZER_NAME,
        **extra,
    }


# What differs between the recipients of one session's message, stood in for while rendering once.
PERSONAL = ("name", "programme_url", "response_url")


def _render(
    template: str, context: Mapping[str, Any], *, preloaded: Preloaded, alike: tuple[Any, ...]
) -> tuple[str, str, str]:
    """Subject, text and HTML. The messages of a batch that share `alike` (everything in the context but
    the PERSONAL values) are rendered once, and each gets its own name and links put in."""
    key = (template, translation.get_language(), *alike, *(bool(context.get(k)) for k in PERSONAL))
    if key not in preloaded.renders:
        stand_ins = {k: f"\x00{k}\x00" for k in PERSONAL if context.get(k)}
        preloaded.renders[key] = _render_now(template, {**context, **stand_ins})
    subject, text, html = preloaded.renders[key]
    for k in PERSONAL:
        if context.get(k):
            value = str(context[k])
            subject = subject.replace(f"\x00{k}\x00", value)
            text = text.replace(f"\x00{k}\x00", value)
            html = html.replace(f"\x00{k}\x00", escape(value))
    return subject, text, html


def _render_now(template: str, context: Mapping[str, Any]) -> tuple[str, str, str]:
    base = f"notifications/email/{template}"
    return (
        render_to_string(f"{base}_subject.txt", context).strip(),
        render_to_string(f"{base}.txt", context),
        render_to_string(f"{base}.html", context),
    )


def _live_session(message: OutboxMessage, preloaded: Preloaded) -> Session | None:
    if message.session_id is None:
        return None
    return preloaded.sessions.get(message.session_id)


def _facts_of(message: OutboxMessage, session: Session | None) -> SessionFacts:
    if session is not None:
        return facts_of_session(session)
    if message.visit is None or message.visit_id is None:
        raise ComposeError(f"Outbox message {message.pk}: a session's message without its visit")
    if message.snapshot:
        return facts_of_snapshot(message.snapshot, message.visit)
    if message.session_key is not None and message.version_number is not None:
        # Deleted after the row was written: the session as its version (or the one before) published it.
        for snapshot in (
            ProgrammeVersion.objects.filter(
                visit_id=message.visit_id, number__in=[message.version_number, message.version_number - 1]
            )
            .order_by("-number")
            .values_list("snapshot", flat=True)
        ):
            if str(message.session_key) in snapshot:
                return facts_of_snapshot(snapshot[str(message.session_key)], message.visit)
    raise ComposeError(f"Outbox message {message.pk}: the session is gone and no snapshot was kept")


def _invitation(
    message: OutboxMessage,
    *,
    stamp: dt.datetime,
    url: str,
    response_url: str | None,
    preloaded: Preloaded,
) -> Composed:
    person = message.person
    assert person is not None  # compose_message checked
    session = _live_session(message, preloaded)
    facts = _facts_of(message, session)
    if response_url is None:
        response_url = answer_url(message, session, preloaded)
    attendee = Attendee(
        email=message.to_email,
        name=person.name,
        partstat=partstat_of(session, person, message.role, preloaded),
    )
    # A REQUEST never says CANCELLED: a later cancellation, with a higher SEQUENCE, does that.
    status = calendar.TENTATIVE if facts.status == Session.Status.TENTATIVE else calendar.CONFIRMED
    event = session_event(
        facts,
        sequence=message.sequence,
        status=status,
        url=url,
        attendees=[attendee],
        response_url=response_url,
        interpreting=_interpreting(message, session, preloaded),
    )
    event = with_organizer(event, organizer_of(message, session, preloaded))
    ics = calendar.build_calendar([event], method=calendar.REQUEST, stamp=stamp, cache=preloaded.calendars)
    context = _context(
        message,
        url,
        session=facts,
        when_home=facts.when_in(person.home_time_zone),
        is_update=message.sequence > 0 and message.kind != MessageKind.REMINDER,
        is_reminder=message.kind == MessageKind.REMINDER,
        is_expert=message.role == ChangeRecipient.Role.EXPERT,
        is_interpreter=message.role == ChangeRecipient.Role.INTERPRETER,
        response_url=response_url,
    )
    subject, text, html = _render(
        "invitation",
        context,
        preloaded=preloaded,
        alike=(
            message.kind,
            message.session_key,
            message.sequence,
            message.role,
            person.home_time_zone,
            facts,
        ),
    )
    return Composed(subject, text, html, ics, calendar.REQUEST, "invite.ics")


def _cancellation(message: OutboxMessage, *, stamp: dt.datetime, url: str, preloaded: Preloaded) -> Composed:
    assert message.person is not None  # compose_message checked
    session = _live_session(message, preloaded)
    facts = _facts_of(message, session)
    attendee = Attendee(email=message.to_email, name=message.person.name, rsvp=False)
    event = session_event(
        facts, sequence=message.sequence, status=calendar.CANCELLED, url=url, attendees=[attendee]
    )
    event = with_organizer(event, organizer_of(message, session, preloaded))
    ics = calendar.build_calendar([event], method=calendar.CANCEL, stamp=stamp, cache=preloaded.calendars)
    # The session goes on without them: they were taken off it, it was not cancelled.
    taken_off = facts.status != Session.Status.CANCELLED and session is not None
    context = _context(message, url, session=facts, taken_off=taken_off)
    subject, text, html = _render(
        "cancellation",
        context,
        preloaded=preloaded,
        alike=(message.session_key, message.sequence, taken_off, facts),
    )
    return Composed(subject, text, html, ics, calendar.CANCEL, "invite.ics")


def _programme(message: OutboxMessage, *, stamp: dt.datetime, url: str) -> Composed:
    person, visit = message.person, message.visit
    assert person is not None  # compose_message checked
    if visit is None:
        raise ComposeError(f"Outbox message {message.pk}: a programme without its visit")
    sessions = list(
        with_facts(Session.objects.with_person(person).with_roles_of(person).filter(visit=visit).active())
    )
    facts = [facts_of_session(session) for session in sessions]
    events = [
        session_event(f, sequence=s.sequence, status=event_status(f), url=url)
        for s, f in zip(sessions, facts, strict=True)
    ]
    visit_title = in_language(visit, "title")
    ics = calendar.build_calendar(events, method=calendar.PUBLISH, stamp=stamp, name=visit_title)
    context = _context(
        message,
        url,
        visit=visit,
        visit_title=visit_title,
        delegation=visit.delegation.name if visit.delegation is not None else "",
        sessions=[
            {
                "facts": f,
                "when_home": f.when_in(person.home_time_zone),
                "is_expert": getattr(s, "person_is_expert", False),
            }
            for s, f in zip(sessions, facts, strict=True)
        ],
    )
    # Each person's programme is their own: nothing in a batch renders alike, so no stand-ins.
    subject, text, html = _render_now("programme", context)
    return Composed(subject, text, html, ics, calendar.PUBLISH, "programme.ics")
