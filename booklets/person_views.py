"""A person's booklet behind their personal token (/p/<token>/booklet.pdf), with the page's token rules:
an unknown, revoked or expired token is the page's plain 404 (notifications.tokens.find_person_token)."""

from typing import Any

from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from booklets.content import NotPublished
from booklets.documents import booklet_filename, person_booklet
from booklets.pdf import BookletUnavailable, unavailable_reason
from notifications.compose import written_for
from notifications.models import PersonalToken
from notifications.tokens import find_person_token
from notifications.views import not_found, private, unlogged
from visits.models import Person, Visit
from visits.selectors import visits_taking_part


def booklet_visits(person: Person) -> list[Visit]:
    """The visits the person takes part in that have a published version, first day first."""
    return list(
        visits_taking_part(person).filter(versions__isnull=False).distinct().order_by("starts_on", "pk")
    )


def default_visit(visits: list[Visit]) -> Visit | None:
    """The first visit that has not ended, or else the last one."""
    today = timezone.localdate()
    return next((v for v in visits if v.ends_on >= today), visits[-1] if visits else None)


def booklet_section(
    request: HttpRequest, found: PersonalToken, person: Person, bound: Form | None
) -> dict[str, Any]:
    """The booklets' links on the person's programme page (notifications.programme_sections)."""
    url = reverse("booklet_pages:booklet", args=[found.token])
    links = [{"visit": visit, "url": f"{url}?visit={visit.pk}"} for visit in booklet_visits(person)]
    return {"booklets": links, "booklets_unavailable": unavailable_reason() if links else ""}


def plain(text: str, status: int) -> HttpResponse:
    response = HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
    response["Content-Language"] = translation.get_language()
    return response


@require_safe
def person_booklet_view(request: HttpRequest, token: str) -> HttpResponseBase:
    """The person's booklet of one visit (`?visit=<id>`; without it, their next one), in their language."""
    found = find_person_token(token)
    if found is None or found.person is None:
        return not_found(request)
    person = found.person
    with written_for(person.preferred_language):
        visits = booklet_visits(person)
        wanted = request.GET.get("visit", "")
        if wanted:
            if not wanted.isdigit():
                return private(
                    unlogged(
                        plain(
                            gettext("visit: give the number of one of your visits, such as ?visit=%(id)s.")
                            % {"id": visits[0].pk if visits else 1},
                            400,
                        )
                    )
                )
            visit = next((v for v in visits if v.pk == int(wanted)), None)
        else:
            visit = default_visit(visits)
        if visit is None:
            return not_found(request)
        try:
            rendered = person_booklet(visit, person)
        except NotPublished as error:  # only visits with a version are offered; kept for a race with nothing
            return private(unlogged(plain(str(error), 404)))
        except BookletUnavailable as error:
            return private(unlogged(plain(str(error), 503)))
    response = HttpResponse(rendered.pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{booklet_filename(visit, person.name)}"'
    return private(response)
