"""Delegations through the API: whoever registers one coordinates it, so it is theirs before it has visits;
its members are imported from a file as in the directory; one with visits stays."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.api.conftest import client_for
from tests.factories import DelegationFactory, DelegationMemberFactory, PersonFactory, UserFactory
from visits.models import Delegation, DelegationMember, Person, Visit

pytestmark = pytest.mark.django_db


def register(api, **fields):
    response = api.post("/api/v1/delegations/", {"name": "Moldovan prosecutors", **fields}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_a_registered_delegation_is_its_registrars_before_it_has_visits(api, other):
    created = register(api, countries=["MD"], languages=["ro", "ru"])
    assert created["coordinators"] == ["anna"]
    assert [d["id"] for d in api.get("/api/v1/delegations/").json()["results"]] == [created["id"]]
    assert api.get(f"/api/v1/delegations/{created['id']}/").status_code == 200
    person = PersonFactory()
    member = api.post(
        "/api/v1/delegation-members/",
        {"delegation": created["id"], "person": person.pk, "role": "head"},
        format="json",
    )
    assert member.status_code == 201, member.content
    # Bertil neither registered it nor coordinates a visit of it.
    assert other.get(f"/api/v1/delegations/{created['id']}/").status_code == 404
    assert other.get("/api/v1/delegation-members/").json()["count"] == 0


def test_the_coordinators_of_its_visits_see_a_delegation_they_did_not_register(api, bertil, other):
    created = register(api)
    visit = api.post(
        "/api/v1/visits/",
        {
            "title": "Chișinău study visit",
            "delegation": created["id"],
            "starts_on": "2027-05-03",
            "ends_on": "2027-05-06",
            "city": "Stockholm",
            "programme_languages": ["en"],
        },
        format="json",
    ).json()
    Visit.objects.get(pk=visit["id"]).coordinators.add(bertil)
    assert other.get(f"/api/v1/delegations/{created['id']}/").status_code == 200


def test_registering_and_deleting_delegations_needs_the_permissions(db):
    clerk = client_for(UserFactory(username="clerk", is_staff=True))
    response = clerk.post("/api/v1/delegations/", {"name": "Any"}, format="json")
    assert response.status_code == 403
    assert "add delegations" in response.json()["detail"]
    delegation = DelegationFactory()
    delegation.coordinators.add(UserFactory._meta.model.objects.get(username="clerk"))
    assert clerk.delete(f"/api/v1/delegations/{delegation.pk}/").status_code == 403
    assert Delegation.objects.filter(pk=delegation.pk).exists()


def test_a_delegation_without_visits_is_deleted_with_its_memberships_not_its_people(api):
    created = register(api)
    member = DelegationMemberFactory(delegation_id=created["id"])
    response = api.delete(f"/api/v1/delegations/{created['id']}/")
    assert response.status_code == 204
    assert not DelegationMember.objects.filter(pk=member.pk).exists()
    assert Person.objects.filter(pk=member.person_id).exists()


def test_a_delegation_with_a_visit_is_not_deleted_and_the_visit_is_named(api, programme):
    response = api.delete(f"/api/v1/delegations/{programme.visit.delegation_id}/")
    assert response.status_code == 409
    assert "Riga police visit" in response.json()["detail"]
    assert Delegation.objects.filter(pk=programme.visit.delegation_id).exists()


@pytest.mark.parametrize("name", ["Moldovan prosecutors", "MOLDOVAN Prosecutors"])
def test_a_name_already_taken_in_any_case_is_a_400_on_name(api, name):
    register(api)
    response = api.post("/api/v1/delegations/", {"name": name}, format="json")
    assert response.status_code == 400
    assert "already registered" in response.json()["errors"]["name"][0]
    assert Delegation.objects.count() == 1


# Importing members


def csv_file(text: str, name: str = "members.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8-sig"), content_type="text/csv")


MEMBERS = (
    "Namn;E-post;Roll;Språk;Kostbehov\n"
    "Ion Rusu;ion.rusu@example.md;delegationsledare;ro, ru;vegetarian\n"
    "Maria Ceban;maria.ceban@example.md;medlem;ro;\n"
    "No Address;;medlem;ro;\n"
)


def test_a_dry_run_says_what_each_row_would_do_and_saves_nothing(api):
    created = register(api, countries=["MD"])
    response = api.post(
        f"/api/v1/delegations/{created['id']}/import/",
        {"file": csv_file(MEMBERS), "dry_run": "true"},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["imported"], body["added"], body["updated"], body["skipped"]) == (False, 2, 0, 1)
    assert [row["action"] for row in body["rows"]] == ["add", "add", "error"]
    assert body["rows"][2]["line"] == 4
    assert body["rows"][2]["errors"][0]["field"] == "e-mail"
    assert not DelegationMember.objects.filter(delegation_id=created["id"]).exists()


def test_an_import_adds_and_updates_by_e_mail_and_skips_rows_in_error(api):
    created = register(api, countries=["MD"])
    known = PersonFactory(name="M. Ceban", email="Maria.Ceban@example.md")
    response = api.post(
        f"/api/v1/delegations/{created['id']}/import/", {"file": csv_file(MEMBERS)}, format="multipart"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["imported"], body["added"], body["updated"], body["skipped"]) == (True, 1, 1, 1)
    members = DelegationMember.objects.filter(delegation_id=created["id"]).select_related("person")
    by_email = {m.person.email.lower(): m for m in members}
    assert set(by_email) == {"ion.rusu@example.md", "maria.ceban@example.md"}
    assert by_email["ion.rusu@example.md"].role == "head"
    assert by_email["ion.rusu@example.md"].languages == ["ro", "ru"]
    assert by_email["maria.ceban@example.md"].person_id == known.pk


def test_an_xlsx_file_is_read_too(api):
    created = register(api)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Name", "Email", "Role"])
    sheet.append(["Ana Lupu", "ana.lupu@example.md", "member"])
    out = io.BytesIO()
    book.save(out)
    upload = SimpleUploadedFile("members.xlsx", out.getvalue())
    response = api.post(f"/api/v1/delegations/{created['id']}/import/", {"file": upload}, format="multipart")
    assert response.status_code == 200, response.content
    assert response.json()["added"] == 1


@pytest.mark.parametrize(
    ("upload", "expected"),
    [
        (csv_file("Name;Phone\nAna;123\n"), "mail"),
        (SimpleUploadedFile("members.csv", "Name,Email\nÅsa,a@b.se\n".encode("latin-1")), "UTF-8"),
        (SimpleUploadedFile("members.xlsx", b"not a workbook"), "XLSX"),
        (csv_file("Name,Email\n" + "x" * (1024 * 1024) + "\n"), "1 MB"),
    ],
    ids=["no e-mail column", "not UTF-8", "not XLSX", "too large"],
)
def test_a_file_that_cannot_be_read_is_a_400_on_file_saying_what_is_accepted(api, upload, expected):
    created = register(api)
    response = api.post(f"/api/v1/delegations/{created['id']}/import/", {"file": upload}, format="multipart")
    assert response.status_code == 400, response.content
    assert expected in " ".join(response.json()["errors"]["file"])


def test_an_import_without_a_file_names_the_field(api):
    created = register(api)
    response = api.post(f"/api/v1/delegations/{created['id']}/import/", {}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()["errors"]


def test_another_coordinators_delegation_cannot_be_imported_into(api, other):
    created = register(api)
    response = other.post(
        f"/api/v1/delegations/{created['id']}/import/", {"file": csv_file(MEMBERS)}, format="multipart"
    )
    assert response.status_code == 404
    assert not DelegationMember.objects.filter(delegation_id=created["id"]).exists()


def test_a_visit_is_for_a_delegation_one_coordinates(api, other):
    created = register(api)
    response = other.post(
        "/api/v1/visits/",
        {
            "title": "Borrowed delegation",
            "delegation": created["id"],
            "starts_on": "2027-05-03",
            "ends_on": "2027-05-06",
            "city": "Stockholm",
            "programme_languages": ["en"],
        },
        format="json",
    )
    assert response.status_code == 400
    assert "delegation" in response.json()["errors"]
    assert not Visit.objects.filter(title="Borrowed delegation").exists()


def test_the_refusal_names_only_the_visits_one_coordinates(api, other, bertil):
    created = register(api)
    Visit.objects.filter(title="Bertil's visit").update(delegation_id=created["id"])
    response = api.delete(f"/api/v1/delegations/{created['id']}/")
    assert response.status_code == 409
    detail = response.json()["detail"]
    assert "another coordinator" in detail and "Bertil's visit" not in detail
