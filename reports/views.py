"""The report to government in the planner: the page with its charts and tables, and the same figures as
XLSX. Both count only the visits the reader may see (visits.access.visits_for_user): an agency admin every
visit, a coordinator the visits they coordinate."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from reports.charts import bar_chart, number_text
from reports.figures import Section, counting_rules, report_figures
from reports.forms import PeriodForm
from reports.workbook import report_workbook
from visits.access import is_agency_admin, signed_in_required, visits_for_user

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def shown(section: Section) -> dict[str, object]:
    """What the template draws of a section: its chart, and its rows' numbers as the reader's language
    writes them."""
    table_id = f"table-{section.key}"
    return {
        "section": section,
        "table_id": table_id,
        "chart": bar_chart(section, table_id),
        "rows": [(row.label, [number_text(value) for value in row.values]) for row in section.rows],
    }


@require_safe
@signed_in_required
def report_page(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.GET)
    context: dict[str, object] = {
        "form": form,
        "rules": counting_rules(),
        "everything": is_agency_admin(request.user),
    }
    if not form.is_valid():
        context["problems"] = form.errors_by_field()
        return render(request, "reports/report.html", context, status=400)
    report = report_figures(visits_for_user(request.user), form.period)
    query = urlencode({"from": report.period.first.isoformat(), "to": report.period.last.isoformat()})
    context.update(
        {
            "report": report,
            "summary": shown(report.summary),
            "sections": [shown(section) for section in report.sections],
            "export_url": f"{reverse('reports:export')}?{query}",
        }
    )
    return render(request, "reports/report.html", context)


@require_safe
@signed_in_required
def report_export(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return HttpResponse(
            "\n".join(form.errors_by_field()), status=400, content_type="text/plain; charset=utf-8"
        )
    report = report_figures(visits_for_user(request.user), form.period)
    response = HttpResponse(report_workbook(report), content_type=XLSX)
    name = f"report-{report.period.first.isoformat()}-{report.period.last.isoformat()}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
