"""The expert's answer page, reached from the link in an invitation. No account: the token is the key.

Opening the page (GET, HEAD) never changes anything: mail scanners open every link in a message. Answers are
buttons that POST, with CSRF protection. A link that is expired, used, outdated or altered gets a page that
says so in plain words and offers a fresh link by e-mail (POST again); never an error page.
"""

from typing import Any

from django.conf import settings
from django.core.validators import validate_email
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.text import get_text_list
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from notifications.compose import message_language
from notifications.links import CheckedLink, LinkStatus, expert_links
from notifications.sessions import facts_of_session, facts_of_snapshot, with_facts
from notifications.views import private, unlogged
from responses.answers import AnswerRefused
from responses.forms import AnswerForm
from responses.models import TakenOff
from responses.services import expert_answer, expert_pass, fresh_link
from responses.taken_off import taken_off_by_link
from scheduling.models import ProgrammeVersion
from visits.models import AWAITING_ANSWER, Session, SessionExpert, VisitStatus
from visits.selectors import person_with_email
from visits.wording import reading

ANSWERS_BY_ACTION = {
    "confirm": SessionExpert.Response.CONFIRMED,
    "decline": SessionExpert.Response.DECLINED,
    "propose": SessionExpert.Response.PROPOSED,
}


@require_http_methods(["GET", "HEAD", "POST"])
def answer_view(request: HttpRequest, token: str) -> HttpResponseBase:
    checked = expert_links.check_token(token)
    expert = checked.expert
    if expert is None and (gone := taken_off_by_link(token)) is not None:
        return _taken_off(request, gone)
    reader = expert.person.preferred_language if expert else request.LANGUAGE_CODE
    language = message_language(reader)
    with translation.override(language), reading(reader):
        if expert is not None:
            session = with_facts(Session.objects.filter(pk=expert.session_id)).get()
            if _called_off(session):
                # Whatever the link's state: there is nothing to answer, and no new invitation is coming.
                context = {**_context(expert, session), "status": "cancelled", "token": token}
                status = 400 if request.method == "POST" else 200  # an answer posted is not recorded
                return _page(request, "responses/problem.html", _base(context), language, status)
        if not checked.usable or expert is None:
            return _problem(request, token, checked, language)
        form = AnswerForm(request.POST or None, zone=session.zone)
        if request.method == "POST" and form.is_valid():
            try:
                _answer(expert, form)
            except AnswerRefused as refused:
                for field, messages in refused.message_dict.items():
                    form.add_error(field if field in form.fields else None, messages)
            else:
                if not form.errors:
                    # POST, redirect, GET: the page now shows the answer recorded (the link is used up).
                    return redirect(request.path)
        status = 400 if request.method == "POST" else 200
        return _page(request, "responses/answer.html", _context(expert, session, form=form), language, status)


@require_http_methods(["POST"])
def fresh_link_view(request: HttpRequest, token: str) -> HttpResponseBase:
    """Send a new invitation with a working link: to the link's expert, or to an address the visitor gives."""
    checked = expert_links.check_token(token)
    expert = checked.expert
    reader = expert.person.preferred_language if expert else request.LANGUAGE_CODE
    language = message_language(reader)
    with translation.override(language), reading(reader):
        if expert is not None:
            fresh_link(expert)
        else:
            email = request.POST.get("email", "").strip()
            try:
                validate_email(email)
            except Exception:
                context = {"status": checked.status.value, "email_error": True, "token": token}
                return _page(request, "responses/problem.html", _base(context), language, 400)
            _fresh_links_for_address(email)
        # The same words whether or not the address is one we know: the page confirms nothing.
        return _page(request, "responses/fresh_sent.html", _base({}), language, 200)


def _answer(expert: SessionExpert, form: AnswerForm) -> None:
    action, note = form.cleaned_data["action"], form.cleaned_data.get("note", "")
    if action == "pass":
        expert_pass(
            expert_id=expert.pk,
            name=form.cleaned_data.get("colleague_name", ""),
            email=form.cleaned_data.get("colleague_email", ""),
            note=note,
        )
        return
    proposals = form.proposals() if action == "propose" else []
    if form.errors:
        return
    expert_answer(expert_id=expert.pk, answer=ANSWERS_BY_ACTION[action], note=note, proposals=proposals)


