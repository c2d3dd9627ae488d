"""The board's actions: move and resize (a drag, a key or the "Move" form), copy, cancel after asking, act on
several sessions at once, and undo.

Each action is one undo step (planner.undo) and is checked with the live conflict check after it is saved:
conflicts never stop a save, they are said. The board's script posts with `Accept: application/json` and gets
JSON back (errors as {"errors": {field: [messages]}}, 400); a form without the script gets the board again
with a message.
"""

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from planner.board import time_span
from planner.board_forms import BulkForm, MoveForm
from planner.undo import board_bulk, board_cancel, board_copy, board_move, board_undo_steps, undo_last
from planner.views import language
from planner.views.sessions import board_url
from scheduling.checks import session_conflicts
from scheduling.conflicts import Conflict
from visits.access import AnyUser, access_session, access_visit, signed_in_required
from visits.models import Session, StaleEdit, Visit
from visits.services import InvalidTransition, Refused

UNDO_TAG = "undo"  # a message with this tag offers the Undo button (templates/planner/_layout.html)


def wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def user_of(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # signed_in_required let the request in
    return request.user


def conflicts_of(sessions: list[Session], reader: AnyUser) -> list[str]:
    """The conflicts of the sessions as saved, each message once."""
    found: list[Conflict] = []
    for session in sessions:
        found.extend(session_conflicts(session, reader=reader))
    return list(dict.fromkeys(c.message(language()) for c in found))


def outcome(done: str, conflicts: list[str]) -> str:
    """The sentence that says what happened, and the conflicts the action left."""
    if not conflicts:
        return done
    heading = ngettext("%(count)d conflict:", "%(count)d conflicts:", len(conflicts)) % {
        "count": len(conflicts)
    }
    return " ".join([done, heading, *conflicts])


def answer(
    request: HttpRequest, visit: Visit, done: str, conflicts: list[str], focus: Session | None
) -> HttpResponse:
    text = outcome(done, conflicts)
    if wants_json(request):
        return JsonResponse(
            {"ok": True, "message": text, "conflicts": conflicts, "session": focus.pk if focus else None}
        )
    if conflicts:
        messages.warning(request, text, extra_tags=UNDO_TAG)
    else:
        messages.success(request, text, extra_tags=UNDO_TAG)
    return HttpResponseRedirect(board_url(visit, focus))


def refusal(request: HttpRequest, visit: Visit, field: str, text: str, status: int = 400) -> HttpResponse:
    if wants_json(request):
        return JsonResponse({"ok": False, "errors": {field: [text]}}, status=status)
    messages.error(request, text)
    return HttpResponseRedirect(board_url(visit))


def move_page(
    request: HttpRequest, visit: Visit, session: Session, form: MoveForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "planner/session_move.html",
        {"visit": visit, "session": session, "when": time_span(session), "form": form},
        status=status,
    )


def initial_move(session: Session, visit: Visit) -> dict[str, object]:
    start = session.starts_at.astimezone(visit.zone)
    return {
        "session": session.pk,
        "revision": session.revision,
        "day": start.date(),
        "start": start.time().replace(second=0, microsecond=0),
        "length": int((session.ends_at - session.starts_at).total_seconds() // 60),
    }


@signed_in_required
def session_move(request: HttpRequest, session_id: int) -> HttpResponse:
    """The "Move" page of a session without the script: day, start and length; and a copy elsewhere."""
    session = access_session(request.user, session_id)
    form = MoveForm(initial=initial_move(session, session.visit), visit=session.visit)
    return move_page(request, session.visit, session, form)


@signed_in_required
@require_POST
def move(request: HttpRequest, visit_id: int) -> HttpResponse:
    """Move or resize a session of the visit: checked, saved through the services, one undo step."""
    visit = access_visit(request.user, visit_id)
    form = MoveForm(request.POST, visit=visit)
    if not form.is_valid():
        if wants_json(request) or not isinstance(form.cleaned_data.get("session"), Session):
            return JsonResponse({"ok": False, "errors": form.problems()}, status=400)
        return move_page(request, visit, form.cleaned_data["session"], form, status=400)
    session: Session = form.cleaned_data["session"]
    if form.cleaned_data.get("revision"):
        session.revision = form.cleaned_data["revision"]  # the revision the mover saw: an older one is stale
    try:
        moved = board_move(
            session=session,
            starts_at=form.cleaned_data["starts"],
            ends_at=form.cleaned_data["ends"],
            actor=user_of(request),
        )
    except StaleEdit:
        return refusal(
            request,
            visit,
            "revision",
            gettext(
                "Someone else changed “%(title)s” meanwhile; nothing was moved. "
                "The board shows it as it is now."
            )
            % {"title": session.title},
            status=409,
        )
    moved.visit = visit
    done = gettext("“%(title)s” moved to %(when)s.") % {"title": moved.title, "when": time_span(moved)}
    return answer(request, visit, done, conflicts_of([moved], request.user), moved)


@signed_in_required
@require_POST
def copy(request: HttpRequest, visit_id: int) -> HttpResponse:
    """A copy of a session of the visit at the day and start given (its length unless one is given)."""
    visit = access_visit(request.user, visit_id)
    form = MoveForm(request.POST, visit=visit)
    if not form.is_valid():
        if wants_json(request) or not isinstance(form.cleaned_data.get("session"), Session):
            return JsonResponse({"ok": False, "errors": form.problems()}, status=400)
        return move_page(request, visit, form.cleaned_data["session"], form, status=400)
    original: Session = form.cleaned_data["session"]
    made = board_copy(
        session=original,
        starts_at=form.cleaned_data["starts"],
        ends_at=form.cleaned_data["ends"],
        actor=user_of(request),
    )
    made.visit = visit
    done = gettext("A copy of “%(title)s” is added at %(when)s; its experts are not asked yet.") % {
        "title": original.title,
        "when": time_span(made),
    }
    return answer(request, visit, done, conflicts_of([made], request.user), made)


@signed_in_required
def session_cancel(request: HttpRequest, session_id: int) -> HttpResponse:
    """Cancelling asks first: what it means, then the cancel, then a message that offers Undo."""
    session = access_session(request.user, session_id)
    visit = session.visit
    if request.method != "POST":
        return render(
            request,
            "planner/cancel_confirm.html",
            {
                "visit": visit,
                "sessions": [(session, time_span(session))],
            },
        )
    try:
        board_cancel(session=session, actor=user_of(request))
    except InvalidTransition as refused:
        return refusal(request, visit, "status", " ".join(refused.messages))
    done = gettext("“%(title)s” is cancelled.") % {"title": session.title}
    return answer(request, visit, done, [], session)


@signed_in_required
@require_POST
def bulk(request: HttpRequest, visit_id: int) -> HttpResponse:
    """One action on the sessions selected on the board: shift, set venue, confirm or cancel; all or nothing,
    one undo step. Cancelling asks first."""
    visit = access_visit(request.user, visit_id)
    form = BulkForm(request.POST, visit=visit)
    if not form.is_valid():
        if wants_json(request):
            return JsonResponse({"ok": False, "errors": form.problems()}, status=400)
        for name, errors in form.problems().items():
            label = form.fields[name].label if name in form.fields and form.fields[name].label else ""
            messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
        return HttpResponseRedirect(board_url(visit))
    data = form.cleaned_data
    sessions: list[Session] = data["sessions"]
    if data["action"] == "cancel" and not data.get("confirmed"):
        return render(
            request,
            "planner/cancel_confirm.html",
            {
                "visit": visit,
                "sessions": [(s, time_span(s)) for s in sessions],
                "bulk": True,
            },
        )
    try:
        changed = board_bulk(
            visit=visit,
            sessions=sessions,
            action=data["action"],
            days=data.get("days") or 0,
            minutes=data.get("minutes") or 0,
            venue=data.get("venue"),
            actor=user_of(request),
        )
    except Refused as refused:
        return refusal(request, visit, "sessions", str(refused), status=409)
    except StaleEdit:
        return refusal(
            request,
            visit,
            "sessions",
            gettext("Someone else changed one of the sessions meanwhile; nothing was changed."),
            409,
        )
    for session in changed:
        session.visit = visit
    done = ngettext("%(count)d session changed.", "%(count)d sessions changed.", len(changed)) % {
        "count": len(changed)
    }
    return answer(request, visit, done, conflicts_of(changed, request.user), None)


@signed_in_required
@require_POST
def undo(request: HttpRequest, visit_id: int) -> HttpResponse:
    """Take back the newest change made on the board since the last publication."""
    visit = access_visit(request.user, visit_id)
    try:
        step, restored = undo_last(visit=visit, actor=user_of(request))
    except Refused as refused:
        return refusal(request, visit, "undo", str(refused), status=409)
    except StaleEdit:
        return refusal(
            request,
            visit,
            "undo",
            gettext("Someone else changed a session meanwhile; nothing was undone."),
            409,
        )
    for session in restored:
        session.visit = visit
    done = gettext("Undone: %(label)s.") % {"label": step.label}
    conflicts = conflicts_of(restored, request.user)
    if wants_json(request):
        return JsonResponse({"ok": True, "message": outcome(done, conflicts), "conflicts": conflicts})
    (messages.warning if conflicts else messages.success)(request, outcome(done, conflicts))
    return HttpResponseRedirect(board_url(visit, restored[0] if restored else None))


def board_tools(visit: Visit) -> dict[str, object]:
    """What the board's own tools need: the steps to undo and the form for the selected sessions."""
    return {"undo_steps": board_undo_steps(visit), "bulk_form": BulkForm(visit=visit)}
