"""The session form's pickers ask here for experts and interpreters by name (planner.forms, pickers.js):
JSON, at most PICKER_RESULTS, two characters or more, only to a coordinator of the visit. What is offered is
what the form accepts (scheduling.directory); the form checks again what is sent."""

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from planner.forms import person_label
from planner.search import MIN_LENGTH, cleaned_query, matching
from scheduling.directory import experts_to_choose, interpreters_to_choose
from visits.access import access_visit, signed_in_required

PICKER_RESULTS = 20
KINDS = {"experts": experts_to_choose, "interpreters": interpreters_to_choose}


@require_safe
@signed_in_required
def people_search(request: HttpRequest, visit_id: int) -> JsonResponse:
    access_visit(request.user, visit_id)  # the pickers are the visit's: a 404 for anyone else
    choose = KINDS.get(request.GET.get("kind", ""))
    if choose is None:
        message = gettext("Give kind=experts or kind=interpreters.")
        return JsonResponse({"errors": {"kind": [message]}}, status=400)
    query = cleaned_query(request.GET.get("q", ""))
    if len(query) < MIN_LENGTH:
        message = gettext("Type at least %(count)d characters to search.") % {"count": MIN_LENGTH}
        return JsonResponse({"errors": {"q": [message]}}, status=400)
    people = choose(request.user).select_related("organisation")
    found = matching(people, ["name", "organisation__name"], query).order_by("name", "pk")[:PICKER_RESULTS]
    return JsonResponse({"results": [{"value": person.pk, "text": person_label(person)} for person in found]})
