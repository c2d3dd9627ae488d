"""The dashboard, the programme board, the print view, and the page that starts a new visit."""

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import User
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from planner.board import board_for, time_span
from planner.figures import dashboard_figures, upcoming_visits
from planner.forms import NewVisitForm
from planner.needs_you import needs_you, proposed_on_cards
from planner.views import language
from planner.views.board_actions import board_tools
from planner.views.proposing import open_proposal
from visits.access import access_visit, signed_in_required, visits_for_user
from visits.forms import model_data
from visits.history import visit_history as visit_history_lines
from visits.models import Session, SessionExpert, Visit
from visits.services import visit_create

STATUS_LEGEND = list(Session.Status.choices)


@signed_in_required
def dashboard(request: HttpRequest) -> HttpResponse:
    rows = dashboard_figures(upcoming_visits(visits_for_user(request.user)), reader=request.user)
    needs = needs_you({row.visit.pk: row.visit for row in rows})
    return render(request, "planner/dashboard.html", {"rows": rows, "needs": needs})


@signed_in_required
def board(request: HttpRequest, visit_id: int) -> HttpResponse:
    """The week, or with ?day=2027-03-23 that day's column wide. A day the board does not have shows the week
    with a message naming the field."""
    visit = access_visit(request.user, visit_id)
    asked = request.GET.get("day", "")
    day = parse_date(asked) if asked else None
    needs = needs_you({visit.pk: visit})
    proposed = proposed_on_cards(needs)
    draft, drafts = open_proposal(visit)
    board = board_for(
        visit, language(), reader=request.user, day=day, proposing=proposed.keys(), drafts=drafts
    )
    if asked and board.day is None:
        messages.warning(
            request,
            gettext(
                "day: “%(day)s” is not a day of this board (give a date such as %(example)s); the week is "
                "shown."
            )
            % {"day": asked, "example": board.every_day[0].date.isoformat()},
        )
    return render(
        request,
        "planner/board.html",
        {
            "visit": visit,
            "board": board,
            "legend": STATUS_LEGEND,
            "page": "board",
            **board_tools(visit),
            "needs": needs,
            "proposed": proposed,
            "draft": draft,
        },
    )


def parse_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


@signed_in_required
def programme_print(request: HttpRequest, visit_id: int) -> HttpResponse:
    """The programme as a delegation takes it along: live sessions by day, each time in its own zone."""
    visit = access_visit(request.user, visit_id)
    sessions = list(
        Session.objects.filter(visit_id=visit.pk)
        .active()
        .select_related("venue", "host_organisation")
        .prefetch_related(
            Prefetch(
                "session_experts",
                queryset=SessionExpert.objects.exclude(
                    response__in=[SessionExpert.Response.DECLINED, SessionExpert.Response.PASSED]
                )
                .select_related("person__organisation")
                .order_by("person__name"),
            )
        )
        .order_by("starts_at", "id")
    )
    days: dict[object, list[dict[str, object]]] = {}
    for session in sessions:
        session.visit = visit
        day = session.starts_at.astimezone(visit.zone).date()
        days.setdefault(day, []).append(
            {
                "session": session,
                "when": time_span(session),
                "experts": [e.person for e in session.session_experts.all()],
            }
        )
    # The delegation takes it along: in its language where the interface has one, English otherwise.
    with translation.override(print_language(visit)):
        return render(request, "planner/print.html", {"visit": visit, "days": list(days.items())})


def print_language(visit: Visit) -> str:
    spoken = visit.delegation.languages if visit.delegation else visit.programme_languages
    interface = {code for code, _name in settings.LANGUAGES}
    return next((code for code in spoken or [] if code in interface), "en")


@signed_in_required
def visit_new(request: HttpRequest) -> HttpResponse:
    """A new visit in draft; whoever creates it coordinates it, and lands on its (empty) board."""
    if not request.user.has_perm("visits.add_visit"):
        raise Http404
    form = NewVisitForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        assert isinstance(request.user, User)  # login_required let the request in
        visit = visit_create(data=model_data(form), actor=request.user)
        messages.success(
            request, gettext("“%(title)s” is created. Add its sessions.") % {"title": visit.title}
        )
        return HttpResponseRedirect(reverse("planner:board", args=[visit.pk]))
    return render(request, "planner/visit_form.html", {"form": form}, status=400 if form.errors else 200)


@signed_in_required
@require_safe
def visit_history(request: HttpRequest, visit_id: int) -> HttpResponse:
    """What happened to the visit, newest first, in sentences: who, when (in the visit's zone), through which
    door, and what changed (visits.history)."""
    visit = access_visit(request.user, visit_id)
    return render(
        request,
        "planner/history.html",
        {"visit": visit, "lines": visit_history_lines(visit), "page": "history"},
    )
