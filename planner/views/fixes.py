"""The fix buttons of the conflict lists (scheduling.fixes): the server checks again before it moves a
session, and refuses a fix that no longer fits, saying why.

A fix applies to the session as it is stored. It is refused when the session was saved since the list was
shown (its revision), or when the conflict it fixed is gone or changed; either way the session's page shows
its conflicts as they are now.
"""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from planner.board import time_span
from planner.undo import board_change
from planner.views.sessions import saved_conflict_message
from scheduling.checks import session_conflict_groups, session_conflicts
from scheduling.fixes import INTERPRETER, VENUE, Fix, fixes_for, parse_token
from visits.access import AnyUser, access_session, signed_in_required
from visits.models import Session, StaleEdit, Venue


def changed_meanwhile(session: Session) -> str:
    return gettext(
        "“%(title)s” was changed after this list was shown, so nothing was moved. It now reads %(when)s; "
        "its conflicts as they are now are below."
    ) % {"title": session.title, "when": time_span(session)}


def current_fixes(session: Session, reader: AnyUser) -> list[Fix]:
    """The fixes the session's conflicts offer now, for it."""
    groups = session_conflict_groups(session, session_conflicts(session, reader=reader))
    return [fix for fix in fixes_for(groups, session.visit_id).values() if fix.session_id == session.pk]


def change_of(session: Session, fix: Fix) -> dict[str, object]:
    """What the fix changes: the time, keeping the length, or the venue."""
    if fix.action == VENUE and fix.venue_id is not None:
        # Found free a moment ago by current_fixes; the session's own save is what commits to it.
        return {"venue": Venue.objects.get(pk=fix.venue_id)}
    assert fix.starts_at is not None  # a move
    length: dt.timedelta = session.ends_at - session.starts_at
    return {"starts_at": fix.starts_at, "ends_at": fix.starts_at + length}


@signed_in_required
@require_POST
def session_fix(request: HttpRequest, session_id: int) -> HttpResponse:
    """Apply a fix button's fix to the session, once checked against the session as it is now."""
    session = access_session(request.user, session_id)
    page = reverse("planner:session_edit", args=[session.pk])
    asked = parse_token(request.POST.get("fix", ""))
    if asked is None or asked.session_id != session.pk:
        messages.error(request, gettext("That fix was not understood; nothing was changed."))
        return HttpResponseRedirect(page)
    if asked.revision != session.revision:
        messages.error(request, changed_meanwhile(session))
        return HttpResponseRedirect(page)
    fix = next(
        (
            fix
            for fix in current_fixes(session, request.user)
            if (fix.action, fix.starts_at, fix.detail) == (asked.action, asked.starts_at, asked.detail)
        ),
        None,
    )
    if fix is None:
        messages.warning(
            request,
            gettext(
                "The conflict of “%(title)s” that this fix was for has changed or no longer arises; nothing "
                "was changed. Its conflicts as they are now are below."
            )
            % {"title": session.title},
        )
        return HttpResponseRedirect(page)
    if fix.action == INTERPRETER:
        return HttpResponseRedirect(f"{page}?{urlencode({'interpreter': fix.language})}#interpreters")
    assert isinstance(request.user, User)  # login_required let them in
    try:
        # One undo step, as a move on the board is (planner.undo).
        moved = board_change(
            session=session, data=change_of(session, fix), label=fix.label, actor=request.user
        )
    except StaleEdit:
        current = access_session(request.user, session.pk)
        messages.error(request, changed_meanwhile(current))
        return HttpResponseRedirect(page)
    saved_conflict_message(request, moved, session_conflicts(moved, reader=request.user))
    return HttpResponseRedirect(page)