def _fresh_links_for_address(email: str) -> None:
    person = person_with_email(email)
    if person is None:
        return
    waiting = SessionExpert.objects.select_related("session__visit", "person").filter(
        person=person,
        response__in=AWAITING_ANSWER,
        session__visit__first_published_at__isnull=False,
    )
    for expert in waiting[:20]:
        fresh_link(expert)


def _taken_off(request: HttpRequest, gone: TakenOff) -> HttpResponseBase:
    """The expert was taken off the session since the link was sent: nothing to answer, in their language.
    What the page shows is the session they were asked to lead, which the genuine link was theirs to see."""
    reader = gone.person.preferred_language
    language = message_language(reader)
    with translation.override(language), reading(reader):
        session = with_facts(Session.objects.filter(pk=gone.session_id)).get()
        home = gone.person.home_time_zone
        facts = facts_of_session(session)
        context = {
            "status": "taken_off",
            "person": gone.person,
            "session": facts,
            "when_home": facts.when_in(home),
            "home_zone": home,
            "coordinator_names": _coordinator_names(session),
        }
        status = 400 if request.method == "POST" else 200  # an answer posted is not recorded
        return _page(request, "responses/problem.html", _base(context), language, status)


def _called_off(session: Session) -> bool:
    """The session is cancelled, or its whole visit is."""
    return session.status == Session.Status.CANCELLED or session.visit.status == VisitStatus.CANCELLED


def _problem(request: HttpRequest, token: str, checked: CheckedLink, language: str) -> HttpResponseBase:
    context: dict[str, Any] = {"status": checked.status.value, "token": token}
    expert = checked.expert
    if expert is not None:
        session = with_facts(Session.objects.filter(pk=expert.session_id)).get()
        context.update(_context(expert, session))
        if checked.status is LinkStatus.OUTDATED and checked.sequence is not None:
            context["was"] = _as_published(session, checked.sequence)
    return _page(request, "responses/problem.html", _base(context), language, 200)


def _as_published(session: Session, sequence: int) -> str | None:
    """When and where the session was at `sequence`, from the published version that had it then."""
    for snapshot in (
        ProgrammeVersion.objects.filter(visit_id=session.visit_id)
        .order_by("-number")
        .values_list("snapshot", flat=True)
    ):
        entry = snapshot.get(str(session.pk))
        if entry is not None and entry.get("sequence") == sequence:
            facts = facts_of_snapshot(entry, session.visit)
            return " – ".join(part for part in (facts.when, facts.location) if part)
    return None


def _context(expert: SessionExpert, session: Session, **extra: Any) -> dict[str, Any]:
    facts = facts_of_session(session)
    home = expert.person.home_time_zone
    # By name, with the one address that reaches them (organizer_email): a username is an account's, not a
    # person's name, and coordinators' own addresses change with who is on duty.
    return _base(
        {
            "expert": expert,
            "person": expert.person,
            "session": facts,
            "when_home": facts.when_in(home),
            "home_zone": home,
            "answered": expert.response not in AWAITING_ANSWER,
            "coordinator_names": _coordinator_names(session),
            "zone_name": facts.zone.key,
            "cancelled": _called_off(session),
            **extra,
        }
    )


def _coordinator_names(session: Session) -> str:
    names = sorted(name for c in session.visit.coordinators.all() if (name := c.get_full_name().strip()))
    return get_text_list(names, gettext("and"))


def _base(context: dict[str, Any]) -> dict[str, Any]:
    return {"organizer_email": settings.ORGANIZER_EMAIL, **context}


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], language: str, status: int
) -> HttpResponseBase:
    response = render(request, template, context, status=status)
    response["Content-Language"] = language
    # same-origin, not no-referrer: under no-referrer browsers POST the buttons with "Origin: null", which
    # Django's CSRF check refuses. Other sites still get no Referer, so the token stays on this site.
    return private(response, referrer_policy="same-origin")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponseBase:
    """A refused POST (no cookie, or a page kept open across a new session) on the pages people reach from
    e-mail: a plain page in their language that says what to do, not Django's English 403. The path holds a
    token, so the refusal is not logged with it."""
    reader = getattr(request, "LANGUAGE_CODE", "en")
    language = message_language(reader)
    with translation.override(language), reading(reader):
        response = render(request, "responses/csrf_failure.html", _base({"back": request.path}), status=403)
    response["Content-Language"] = language
    return private(unlogged(response), referrer_policy="same-origin")
