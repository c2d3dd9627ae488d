"""The coordinators' inbox of requests for a visit, in the planner: the list, and one request with its
exchange and the decision (accept, ask for more, decline)."""

from django.contrib import messages
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from intake.forms import DecisionForm
from intake.models import RequestStatus, VisitRequest
from intake.services import InvalidRequestMove, request_accept, request_ask_more, request_decline
from visits.access import actor_of, triage_required
from visits.services import Refused

OPEN = [RequestStatus.TRIAGE, RequestStatus.MORE_ASKED]
SHOWN = {"open": OPEN, "accepted": [RequestStatus.ACCEPTED], "declined": [RequestStatus.DECLINED]}


def _requests(shown: str) -> QuerySet[VisitRequest]:
    return (
        VisitRequest.objects.filter(status__in=SHOWN[shown])
        .prefetch_related("themes")
        .annotate(note_count=Count("notes"))
        .order_by("-created_at", "-pk")
    )


@triage_required
@require_http_methods(["GET"])
def index(request: HttpRequest) -> HttpResponse:
    shown = request.GET.get("show", "open")
    if shown not in SHOWN:
        shown = "open"
    context = {"requests": _requests(shown)[:200], "shown": shown, "tabs": list(SHOWN)}
    return render(request, "intake/triage_list.html", context)


@triage_required
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, request_id: int) -> HttpResponse:
    visit_request = (
        VisitRequest.objects.select_related("visit", "delegation", "contact", "decided_by")
        .prefetch_related("themes")
        .filter(pk=request_id)
        .first()
    )
    if visit_request is None:
        raise Http404(gettext("No request for a visit with that number."))
    user = actor_of(request)
    assert user is not None  # triage_required let in a coordinator
    status = 200
    if request.method == "POST":
        form = DecisionForm(request.POST)
        if form.is_valid():
            action, message = form.cleaned_data["action"], form.cleaned_data["message"].strip()
            try:
                if action == DecisionForm.ACCEPT:
                    done = request_accept(visit_request=visit_request, message=message, actor=user)
                    messages.success(request, gettext("Accepted: the delegation and a draft visit are made."))
                    if done.visit_id is not None:
                        return redirect("planner:board", done.visit_id)
                elif action == DecisionForm.MORE:
                    request_ask_more(visit_request=visit_request, message=message, actor=user)
                    messages.success(request, gettext("Your question is on its way to the requester."))
                else:
                    request_decline(visit_request=visit_request, message=message, actor=user)
                    messages.success(request, gettext("Declined: the requester is told."))
                return redirect("intake_triage:detail", visit_request.pk)
            except InvalidRequestMove:
                form.add_error(
                    "action",
                    gettext("This request was decided or answered meanwhile: read it again and decide anew."),
                )
            except Refused as refusal:
                form.add_error("action", str(refusal))
        status = 400
    else:
        form = DecisionForm()
    context = {
        "request_row": visit_request,
        "notes": list(visit_request.notes.select_related("user")),
        "form": form,
        "may_decide": visit_request.status in OPEN,
    }
    return render(request, "intake/triage_detail.html", context, status=status)
