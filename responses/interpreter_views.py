"""An interpreter's answer page, reached from the link in their invitation: confirm, decline with a reason, or
pass the session to a colleague. The same rules as the expert's page (responses.views): no account, the token
is the key; GET and HEAD change nothing; answers are POSTed with CSRF; a link expired, used, outdated or
altered gets a page that says so and offers a fresh link by e-mail.
"""

import uuid
from typing import Any

from django.core.validators import validate_email
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.http import require_http_methods

from notifications.compose import FRESH_LINK_PREFIX, message_language
from notifications.links import CheckedLink, LinkStatus, interpreter_links
from notifications.models import MessageKind, OutboxMessage
from notifications.sessions import facts_of_session, with_facts
from responses.answers import AnswerRefused
from responses.forms import InterpreterAnswerForm
from responses.interpreters import interpreter_answer, interpreter_pass, invite_interpreter
from responses.models import Door
from responses.services import FRESH_LINK_EVERY
from responses.views import _as_published, _base, _called_off, _coordinator_names, _page
from visits.models import Session, SessionInterpreter
from visits.selectors import person_with_email, session_cancelled
from visits.wording import reading

ANSWERS_BY_ACTION = {
    "confirm": SessionInterpreter.Response.CONFIRMED,
    "decline": SessionInterpreter.Response.DECLINED,
}


@require_http_methods(["GET", "HEAD", "POST"])
def interpreter_answer_view(request: HttpRequest, token: str) -> HttpResponseBase:
    checked = interpreter_links.check_token(token)
    row = checked.expert
    reader = row.person.preferred_language if row else request.LANGUAGE_CODE
    language = message_language(reader)
    with translation.override(language), reading(reader):
        if row is not None:
            session = with_facts(Session.objects.filter(pk=row.session_id)).get()
            if _called_off(session):
                context = {**_context(row, session), "status": "cancelled", "token": token}
                status = 400 if request.method == "POST" else 200
                return _page(request, "responses/problem.html", context, language, status)
        if not checked.usable or row is None:
            return _problem(request, token, checked, language)
        form = InterpreterAnswerForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                _answer(row, form)
            except AnswerRefused as refused:
                for field, messages in refused.message_dict.items():
                    form.add_error(field if field in form.fields else None, messages)
            else:
                return redirect(request.path)
        status = 400 if request.method == "POST" else 200
        context = _context(row, session, form=form)
        return _page(request, "responses/interpreter_answer.html", context, language, status)


@require_http_methods(["POST"])
def interpreter_fresh_link_view(request: HttpRequest, token: str) -> HttpResponseBase:
    """A new invitation with a working link: to the link's interpreter, or to an address the visitor gives."""
    checked = interpreter_links.check_token(token)
    row = checked.expert
    reader = row.person.preferred_language if row else request.LANGUAGE_CODE
    language = message_language(reader)
    with translation.override(language), reading(reader):
        if row is not None:
            interpreter_fresh_link(row)
        else:
            email = request.POST.get("email", "").strip()
            try:
                validate_email(email)
            except Exception:
                context = {"status": checked.status.value, "email_error": True, "token": token}
                context["fresh_action"] = reverse("responses:interpreter_fresh_link", args=[token])
                return _page(request, "responses/problem.html", _base(context), language, 400)
            person = person_with_email(email)
            if person is not None:
                waiting = SessionInterpreter.objects.select_related("session__visit", "person").filter(
                    person=person,
                    response=SessionInterpreter.Response.INVITED,
                    session__visit__first_published_at__isnull=False,
                )
                for booked in waiting[:20]:
                    interpreter_fresh_link(booked)
        # The same words whether or not the address is one we know: the page confirms nothing.
        return _page(request, "responses/fresh_sent.html", _base({}), language, 200)


def interpreter_fresh_link(row: SessionInterpreter) -> bool:
    """E-mail the interpreter a new invitation with a link that works now; False when one went out a moment
    ago or the session is off."""
    session = row.session
    if session_cancelled(session):
        return False
    recent = OutboxMessage.objects.filter(
        person_id=row.person_id,
        session_id=row.session_id,
        kind=MessageKind.INVITATION,
        idempotency_key__startswith=FRESH_LINK_PREFIX,
        created_at__gte=timezone.now() - FRESH_LINK_EVERY,
    )
    if recent.exists():
        return False
    key = f"{FRESH_LINK_PREFIX}session:{session.pk}:interpreter:{row.person_id}:{uuid.uuid4().hex}"
    invite_interpreter(row, key=key)
    return True


def _answer(row: SessionInterpreter, form: InterpreterAnswerForm) -> None:
    action, note = form.cleaned_data["action"], form.cleaned_data.get("note", "")
    if action == "pass":
        interpreter_pass(
            interpreter_id=row.pk,
            name=form.cleaned_data.get("colleague_name", ""),
            email=form.cleaned_data.get("colleague_email", ""),
            note=note,
        )
        return
    interpreter_answer(interpreter_id=row.pk, to=ANSWERS_BY_ACTION[action], door=Door.LINK, note=note)


def _problem(
    request: HttpRequest, token: str, checked: CheckedLink[SessionInterpreter], language: str
) -> HttpResponseBase:
    context: dict[str, Any] = {
        "status": checked.status.value,
        "token": token,
        "fresh_action": reverse("responses:interpreter_fresh_link", args=[token]),
    }
    row = checked.expert
    if row is not None:
        session = with_facts(Session.objects.filter(pk=row.session_id)).get()
        context.update(_context(row, session))
        if checked.status is LinkStatus.OUTDATED and checked.sequence is not None:
            context["was"] = _as_published(session, checked.sequence)
    return _page(request, "responses/problem.html", _base(context), language, 200)


def _context(row: SessionInterpreter, session: Session, **extra: Any) -> dict[str, Any]:
    facts = facts_of_session(session)
    home = row.person.home_time_zone
    return _base(
        {
            "expert": row,  # the problem page's name for the link's row
            "interpreter": row,
            "person": row.person,
            "languages": ", ".join(row.languages),
            "session": facts,
            "when_home": facts.when_in(home),
            "home_zone": home,
            "answered": row.response != SessionInterpreter.Response.INVITED,
            "coordinator_names": _coordinator_names(session),
            "cancelled": _called_off(session),
            **extra,
        }
    )
