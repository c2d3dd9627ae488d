"""Importing members from CSV or XLSX: a preview that says what each row would do, and a confirm that imports
only the valid rows."""

import csv
import io
import re
import zipfile

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from directory.member_import import ImportOutcome, members_import
from directory.tabular import MAX_FILE_BYTES, MAX_ROWS, TableError, TableRow, read_table
from participation.selectors import member_notes
from tests.factories import DelegationMemberFactory, OrganisationFactory, PersonFactory
from visits.models import DelegationMember, Organisation, Person

pytestmark = pytest.mark.django_db

HEADER = ["name", "email", "organisation", "role", "languages", "dietary needs"]
ROWS = [
    ["Ilze Kalnina", "ilze@police.example.lv", "State Police", "head", "lv, en", "vegetarian"],
    ["Bad Address", "not-an-address", "", "", "", ""],
    ["", "nameless@police.example.lv", "", "", "", ""],
    ["Ilze Again", "ILZE@police.example.lv", "", "", "", ""],
    ["Janis Berzins", "janis@police.example.lv", "", "member", "lv", ""],
]


def csv_file(rows, header=HEADER, *, delimiter=",", bom=False, name="members.csv"):
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows([header, *rows])
    text = ("\ufeff" if bom else "") + out.getvalue()
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def xlsx_file(rows, header=HEADER):
    workbook = Workbook()
    sheet = workbook.active
    for row in [header, *rows]:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile("members.xlsx", out.getvalue())


def preview(scope, upload):
    return scope.client.post(
        reverse("directory:members_import", args=[scope.delegation.pk]), {"file": upload}
    )


def results(response) -> dict[int, tuple[str, str]]:
    return {
        row.line: (row.action, "; ".join(f"{e.field}: {e.message}" for e in row.errors))
        for row in response.context["planned"]
    }


@pytest.fixture
def known(scope):
    """Janis is already in the directory; State Police is an organisation in Latvia."""
    OrganisationFactory(name="State Police", country="LV")
    return PersonFactory(name="J. Berzins", email="Janis@police.example.lv")


@pytest.mark.parametrize("make_file", [csv_file, xlsx_file], ids=["csv", "xlsx"])
def test_the_preview_says_what_each_row_would_do(scope, known, make_file):
    response = preview(scope, make_file(ROWS))
    assert response.status_code == 200
    found = results(response)
    assert found[2] == ("add", "")
    assert found[3][0] == "error" and found[3][1].startswith("e-mail: “not-an-address” is not an e-mail")
    assert found[4] == ("error", "name: a name is required")
    assert found[5][0] == "error" and "row 2" in found[5][1]
    assert found[6] == ("update", "")
    page = response.content.decode()
    assert "will add" in page and "will update (matched by e-mail)" in page and "error: e-mail:" in page
    assert Person.objects.count() == 1 and not DelegationMember.objects.exists()


def test_confirming_imports_only_the_valid_rows_in_one_go(scope, known):
    response = preview(scope, csv_file(ROWS))
    confirm = reverse("directory:members_import_confirm", args=[scope.delegation.pk])
    response = scope.client.post(confirm, {"token": response.context["token"]})
    assert response.status_code == 302
    members = {m.person.email: m for m in scope.delegation.members.select_related("person__organisation")}
    assert set(members) == {"ilze@police.example.lv", "Janis@police.example.lv"}
    ilze = members["ilze@police.example.lv"]
    assert (
        ilze.role == "head"
        and ilze.languages == ["lv", "en"]
        and member_notes(ilze).dietary_needs == "vegetarian"
    )
    assert ilze.person.organisation.name == "State Police"
    known.refresh_from_db()
    assert known.name == "Janis Berzins"
    assert Person.objects.count() == 2
    said = str(next(iter(get_messages(response.wsgi_request))))
    assert "1 added, 1 updated, 3 rows with errors skipped" in said
    # The preview is used up: confirming again imports nothing.
    again = scope.client.post(confirm, {"token": "anything"})
    assert again.status_code == 302 and again.url.endswith("/members/import/")


def test_a_confirm_with_another_token_imports_nothing(scope):
    preview(scope, csv_file(ROWS[:1]))
    confirm = reverse("directory:members_import_confirm", args=[scope.delegation.pk])
    scope.client.post(confirm, {"token": "forged"})
    assert not DelegationMember.objects.exists()


