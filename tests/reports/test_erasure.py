"""The report's figures survive the erasure of personal data: erasing a participant and an expert leaves every
figure, on the page and in the workbook, as it was."""

import io

import openpyxl
import pytest
from django.urls import reverse

from privacy.models import Erasure
from privacy.services import person_erase
from reports.figures import Period, report_figures
from tests.factories import UserFactory
from tests.reports.world import build
from visits.models import Person, Visit
from visits.roles import agency_admins_group

pytestmark = pytest.mark.django_db


def figures_shown(page: bytes) -> bytes:
    """The page from its heading on: what comes before (a nonce, a form's token) differs on every request."""
    return page[page.index(b"<h1>") : page.index(b"</main>")]


def sheets(workbook: bytes) -> list[list[tuple[object, ...]]]:
    book = openpyxl.load_workbook(io.BytesIO(workbook))
    return [list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets]


def test_the_report_before_erasure_is_the_report_after_erasing_a_participant_and_an_expert(client):
    world = build(2025)
    admin = UserFactory(username="agency", is_staff=True)
    admin.groups.add(agency_admins_group())
    client.force_login(admin)
    period = {"from": "2025-01-01", "to": "2025-12-31"}
    before = report_figures(Visit.objects.all(), Period.year(2025))
    page_before = figures_shown(client.get(reverse("reports:report"), period).content)
    workbook_before = client.get(reverse("reports:export"), period).content
    assert world.expert.name.encode() not in page_before  # no figure names a person

    for person in (world.participant, world.expert):
        person_erase(person=person, actor=admin)
    assert Erasure.objects.count() == 2
    erased = Person.objects.get(pk=world.expert.pk)
    assert (
        erased.name != "Expert Lindqvist" and erased.email != world.expert.email
    )  # the erasure did its work

    assert report_figures(Visit.objects.all(), Period.year(2025)) == before
    assert figures_shown(client.get(reverse("reports:report"), period).content) == page_before
    assert sheets(client.get(reverse("reports:export"), period).content) == sheets(workbook_before)
