"""Publishing a programme: the change set in words before, with its warnings to acknowledge; the delivery
progress after."""

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from notifications.models import OutboxMessage, OutboxStatus
from notifications.outbox import outbox_send_again
from planner.delivery import delivery_of, failed_messages, waiting_for_the_server
from planner.views import language
from scheduling.checks import CannotAcknowledge, warnings_acknowledge
from scheduling.preview import publish_check
from scheduling.publishing import PublishBlocked, nothing_published_message, programme_publish
from visits.access import access_visit, actor_of, signed_in_required
from visits.models import Visit

# The delivery page asks again this often while messages are on their way.
DELIVERY_REFRESH_SECONDS = 3


def publish_page(request: HttpRequest, visit: Visit, *, status: int = 200) -> HttpResponse:
    check = publish_check(visit, reader=request.user)
    return render(
        request,
        "planner/publish.html",
        {
            "visit": visit,
            "previous": check.previous,
            "preview": check.preview,
            "fatal": check.fatal,
            "warnings": check.warnings,
        },
        status=status,
    )


@signed_in_required
def publish(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = access_visit(request.user, visit_id)
    if request.method != "POST":
        return publish_page(request, visit)
    try:
        version = programme_publish(visit=visit, actor=actor_of(request))
    except PublishBlocked:
        messages.error(request, gettext("Not published: the fatal conflicts below must be resolved first."))
        return publish_page(request, visit, status=409)
    if version is None:
        messages.info(request, nothing_published_message(visit))
        return HttpResponseRedirect(reverse("planner:board", args=[visit.pk]))
    messages.success(
        request, gettext("Version %(number)d of the programme is published.") % {"number": version.number}
    )
    url = reverse("planner:delivery", args=[visit.pk])
    return HttpResponseRedirect(f"{url}?version={version.number}")


@signed_in_required
@require_POST
def acknowledge(request: HttpRequest, visit_id: int) -> HttpResponse:
    """Accept a warning, by its key, so that it no longer counts as open. Fatal conflicts are refused: they
    must be resolved on the board."""
    visit = access_visit(request.user, visit_id)
    assert isinstance(request.user, User)  # login_required let the request in
    # A grouped line posts the key of each conflict in it: acknowledging it acknowledges them all.
    try:
        conflicts = warnings_acknowledge(visit=visit, keys=request.POST.getlist("key"), actor=request.user)
    except CannotAcknowledge as refused:
        messages.error(request, str(refused))
    else:
        if not conflicts:
            messages.warning(
                request, gettext("That conflict no longer arises; there is nothing to acknowledge.")
            )
        for conflict in conflicts:
            messages.success(
                request,
                gettext("Warning acknowledged: %(message)s") % {"message": conflict.message(language())},
            )
    return HttpResponseRedirect(reverse("planner:publish", args=[visit.pk]) + "#warnings")


@signed_in_required
@require_POST
def send_again(request: HttpRequest, visit_id: int, message_id: int) -> HttpResponse:
    """Queue a failed message of the visit again, to its person's address as it is now."""
    visit = access_visit(request.user, visit_id)
    message = OutboxMessage.objects.filter(visit=visit, pk=message_id).first()
    if message is None:
        raise Http404(gettext("No message with that number for this visit."))
    url = reverse("planner:delivery", args=[visit.pk])
    if message.version_number is not None:
        url += f"?version={message.version_number}"
    if message.status != OutboxStatus.FAILED:
        messages.info(request, gettext("That message has not failed; there is nothing to send again."))
        return HttpResponseRedirect(url)
    message = outbox_send_again(message=message, actor=actor_of(request))
    messages.success(
        request, gettext("The message to %(address)s is queued again.") % {"address": message.to_email}
    )
    return HttpResponseRedirect(url)


def version_number(request: HttpRequest, visit: Visit) -> int:
    """The version asked for, or the latest; 404 for none."""
    asked = request.GET.get("version", "")
    versions = visit.versions.order_by("-number")
    if asked:
        versions = versions.filter(number=int(asked)) if asked.isdigit() else versions.none()
    number = versions.values_list("number", flat=True).first()
    if number is None:
        raise Http404(gettext("This programme has no such published version."))
    return number


@signed_in_required
def delivery(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = access_visit(request.user, visit_id)
    number = version_number(request, visit)
    progress = delivery_of(visit, number)
    return render(
        request,
        "planner/delivery.html",
        {
            "visit": visit,
            "progress": progress,
            "failed": failed_messages(visit, number),
            "waiting": waiting_for_the_server(visit, number),
            "refresh_seconds": DELIVERY_REFRESH_SECONDS,
        },
    )


@signed_in_required
def delivery_json(request: HttpRequest, visit_id: int) -> JsonResponse:
    visit = access_visit(request.user, visit_id)
    return JsonResponse(delivery_of(visit, version_number(request, visit)).as_json())
