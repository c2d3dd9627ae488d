"""The report's page and its XLSX export: the period from the query string, errors that name the field, the
same figures in the workbook, only the reader's visits, and a number of queries that does not grow."""

import datetime as dt
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reports.figures import Period, report_figures
from tests.factories import UserFactory
from tests.reports.world import build
from visits.models import Visit
from visits.roles import agency_admins_group

pytestmark = pytest.mark.django_db

YEAR = {"from": "2025-01-01", "to": "2025-12-31"}


@pytest.fixture
def agency(client):
    user = UserFactory(username="agency", is_staff=True)
    user.groups.add(agency_admins_group())
    client.force_login(user)
    return client


def test_the_page_shows_each_section_with_a_chart_and_a_table_beside_it(agency):
    build(2025)
    response = agency.get(reverse("reports:report"), YEAR)
    assert response.status_code == 200
    html = response.content.decode()
    report = response.context["report"]
    drawn = [section for section in report.sections if section.rows]
    assert [section.key for section in report.sections if not section.rows] == ["evaluations"]  # no survey
    for section in drawn:
        assert f'id="table-{section.key}"' in html
        assert f'data-table="table-{section.key}"' in html  # its chart names the table it repeats
    assert html.count("<svg") == len(drawn)
    assert 'id="table-evaluations"' not in html and "Nothing to count in this period." in html
    assert "Valsts" not in html  # organisations of the delegation are counted by kind only
    assert "Stockholms universitet (SE)" in html and "3.5" in html
    assert "planned, published, under way, completed" in html  # which statuses count
    assert "members of the visiting delegation" in html  # who is a participant
    assert "is the kind of the visiting delegation" in html  # what a sector is
    assert response.context["export_url"] == reverse("reports:export") + "?from=2025-01-01&to=2025-12-31"


def test_the_page_defaults_to_the_current_year(agency):
    response = agency.get(reverse("reports:report"))
    assert response.status_code == 200
    assert response.context["report"].period == Period.year(timezone.localdate().year)
    only_to = agency.get(reverse("reports:report"), {"to": f"{timezone.localdate().year}-06-30"})
    assert only_to.context["report"].period.first == dt.date(timezone.localdate().year, 1, 1)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "2025-13-01"}, "from"),
        ({"from": "yesterday"}, "from"),
        ({"to": "31/12/2025"}, "to"),
        ({"from": "2025-06-01", "to": "2025-05-31"}, "to"),
        ({"from": "9" * 300}, "from"),
    ],
)
def test_a_bad_date_is_a_form_error_naming_the_field(agency, query, field):
    response = agency.get(reverse("reports:report"), query)
    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    assert f"({field}):" in response.content.decode()
    assert "report" not in response.context
    export = agency.get(reverse("reports:export"), query)
    assert export.status_code == 400
    assert f"({field}):" in export.content.decode()


def test_the_workbook_has_the_figures_of_the_page_one_sheet_per_section(agency):
    build(2025)
    response = agency.get(reverse("reports:export"), YEAR)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="report-2025-01-01-2025-12-31.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    report = report_figures(Visit.objects.all(), Period.year(2025))
    assert len(book.sheetnames) == len(report.all_sections)
    for sheet, section in zip(book.worksheets, report.all_sections, strict=True):
        assert sheet.title == section.sheet
        cells = [trimmed(row) for row in sheet.iter_rows(values_only=True)]
        heading = cells.index((section.label_heading, *(column.heading for column in section.columns)))
        assert cells[heading + 1 :] == [(row.label, *row.values) for row in section.rows]
    assert book["Summary"]["B2"].value == "2025-01-01"
    assert book["Experts"]["D5"].value == 3.5  # hours are numbers


def trimmed(row: tuple) -> tuple:
    """A sheet's row without the empty cells openpyxl pads it with up to the widest row."""
    cells = list(row)
    while cells and cells[-1] is None:
        cells.pop()
    return tuple(cells)


def test_a_coordinator_counts_only_the_visits_they_coordinate(client):
    world = build(2025)
    coordinator = UserFactory(username="cora", is_staff=True)
    world.seminar.coordinators.add(coordinator)
    client.force_login(coordinator)
    summary = {
        row.label: row.values
        for row in client.get(reverse("reports:report"), YEAR).context["report"].summary.rows
    }
    assert summary["Study visits"] == (0,) and summary["Seminars abroad"] == (1,)
    nobody = UserFactory(username="nobody")
    client.force_login(nobody)
    response = client.get(reverse("reports:report"), YEAR)
    assert response.status_code == 200
    assert all(section.rows == () for section in response.context["report"].sections)


def test_the_page_in_swedish_writes_hours_with_a_decimal_comma(agency):
    build(2025)
    agency.cookies["django_language"] = "sv"
    response = agency.get(reverse("reports:report"), YEAR, HTTP_ACCEPT_LANGUAGE="sv")
    html = response.content.decode()
    assert "Rapport till regeringen" in html
    assert "3,5" in html


def queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("reports:report"), YEAR)
    assert response.status_code == 200
    return len(captured)


def test_the_page_costs_the_same_queries_for_one_visit_and_for_many(agency):
    build(2025)
    few = queries(agency)
    for _ in range(3):
        build_more()
    assert queries(agency) == few == 14


def build_more() -> None:
    """Another world's worth of visits in the same year (new names for what must be unique)."""
    from tests.factories import (
        DelegationFactory,
        DelegationMemberFactory,
        SessionExpertFactory,
        SessionFactory,
        VisitFactory,
    )

    visit = VisitFactory(
        delegation=DelegationFactory(countries=["EE"]),
        status=Visit.Status.COMPLETED,
        starts_on=dt.date(2025, 5, 5),
        ends_on=dt.date(2025, 5, 6),
    )
    for _ in range(3):
        DelegationMemberFactory(delegation=visit.delegation)
    session = SessionFactory(
        visit=visit,
        starts_at=dt.datetime(2025, 5, 5, 9, tzinfo=dt.UTC),
        ends_at=dt.datetime(2025, 5, 5, 11, tzinfo=dt.UTC),
    )
    SessionExpertFactory(session=session, response="confirmed")


def test_the_planner_dashboard_links_to_the_report(agency):
    assert f'href="{reverse("reports:report")}"' in agency.get(reverse("planner:dashboard")).content.decode()
