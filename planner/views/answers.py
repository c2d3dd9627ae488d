"""The answers that need the coordinator: the "needs you" list of a visit, and the one-click decisions about
an expert's answer (a proposed time accepted or refused, a decline or a colleague noted, another expert asked
after a decline). The decisions are responses.decisions'; these pages only ask and say what happened."""

from django.contrib import messages
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language_info, gettext
from django.views.decorators.http import require_POST, require_safe

from planner.needs_you import needs_you, when_with_day
from planner.replacements import candidates
from planner.views import language
from responses.answers import AnswerRefused
from responses.decisions import AlreadySettled, Decided, answer_note, proposal_accept, proposal_refuse
from responses.decisions import replacement_ask as ask_replacement
from responses.interpreters import interpreter_answer_note
from visits.access import access_expert, access_interpreter, access_visit, actor_of, signed_in_required
from visits.models import SessionExpert


def _language_name(code: str) -> str:
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


def _back(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    """Back where the click came from (the board, the session's page, a "needs you" list) on this site."""
    wanted = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}) and wanted.startswith(
        "/"
    )
    return HttpResponseRedirect(wanted if safe else fallback)


def _session_page(expert: SessionExpert) -> str:
    return reverse("planner:session_edit", args=[expert.session_id]) + "#answers"


def _number(request: HttpRequest, name: str) -> int | None:
    try:
        return int(request.POST.get(name, ""))
    except ValueError:
        return None


def _refused(request: HttpRequest, refused: AnswerRefused) -> None:
    messages.error(request, " ".join(m for ms in refused.message_dict.values() for m in ms))


def decided_message(request: HttpRequest, decided: Decided, *, done: str) -> None:
    """What the decision did and whom it reached, with the session's conflicts at its time."""
    words = [done]
    if decided.held:
        words.append(
            gettext(
                "It has a conflict that blocks publishing, so nobody has been told yet: "
                "resolve it and publish."
            )
        )
        words.extend(c.message(language()) for c in decided.held)
    elif decided.version is not None:
        words.append(
            gettext("The update has gone out to everyone on the session (version %(number)d).")
            % {"number": decided.version.number}
        )
    elif decided.invited_directly:
        words.append(gettext("The expert has been sent an invitation for the new time."))
    elif not decided.session.visit.is_published:
        words.append(gettext("Nothing has been sent yet: the first publish of the programme sends it all."))
    warnings = [c.message(language()) for c in decided.conflicts if not c.is_fatal]
    if warnings:
        words.append(gettext("Warnings:"))
        words.extend(warnings)
    level = messages.WARNING if decided.held or warnings else messages.SUCCESS
    messages.add_message(request, level, " ".join(words))


@signed_in_required
@require_safe
def visit_needs_you(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = access_visit(request.user, visit_id)
    items = needs_you({visit.pk: visit})
    return render(request, "planner/needs_you.html", {"visit": visit, "items": items, "page": "needs_you"})


@signed_in_required
@require_POST
def accept(request: HttpRequest, expert_id: int) -> HttpResponse:
    expert = access_expert(request.user, expert_id)
    time_id = _number(request, "time")
    if time_id is None:
        messages.error(request, gettext("Choose one of the times the expert proposed."))
        return _back(request, _session_page(expert))
    try:
        decided = proposal_accept(expert_id=expert.pk, time_id=time_id, actor=actor_of(request))
    except AlreadySettled as settled:
        messages.info(request, str(settled))
    except AnswerRefused as refused:
        _refused(request, refused)
    else:
        done = gettext("“%(title)s” now takes place %(when)s, the time %(expert)s proposed.") % {
            "title": decided.session.title,
            "when": when_with_day(decided.session),
            "expert": expert.person.name,
        }
        decided_message(request, decided, done=done)
    return _back(request, _session_page(expert))


@signed_in_required
@require_POST
def refuse(request: HttpRequest, expert_id: int) -> HttpResponse:
    expert = access_expert(request.user, expert_id)
    try:
        proposal_refuse(expert_id=expert.pk, actor=actor_of(request))
    except AlreadySettled as settled:
        messages.info(request, str(settled))
    except AnswerRefused as refused:
        _refused(request, refused)
    else:
        messages.success(
            request,
            gettext("%(expert)s has been told that “%(title)s” stays at %(when)s, with a link to answer.")
            % {
                "expert": expert.person.name,
                "title": expert.session.title,
                "when": when_with_day(expert.session),
            },
        )
    return _back(request, _session_page(expert))


@signed_in_required
@require_POST
def note(request: HttpRequest, expert_id: int) -> HttpResponse:
    expert = access_expert(request.user, expert_id)
    try:
        answer_note(expert_id=expert.pk, actor=actor_of(request))
    except AlreadySettled as settled:
        messages.info(request, str(settled))
    else:
        messages.success(
            request,
            gettext("Noted: %(expert)s's answer no longer needs you.") % {"expert": expert.person.name},
        )
    return _back(request, reverse("planner:needs_you", args=[expert.session.visit_id]))


@signed_in_required
@require_POST
def interpreter_note(request: HttpRequest, interpreter_id: int) -> HttpResponse:
    booked = access_interpreter(request.user, interpreter_id)
    try:
        with transaction.atomic():
            interpreter_answer_note(interpreter_id=booked.pk, actor=actor_of(request))
    except AlreadySettled as settled:
        messages.info(request, str(settled))
    else:
        messages.success(
            request,
            gettext("Noted: %(interpreter)s's answer no longer needs you.")
            % {"interpreter": booked.person.name},
        )
    return _back(request, reverse("planner:needs_you", args=[booked.session.visit_id]))


@signed_in_required
def replacements(request: HttpRequest, expert_id: int) -> HttpResponse:
    """Who could lead the session instead of an expert who declined; one click asks one of them."""
    expert = access_expert(request.user, expert_id)
    session = expert.session
    if request.method == "POST":
        person_id = _number(request, "person")
        try:
            if person_id is None:
                raise AnswerRefused({"person": gettext("Choose an expert from the list.")})
            assert isinstance(request.user, User)  # signed_in_required let the request in
            decided = ask_replacement(expert_id=expert.pk, person_id=person_id, actor=request.user)
        except AlreadySettled as settled:
            messages.info(request, str(settled))
        except AnswerRefused as refused:
            _refused(request, refused)
        else:
            asked = decided.session.session_experts.select_related("person").get(person_id=person_id)
            done = gettext("%(person)s is asked to lead “%(title)s” instead of %(expert)s.") % {
                "person": asked.person.name,
                "title": session.title,
                "expert": expert.person.name,
            }
            decided_message(request, decided, done=done)
            return HttpResponseRedirect(
                reverse("planner:board", args=[session.visit_id]) + f"#session-{session.pk}"
            )
        return HttpResponseRedirect(request.path)
    free, taken = candidates(session, reader=request.user)
    return render(
        request,
        "planner/replacements.html",
        {
            "visit": session.visit,
            "session": session,
            "expert": expert,
            "when": when_with_day(session),
            "language": _language_name(session.language),
            "free": free,
            "taken": taken,
            "declined": expert.response == SessionExpert.Response.DECLINED,
        },
    )