def test_swedish_headers_with_semicolons_and_a_bom(scope):
    header = [
        "Namn",
        "E-post",
        "Telefon",
        "Organisation",
        "Roll",
        "Språk",
        "Kostbehov",
        "Tillgänglighetsbehov",
    ]
    rows = [
        ["Åsa Öberg", "asa@polisen.example.se", "0701234567", "", "Delegationsledare", "sv", "", "rullstol"]
    ]
    response = preview(scope, csv_file(rows, header, delimiter=";", bom=True))
    assert results(response) == {2: ("add", "")}
    confirm = reverse("directory:members_import_confirm", args=[scope.delegation.pk])
    scope.client.post(confirm, {"token": response.context["token"]})
    member = scope.delegation.members.select_related("person").get()
    assert member.person.name == "Åsa Öberg" and member.person.phone == "0701234567"
    assert member.role == "head" and member_notes(member).accessibility_needs == "rullstol"


def test_an_unknown_organisation_is_added_in_the_delegations_country(scope):
    rows = [["Ilze Kalnina", "ilze@police.example.lv", "Riga City Council", "", "", ""]]
    response = preview(scope, csv_file(rows))
    assert "adds the organisation" in response.content.decode()
    scope.client.post(
        reverse("directory:members_import_confirm", args=[scope.delegation.pk]),
        {"token": response.context["token"]},
    )
    organisation = Organisation.objects.get(name="Riga City Council")
    assert organisation.country.code == "LV" and organisation.side == Organisation.Side.VISITING


def test_a_file_over_1_mb_is_refused_with_a_clear_message(scope):
    big = csv_file([["Someone", "someone@example.org", "x" * 1024 * 1024, "", "", ""]])
    response = preview(scope, big)
    assert response.status_code == 200
    assert "larger than 1 MB" in str(response.context["form"].errors["file"])
    assert "directory.member_import" not in scope.client.session


def test_a_file_with_too_many_rows_is_refused(scope):
    rows = [[f"P{n}", f"p{n}@example.org", "", "", "", ""] for n in range(MAX_ROWS + 1)]
    response = preview(scope, csv_file(rows))
    assert f"more than {MAX_ROWS} rows" in str(response.context["form"].errors["file"])


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ("namn;telefon\nÅsa;070\n".encode("latin-1"), "not UTF-8"),
        (b"name,phone\nAsa,070\n", "Missing: email / e-post"),
        (b"", "The submitted file is empty"),
    ],
)
def test_a_file_that_cannot_be_read_says_what_would_be_accepted(scope, content, said):
    response = preview(scope, SimpleUploadedFile("members.csv", content))
    assert said in str(response.context["form"].errors["file"])


def test_a_broken_xlsx_is_refused(scope):
    response = preview(scope, SimpleUploadedFile("members.xlsx", b"PK\x03\x04 not really a workbook"))
    assert "could not be read as XLSX" in str(response.context["form"].errors["file"])


