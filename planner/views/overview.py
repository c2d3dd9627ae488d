"""The dashboard, the programme board and the print view: pages that read only."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from planner.access import access_visit
from planner.board import board_for, time_span
from planner.figures import dashboard_figures, upcoming_visits
from visits.models import Session, SessionExpert
from visits.selectors import visits_for_user

STATUS_LEGEND = list(Session.Status.choices)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    rows = dashboard_figures(upcoming_visits(visits_for_user(request.user)))
    return render(request, "planner/dashboard.html", {"rows": rows})


@login_required
def board(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = access_visit(request.user, visit_id)
    language = translation.get_language() or settings.LANGUAGE_CODE
    return render(
        request,
        "planner/board.html",
        {"visit": visit, "board": board_for(visit, language), "legend": STATUS_LEGEND},
    )


@login_required
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
    return render(request, "planner/print.html", {"visit": visit, "days": list(days.items())})
