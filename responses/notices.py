"""E-mails to coordinators about experts' answers: at once for a decline, a proposal or a colleague; when an
expert has not answered after every reminder; and the daily digest of confirmations.

A notice is an outbox row (kind "notice") whose payload names what it is about, {"notice": "answer", ...}; it
is composed here, when it is sent, from the answers as they are recorded. COMPOSERS, by that name, are
registered with notifications.compose in ResponsesConfig.ready().
"""

import dataclasses
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications import calendar
from notifications.links import expert_links
from notifications.models import OutboxMessage
from notifications.notices import Composed, ComposeError, NoticeComposer
from notifications.reply_address import reply_address
from notifications.sessions import facts_of_session, session_uid, with_facts
from notifications.tokens import absolute
from responses.models import ExpertAnswer, InterpreterAnswer
from visits.models import Session, SessionExpert, SessionInterpreter
from visits.selectors import session_cancelled
from visits.timefmt import MESSAGE, format_span


def compose_answer(message: OutboxMessage) -> Composed:
    """At once: a decline, a proposal or a colleague, {"notice": "answer", "answer": id}."""
    payload = message.payload or {}
    answers = _answers([payload.get("answer")])
    if not answers:
        raise ComposeError(f"Outbox message {message.pk}: its answer is gone")
    answer = answers[0]
    if answer["answer"].response == SessionExpert.Response.INVITED:
        answer["response"] = _("Tentative")
    subject = _("%(expert)s: %(answer)s – %(session)s") % {
        "expert": answer["expert"],
        "answer": answer["response"],
        "session": answer["session"].title,
    }
    return _render("answer", subject, {"answers": answers})


def compose_digest(message: OutboxMessage) -> Composed:
    """The day's confirmations, {"notice": "digest", "answers": [ids]}."""
    payload = message.payload or {}
    answers = _answers(payload.get("answers", []))
    subject = _("Confirmed by experts: %(count)d sessions") % {"count": len(answers)}
    return _render("digest", subject, {"answers": answers})


def compose_no_answer(message: OutboxMessage) -> Composed:
    """No answer after every reminder (written by responses.reminders), {"notice": "no_answer",
    "expert": id, "reminders": n}, about message.session."""
    payload = message.payload or {}
    expert_id, session_id = payload.get("expert"), message.session_id
    if not isinstance(expert_id, int) or session_id is None:
        raise ComposeError(f"Outbox message {message.pk}: no expert or session named")
    expert = SessionExpert.objects.select_related("person").filter(pk=expert_id).first()
    session = with_facts(Session.objects.filter(pk=session_id)).first()
    if expert is None or session is None:
        raise ComposeError(f"Outbox message {message.pk}: the expert or session is gone")
    facts = facts_of_session(session)
    subject = _("No answer from %(expert)s – %(session)s") % {
        "expert": expert.person.name,
        "session": facts.title,
    }
    context = {
        "expert": expert.person,
        "session": facts,
        "reminders": payload.get("reminders", 0),
        "admin_url": absolute(reverse("admin:visits_session_change", args=[session.pk])),
    }
    return _render("no_answer", subject, context)


def compose_proposal_refused(message: OutboxMessage) -> Composed:
    """To the expert, in their language: the coordinators keep the session's time; a link to answer for it,
    {"notice": "proposal_refused", "expert": id, "answer": id} (responses.decisions.proposal_refuse)."""
    payload = message.payload or {}
    expert_id = payload.get("expert")
    expert = (
        SessionExpert.objects.select_related("person").filter(pk=expert_id).first()
        if isinstance(expert_id, int)
        else None
    )
    session = (
        with_facts(Session.objects.filter(pk=message.session_id)).first() if message.session_id else None
    )
    if expert is None or session is None or expert.session_id != session.pk:
        raise ComposeError(f"Outbox message {message.pk}: the expert is no longer on the session")
    facts = facts_of_session(session)
    # Their link to answer for the time as it stands; none once the session is off.
    link = (
        ""
        if session_cancelled(session)
        else absolute(reverse("responses:answer", args=[expert_links.make_token(expert)]))
    )
    subject = _("The time of “%(session)s” stays as it is") % {"session": facts.title}
    ics = _declinecounter(message, expert) if payload.get("declinecounter") else b""
    context = {
        "person": expert.person,
        "session": facts,
        "when_home": facts.when_in(expert.person.home_time_zone),
        "home_zone": expert.person.home_time_zone,
        "answer_url": link,
    }
    composed = _render("proposal_refused", subject, context)
    if not ics:
        return composed
    return dataclasses.replace(
        composed, ics=ics, method=calendar.DECLINECOUNTER, filename="declinecounter.ics"
    )