def xlsx_unpacking_to(megabytes):
    """A workbook as Excel writes it, its cells' text in a shared-strings table, padded with unused strings to
    unpack to `megabytes` MB. The padding compresses to almost nothing."""
    source = zipfile.ZipFile(xlsx_file(ROWS[:1]))  # openpyxl writes the text into the cells instead
    strings = []

    def shared(match):
        strings.append(match[1])
        return b't="s"><v>%d</v>' % (len(strings) - 1)

    sheet = re.sub(rb't="inlineStr"><is><t>(.*?)</t></is>', shared, source.read("xl/worksheets/sheet1.xml"))
    types = source.read("[Content_Types].xml").replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    padding = b"<si><t>x</t></si>" * (megabytes * 1024 * 1024 // 16)
    table = b"".join(b"<si><t>%s</t></si>" % text for text in strings) + padding
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            replaced = {"xl/worksheets/sheet1.xml": sheet, "[Content_Types].xml": types}
            archive.writestr(item.filename, replaced.get(item.filename) or source.read(item))
        archive.writestr(
            "xl/sharedStrings.xml",
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + table + b"</sst>",
        )
    return out.getvalue()


def test_an_xlsx_that_would_unpack_to_far_more_than_a_members_list_is_refused(scope):
    bomb = xlsx_unpacking_to(30)
    assert len(bomb) < MAX_FILE_BYTES / 10
    response = preview(scope, SimpleUploadedFile("members.xlsx", bomb))
    said = str(response.context["form"].errors["file"])
    assert "unpacks to more than 20 MB" in said and "Accepted: an .xlsx that unpacks to at most 20 MB" in said
    assert "directory.member_import" not in scope.client.session


def test_an_xlsx_of_many_parts_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for n in range(201):
            archive.writestr(f"xl/part{n}.xml", b"")
    with pytest.raises(TableError, match="200 parts"):
        read_table(out.getvalue(), "members.xlsx")


def test_an_xlsx_with_a_shared_strings_table_still_reads():
    table = read_table(xlsx_unpacking_to(0), "members.xlsx")
    assert [(row.values["name"], row.values["email"]) for row in table.rows] == [
        ("Ilze Kalnina", "ilze@police.example.lv")
    ]


@pytest.mark.parametrize(("language", "first"), [("en", "name,email,phone"), ("sv", "namn,e-post,telefon")])
def test_the_template_has_the_headers_in_the_pages_language(scope, language, first):
    response = scope.client.get(reverse("directory:members_import_template"), HTTP_ACCEPT_LANGUAGE=language)
    assert response["Content-Disposition"] == 'attachment; filename="members.csv"'
    assert response.content.decode("utf-8-sig").startswith(first)


def test_the_template_can_be_imported_as_it_is_once_filled_in(scope):
    template = scope.client.get(reverse("directory:members_import_template")).content.decode("utf-8-sig")
    filled = template + "Ilze Kalnina,ilze@police.example.lv,,,,,,,,\n"
    response = preview(scope, SimpleUploadedFile("members.csv", filled.encode()))
    assert results(response) == {2: ("add", "")}


def test_an_existing_membership_is_updated_and_blank_cells_keep_what_is_stored(scope):
    person = PersonFactory(email="ilze@police.example.lv", phone="+371 1")
    DelegationMemberFactory(delegation=scope.delegation, person=person, role="head", dietary_needs="vegan")
    rows = [["Ilze Kalnina", "ilze@police.example.lv", "", "", "", ""]]
    response = preview(scope, csv_file(rows))
    scope.client.post(
        reverse("directory:members_import_confirm", args=[scope.delegation.pk]),
        {"token": response.context["token"]},
    )
    member = scope.delegation.members.select_related("person").get()
    assert (
        member.role == "head"
        and member_notes(member).dietary_needs == "vegan"
        and member.person.phone == "+371 1"
    )
    assert member.person.name == "Ilze Kalnina"


def test_an_import_takes_the_same_queries_for_5_rows_as_for_50(scope):
    def queries_for(count):
        rows = []
        for n in range(count):
            email = f"p{n}.{count}@police.example.lv"
            if n % 2:  # every other person is in the directory, and every fourth already a member
                person = PersonFactory(email=email)
                if n % 4 == 1:
                    DelegationMemberFactory(delegation=scope.delegation, person=person, role="head")
            values = {"name": f"Person {n}", "email": email, "organisation": f"Ministry {count}.{n % 3}"}
            if n % 3:
                values |= {"role": "member", "languages": "lv, en", "phone": "+371 2"}
            rows.append(TableRow(line=n + 2, values=values))
        with CaptureQueriesContext(connection) as captured:
            outcome = members_import(delegation=scope.delegation, rows=rows)
        assert outcome == ImportOutcome(added=count - count // 2, updated=count // 2, skipped=0)
        return len(captured)

    assert queries_for(5) == queries_for(50)
    assert scope.delegation.members.count() == 55
    assert Organisation.objects.filter(name__startswith="Ministry").count() == 6


def test_a_person_added_by_someone_else_during_the_import_undoes_it_and_says_so(scope, monkeypatch):
    """Between the plan (made in the import's transaction) and its writes, another coordinator adds one of the
    people: the database refuses the second address, nothing of the file is kept, and the page says why."""
    import directory.member_import as member_import

    planned = member_import.plan_import

    def plan_then_someone_adds_ilze(**kwargs):
        rows = planned(**kwargs)
        PersonFactory(name="Ilze (added meanwhile)", email="ILZE@police.example.lv")
        return rows

    response = preview(scope, csv_file(ROWS))
    monkeypatch.setattr(member_import, "plan_import", plan_then_someone_adds_ilze)
    confirm = reverse("directory:members_import_confirm", args=[scope.delegation.pk])
    response = scope.client.post(confirm, {"token": response.context["token"]})
    assert response.status_code == 302 and response.url.endswith("/members/import/")
    assert "nothing was imported" in str(next(iter(get_messages(response.wsgi_request))))
    assert not scope.delegation.members.exists()
    assert not Person.objects.filter(email="Janis@police.example.lv").exists()


def damaged(part: str, content: bytes) -> bytes:
    """A real workbook with one part replaced: what a truncated download or a careless tool leaves."""
    source = zipfile.ZipFile(xlsx_file(ROWS[:1]))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            archive.writestr(item.filename, content if item.filename == part else source.read(item))
    return out.getvalue()


@pytest.mark.parametrize(
    "workbook",
    [
        damaged("xl/worksheets/sheet1.xml", b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsh'),
        damaged(
            "xl/worksheets/sheet1.xml",
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            b'<row r="1"><c r="A1" t="s"><v>99</v></c></row></sheetData></worksheet>',
        ),
    ],
    ids=["truncated sheet", "shared string out of range"],
)
def test_a_workbook_damaged_inside_is_refused_not_a_server_error(workbook):
    with pytest.raises(TableError, match="could not be read as XLSX"):
        read_table(workbook, "members.xlsx")
