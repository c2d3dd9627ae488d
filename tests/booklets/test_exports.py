"""Host sheets, exports and the interpreters' schedules, read back from the files and messages they make."""

import csv
import datetime as dt
import io
import subprocess

import openpyxl
import pytest
from django.urls import reverse

from booklets.content import published_sessions
from booklets.hostsheets import NOTICE
from booklets.models import BookletSettings
from booklets.services import participant_stay_save
from notifications.compose import compose_message
from notifications.models import MessageKind, OutboxMessage
from scheduling.publishing import programme_publish
from tests.factories import VisitFactory, stockholm
from visits.models import Session, Visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def publish_settings():
    """Host sheets on for every demo visit before it is first published."""
    return lambda: BookletSettings.objects.bulk_create(
        [BookletSettings(visit=v, send_host_sheets=True) for v in Visit.objects.all()]
    )


def sheets_of(visit: Visit) -> list[OutboxMessage]:
    return list(
        OutboxMessage.objects.filter(visit=visit, kind=MessageKind.NOTICE, payload__notice=NOTICE).order_by(
            "pk"
        )
    )


def test_each_host_gets_its_sheet_when_published_and_again_only_when_it_changes(latvia):
    visit = latvia
    first = sheets_of(visit)
    assert first, "no host sheet was written"
    hosted = Session.objects.filter(visit=visit, host_organisation__isnull=False).select_related(
        "host_organisation"
    )
    snapshot = visit.versions.get(number=1).snapshot
    session = next(s for s in hosted if s.host_organisation.email and str(s.pk) in snapshot)
    host = session.host_organisation
    guests = len(snapshot[str(session.pk)]["participants"])
    mine = [m for m in first if m.payload["organisation"] == host.pk]
    assert len(mine) == 1 and mine[0].to_email == host.email
    mail = compose_message(mine[0])
    assert session.title in mail.body
    assert f"Guests: {guests}" in mail.body
    assert "Lactose-free" in mail.body  # a member's diet, from the coordinators' notes
    assert "(Europe/Stockholm)" in mail.body

    session.title = "A new title for the host"
    session.save()
    programme_publish(visit=visit, actor=None)
    again = sheets_of(visit)[len(first) :]
    assert [m.payload["organisation"] for m in again] == [host.pk]
    assert again[0].payload["version"] == 2
    assert "A new title for the host" in compose_message(again[0]).body


def test_the_programme_as_xlsx_and_csv(latvia, client, coordinator):
    visit = latvia
    client.force_login(coordinator)
    live = published_sessions(visit.versions.get(number=1))
    response = client.get(reverse("booklets:xlsx", args=[visit.pk]))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("Day", "Starts", "Ends", "Time zone", "Session")
    assert [r[4] for r in rows[1:]] == [s["title"] for s in live]
    assert {r[3] for r in rows[1:]} == {"Europe/Stockholm"}

    response = client.get(reverse("booklets:csv", args=[visit.pk]))
    assert response["Content-Type"].startswith("text/csv")
    read = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert read[0] == list(rows[0])
    assert [r[4] for r in read[1:]] == [s["title"] for s in live]
    assert any("Laura Krūmiņa" in r[12] for r in read[1:])


def test_the_caterers_workbook_has_needs_per_meal_and_arrivals(latvia, client, coordinator):
    visit = latvia
    member = visit.delegation.members.select_related("person").get(person__name="Māris Ozoliņš").person
    participant_stay_save(
        visit=visit,
        person=member,
        actor=coordinator,
        arrives_at=stockholm(2027, 3, 23, 15, 40),
        departs_at=stockholm(2027, 3, 28, 14, 0),
        hotel="Hotel Mälarstrand",
    )
    client.force_login(coordinator)
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("booklets:catering", args=[visit.pk])).content)
    )
    assert book.sheetnames == ["Needs per session", "Meals", "Participants"]
    meals = list(book["Meals"].iter_rows(values_only=True))
    assert meals[0][:5] == ("Day", "Starts", "Meal", "Venue", "Meals")
    titles = [r[2] for r in meals[1:]]
    assert "Lunch at the Swedish Institute" in titles
    assert all("Lactose-free" in (r[-1] or "") for r in meals[1:] if r[4] == 6)
    people = {r[0]: r for r in book["Participants"].iter_rows(values_only=True)}
    row = people["Māris Ozoliņš"]
    assert row[3] == "2027-03-23 15:40 (Europe/Stockholm)"
    assert row[4] == "2027-03-28 14:00 (Europe/Stockholm)"
    assert row[5] == "Hotel Mälarstrand"
    assert "knee surgery" in row[7]


def test_a_departure_before_the_arrival_is_refused_naming_the_field(demo, coordinator):
    from django.core.exceptions import ValidationError

    visit = demo[0]
    member = visit.delegation.members.first().person
    with pytest.raises(ValidationError) as refused:
        participant_stay_save(
            visit=visit,
            person=member,
            actor=coordinator,
            arrives_at=stockholm(2027, 3, 28),
            departs_at=stockholm(2027, 3, 23),
        )
    assert "departure must be after the arrival" in str(refused.value)


def test_the_interpreters_schedules_as_pdf_and_bad_input(latvia, client, coordinator, tmp_path):
    visit = latvia
    client.force_login(coordinator)
    url = reverse("booklets:interpreters", args=[visit.pk])
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    path = tmp_path / "i.pdf"
    path.write_bytes(response.content)
    text = " ".join(
        subprocess.run(
            ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
        ).stdout.split()
    )
    assert "Laura Krūmiņa" in text and "(Europe/Stockholm)" in text
    assert "Swedish–Latvian" in text.replace("– ", "–")  # the line may break after the dash
    bad = client.get(url, {"person": "abc"})
    assert bad.status_code == 400 and "person: give the number" in bad.content.decode()
    assert client.get(url, {"person": "987654"}).status_code == 400


def test_an_unpublished_visit_has_no_exports_yet(coordinator, client):
    visit = VisitFactory(starts_on=dt.date(2027, 5, 3), ends_on=dt.date(2027, 5, 4))
    visit.coordinators.add(coordinator)
    client.force_login(coordinator)
    for name in ("xlsx", "csv", "catering", "delegation"):
        response = client.get(reverse(f"booklets:{name}", args=[visit.pk]))
        assert response.status_code == 409, name
        assert "has not been published yet" in response.content.decode()
