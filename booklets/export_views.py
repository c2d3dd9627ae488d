"""The coordinators' exports of a visit's published programme: XLSX and CSV, the caterers' and hotels'
workbook, the interpreters' schedules as PDF, and the host sheets as a page. Each finds its visit through
visits.access (a 404 for what the reader may not see)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from booklets.content import NotPublished
from booklets.exports import catering_xlsx, programme_csv, programme_xlsx
from booklets.hostsheets import contact_of, current_host_sheets
from booklets.interpreters import interpreter_schedules
from booklets.pdf import BookletUnavailable, render_pdf
from booklets.views import pdf_response, refused
from planner.views import language
from visits.access import access_visit, signed_in_required
from visits.models import Visit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def file_response(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-cache"
    return response


def _name(visit: Visit, what: str, extension: str) -> str:
    return f"{slugify(visit.title)[:60]}-{what}.{extension}"


@signed_in_required
@require_safe
def programme_xlsx_view(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = access_visit(request.user, visit_id)
    try:
        return file_response(programme_xlsx(visit), XLSX, _name(visit, "programme", "xlsx"))
    except NotPublished as error:
        return refused(request, visit, str(error), 409)


@signed_in_required
@require_safe
def programme_csv_view(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = access_visit(request.user, visit_id)
    try:
        return file_response(
            programme_csv(visit), "text/csv; charset=utf-8", _name(visit, "programme", "csv")
        )
    except NotPublished as error:
        return refused(request, visit, str(error), 409)


@signed_in_required
@require_safe
def catering_xlsx_view(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = access_visit(request.user, visit_id)
    try:
        return file_response(catering_xlsx(visit), XLSX, _name(visit, "catering", "xlsx"))
    except NotPublished as error:
        return refused(request, visit, str(error), 409)


@signed_in_required
@require_safe
def interpreters_pdf(request: HttpRequest, visit_id: int) -> HttpResponse:
    """Every interpreter's schedule, one per page; `?person=<id>` for one interpreter's."""
    visit = access_visit(request.user, visit_id)
    wanted = request.GET.get("person", "")
    if wanted and not wanted.isdigit():
        text = gettext("person: give the number of an interpreter of this visit, such as ?person=12.")
        return refused(request, visit, text, 400)
    try:
        version, schedules = interpreter_schedules(visit, person_id=int(wanted) if wanted else None)
        if wanted and not schedules:
            text = gettext("person: nobody with that number interprets in the published programme.")
            return refused(request, visit, text, 400)
        rendered = render_pdf(
            "booklets/interpreters.html",
            {"visit": visit, "schedules": schedules, "version_text": version, "language": language()},
        )
    except NotPublished as error:
        return refused(request, visit, str(error), 409)
    except BookletUnavailable as error:
        return refused(request, visit, str(error), 503)
    return pdf_response(rendered, _name(visit, "interpreters", "pdf"))


@signed_in_required
@require_safe
def host_sheets(request: HttpRequest, visit_id: int) -> HttpResponse:
    """Every host's sheet of the latest version, as the hosts are sent them, to read or print."""
    visit = access_visit(request.user, visit_id)
    try:
        sheets = current_host_sheets(visit)
    except NotPublished as error:
        return refused(request, visit, str(error), 409)
    with translation.override(language()):
        rows = [{"sheet": sheet, "contact": contact_of(sheet.organisation, visit)} for sheet in sheets]
    return render(request, "booklets/host_sheets.html", {"visit": visit, "page": "booklets", "rows": rows})
