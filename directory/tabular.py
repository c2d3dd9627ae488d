"""Reading a members file: CSV or XLSX in, rows of plain strings keyed by column out.

Pure: no ORM. The limits keep what is read, and later kept in the session between preview and confirm, small.
"""

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError

from django.utils.translation import gettext as _

MAX_FILE_BYTES = 1024 * 1024
MAX_ROWS = 2000
MAX_CELL_CHARS = 300  # longer than any field accepts, so an over-long value is still reported, not cut
MAX_TOTAL_CHARS = 1_000_000
MAX_COLUMNS = 64
# An XLSX file is a zip archive. openpyxl reads the whole shared-strings table into memory even in read-only
# mode, and a zip of 1 MB can unpack to gigabytes, so what the archive unpacks to is checked first. A sheet of
# MAX_ROWS rows within MAX_TOTAL_CHARS unpacks to well under the limit; a workbook has some ten parts.
MAX_XLSX_UNPACKED_BYTES = 20 * 1024 * 1024
MAX_XLSX_MEMBERS = 200

# Column → its accepted header names: English first, then Swedish, then other spellings. Headers are compared
# case-insensitively with everything but letters and digits removed, so "E-mail" and "e_mail" are "email".
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("name", "namn", "full name", "fullständigt namn"),
    "email": ("email", "e-post", "e-mail", "mail", "epostadress"),
    "phone": ("phone", "telefon", "telephone", "mobile", "mobil", "telefonnummer"),
    "organisation": ("organisation", "organisation", "organization"),
    "title": ("title", "titel", "befattning"),
    "role": ("role", "roll"),
    "languages": ("languages", "språk"),
    "preferred_language": ("preferred language", "föredraget språk", "önskat språk"),
    "dietary_needs": ("dietary needs", "kostbehov", "diet", "specialkost", "kost"),
    "accessibility_needs": ("accessibility needs", "tillgänglighetsbehov", "accessibility", "tillgänglighet"),
}
REQUIRED_COLUMNS = ("name", "email")


def normalise_header(header: str) -> str:
    return "".join(char for char in header.casefold() if char.isalnum())


HEADER_TO_COLUMN = {normalise_header(name): column for column, names in COLUMNS.items() for name in names}


def template_headers(language: str) -> list[str]:
    """The headers of the downloadable template, in Swedish or English."""
    index = 1 if language.startswith("sv") else 0
    return [names[index] for names in COLUMNS.values()]


class TableError(Exception):
    """The file as a whole cannot be read; the message says what would be accepted."""


@dataclass(frozen=True, slots=True)
class TableRow:
    line: int  # the row's number as a spreadsheet shows it; the header is row 1
    values: dict[str, str]


@dataclass(frozen=True, slots=True)
class Table:
    rows: list[TableRow]
    ignored_headers: list[str]


def read_table(data: bytes, filename: str) -> Table:
    if len(data) > MAX_FILE_BYTES:
        raise TableError(too_large_message())
    if data.startswith(b"PK\x03\x04"):
        raw = _xlsx_rows(data)
    elif filename.lower().endswith((".xlsx", ".xls", ".ods")):
        raise TableError(
            _("The file could not be read as XLSX. Save it as .xlsx or CSV (UTF-8) and try again.")
        )
    else:
        raw = _csv_rows(data)
    return _table(raw)


def too_large_message() -> str:
    return _("The file is larger than 1 MB. Split it into files of at most %(rows)s rows.") % {
        "rows": MAX_ROWS
    }


def _csv_rows(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TableError(
            _("The file is not UTF-8 text. Save it as “CSV UTF-8” (or as .xlsx) and try again.")
        ) from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    rows: list[list[str]] = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            rows.append(row[:MAX_COLUMNS])
            if len(rows) > MAX_ROWS + 1:
                break
    except csv.Error as error:
        raise TableError(
            _("The file could not be read as CSV (row %(line)s: %(error)s).")
            % {"line": len(rows) + 1, "error": error}
        ) from None
    return rows


def _check_xlsx_archive(data: bytes) -> None:
    """Refuse an archive that would unpack to far more than any members list, before openpyxl opens it.

    Reads only the zip's directory, no member is unpacked. zipfile never yields more of a member than the size
    the directory declares for it, so these sizes bound what openpyxl can read, the shared strings included
    (under whatever name the workbook gives them)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return  # not a zip after all: openpyxl refuses it with the usual message
    if len(members) > MAX_XLSX_MEMBERS or sum(m.file_size for m in members) > MAX_XLSX_UNPACKED_BYTES:
        raise TableError(
            _(
                "The file unpacks to more than %(limit)s MB or %(parts)s parts, far more than a list of "
                "%(rows)s members needs. Accepted: an .xlsx that unpacks to at most %(limit)s MB, or a CSV "
                "(UTF-8) file."
            )
            % {"limit": MAX_XLSX_UNPACKED_BYTES // (1024 * 1024), "parts": MAX_XLSX_MEMBERS, "rows": MAX_ROWS}
        )


def _xlsx_rows(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    _check_xlsx_archive(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, ParseError, KeyError, OSError, ValueError, TypeError):
        raise TableError(
            _("The file could not be read as XLSX. Save it as .xlsx or CSV (UTF-8) and try again.")
        ) from None
    try:
        rows: list[list[str]] = []
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
            rows.append([_cell_text(value) for value in values])
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    except (ParseError, IndexError, KeyError, ValueError, TypeError, zipfile.BadZipFile, EOFError, OSError):
        # A damaged sheet is only found while it is read: a truncated part, a string index out of range.
        raise TableError(
            _("The file could not be read as XLSX. Save it as .xlsx or CSV (UTF-8) and try again.")
        ) from None
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        # A phone number typed into a spreadsheet becomes a number; 46701234567.0 is meant as 46701234567.
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _table(raw: list[list[str]]) -> Table:
    while raw and not any(cell.strip() for cell in raw[0]):
        raw = raw[1:]
    if not raw:
        raise TableError(_("The file is empty. The first row must name the columns, e.g. name, email."))
    headers = [normalise_header(cell) for cell in raw[0]]
    columns = [HEADER_TO_COLUMN.get(header) for header in headers]
    missing = [column for column in REQUIRED_COLUMNS if column not in columns]
    if missing:
        raise TableError(
            _("The first row must name the columns. Missing: %(missing)s. Accepted headers: %(accepted)s.")
            % {
                "missing": ", ".join(" / ".join(COLUMNS[column][:2]) for column in missing),
                "accepted": "; ".join(" / ".join(names[:2]) for names in COLUMNS.values()),
            }
        )
    if len(raw) - 1 > MAX_ROWS:
        raise TableError(
            _("The file has more than %(rows)s rows. Split it into smaller files.") % {"rows": MAX_ROWS}
        )
    ignored = [cell.strip() for cell, column in zip(raw[0], columns, strict=False) if column is None and cell]
    rows: list[TableRow] = []
    total = 0
    for offset, cells in enumerate(raw[1:], start=2):
        values = {
            column: cell.strip()[:MAX_CELL_CHARS]
            for column, cell in zip(columns, cells, strict=False)
            if column is not None
        }
        if not any(values.values()):
            continue
        total += sum(len(value) for value in values.values())
        if total > MAX_TOTAL_CHARS:
            raise TableError(too_large_message())
        rows.append(TableRow(line=offset, values=values))
    return Table(rows=rows, ignored_headers=ignored)