def _declinecounter(message: OutboxMessage, expert: SessionExpert) -> bytes:
    """RFC 5546 3.2.8: the refusal of the expert's COUNTER, for the invitation's UID and the SEQUENCE the
    COUNTER answered, from the same ORGANIZER (their reply address) as the invitation."""
    payload = message.payload or {}
    answer_id = payload.get("answer")
    answer = ExpertAnswer.history.filter(pk=answer_id).first() if isinstance(answer_id, int) else None
    sequence = answer.sequence if answer is not None else (message.sequence or 0)
    return calendar.build_declinecounter(
        uid=session_uid(expert.session_id),
        sequence=sequence,
        organizer_email=reply_address(expert.pk, expert.session_id) or settings.ORGANIZER_EMAIL,
        organizer_name=settings.ORGANIZER_NAME,
        attendee=calendar.Attendee(email=expert.person.email, name=expert.person.name),
        stamp=message.created_at or timezone.now(),
        comment=_("The coordinators keep the session's time."),
    )


def compose_interpreter_answer(message: OutboxMessage) -> Composed:
    """At once: an interpreter's decline or colleague, or a calendar's TENTATIVE, {"notice":
    "interpreter_answer", "answer": id} (responses.interpreters)."""
    payload = message.payload or {}
    answer_id = payload.get("answer")
    answer = (
        # The history's lines: a calendar's TENTATIVE (responses.interpreter_replies) is told too.
        InterpreterAnswer.history.select_related("interpreter__person", "colleague")
        .filter(pk=answer_id)
        .first()
        if isinstance(answer_id, int)
        else None
    )
    session = with_facts(Session.objects.filter(pk=answer.interpreter.session_id)).first() if answer else None
    if answer is None or session is None:
        raise ComposeError(f"Outbox message {message.pk}: its answer is gone")
    tentative = answer.response == SessionInterpreter.Response.INVITED
    item = {
        "expert": answer.interpreter.person.name,
        "response": _("Tentative") if tentative else answer.get_response_display(),
        "answer": answer,
        "session": facts_of_session(session),
        "proposed": [],
        "admin_url": absolute(reverse("admin:visits_session_change", args=[session.pk])),
    }
    subject = _("Interpreter %(interpreter)s: %(answer)s – %(session)s") % {
        "interpreter": item["expert"],
        "answer": item["response"],
        "session": session.title,
    }
    return _render("interpreter_answer", subject, {"answers": [item]})


COMPOSERS: Mapping[str, NoticeComposer] = {
    "answer": compose_answer,
    "interpreter_answer": compose_interpreter_answer,
    "digest": compose_digest,
    "no_answer": compose_no_answer,
    "proposal_refused": compose_proposal_refused,
}


def _answers(ids: list[Any]) -> list[dict[str, Any]]:
    answers = (
        # The history's lines: a calendar's TENTATIVE (responses.calendar_replies) is told too.
        ExpertAnswer.history.filter(pk__in=[i for i in ids if isinstance(i, int)])
        .select_related("expert__person", "colleague", "recorded_by")
        .prefetch_related("proposed_times")
        .order_by("created_at", "pk")
    )
    rows = list(answers)
    sessions = {
        s.pk: s for s in with_facts(Session.objects.filter(pk__in={a.expert.session_id for a in rows}))
    }
    result = []
    for answer in rows:
        session = sessions.get(answer.expert.session_id)
        if session is None:
            continue
        facts = facts_of_session(session)
        result.append(
            {
                "expert": answer.expert.person.name,
                "response": answer.get_response_display(),
                "answer": answer,
                "session": facts,
                "proposed": [
                    format_span(p.starts_at, p.ends_at, facts.zone, MESSAGE)
                    for p in answer.proposed_times.all()
                ],
                "admin_url": absolute(reverse("admin:visits_session_change", args=[session.pk])),
            }
        )
    return result


def _render(template: str, subject: str, context: dict[str, Any]) -> Composed:
    context = {**context, "organizer_email": settings.ORGANIZER_EMAIL}
    text = render_to_string(f"responses/email/{template}.txt", context)
    html = render_to_string(f"responses/email/{template}.html", context)
    return Composed(subject=subject, text=text, html=html)
