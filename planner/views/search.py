"""The header's search: one page of results grouped by kind (planner.search)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from planner.search import MAX_LENGTH, PER_KIND, cleaned_query, query_problem, search
from visits.access import signed_in_required
from visits.models import Session
from visits.timefmt import ADMIN, format_span


@require_safe
@signed_in_required
def search_page(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("q", "")
    query = cleaned_query(raw)
    problem = query_problem(query)
    results = None if problem else search(request.user, query)
    # Each session with its time in its own zone, named.
    sessions = [
        (session, format_span(session.starts_at, session.ends_at, session.zone, ADMIN))
        for session in (results.sessions.rows if results is not None else [])
        if isinstance(session, Session)
    ]
    context = {
        "search_query": query,
        "problem": problem,
        "shortened": len(raw.strip()) > MAX_LENGTH,
        "results": results,
        "sessions": sessions,
        "per_kind": PER_KIND,
    }
    return render(request, "planner/search.html", context, status=400 if problem and raw else 200)
