"""The report as an XLSX workbook (openpyxl): the same sections as the page, one sheet each, numbers as
numbers, with the period and what is counted on the first sheet."""

import io
import re

from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.styles import Font

from reports.figures import Report, counting_rules

SHEET_NAME_LENGTH = 31  # Excel's limit
NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")


def sheet_name(name: str, taken: set[str]) -> str:
    base = NOT_IN_SHEET_NAMES.sub(" ", name)[:SHEET_NAME_LENGTH].strip() or "Sheet"
    candidate, number = base, 2
    while candidate.lower() in taken:
        suffix = f" {number}"
        candidate, number = base[: SHEET_NAME_LENGTH - len(suffix)] + suffix, number + 1
    taken.add(candidate.lower())
    return candidate


def report_workbook(report: Report) -> bytes:
    book = Workbook()
    bold = Font(bold=True)
    taken: set[str] = set()
    for number, section in enumerate(report.all_sections):
        sheet = book.active if number == 0 else book.create_sheet()
        assert sheet is not None
        sheet.title = sheet_name(section.sheet, taken)
        sheet.append([section.title])
        sheet["A1"].font = bold
        if number == 0:
            sheet.append([gettext("Period"), report.period.first.isoformat(), report.period.last.isoformat()])
            for rule in counting_rules():
                sheet.append([rule])
        else:
            sheet.append([section.explanation])
        sheet.append([])
        sheet.append([section.label_heading, *(column.heading for column in section.columns)])
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for row in section.rows:
            sheet.append([row.label, *row.values])
        sheet.column_dimensions["A"].width = 48
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
