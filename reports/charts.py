"""Horizontal bar charts drawn as SVG on the server: no script, no charting library. A chart repeats what the
table beside it says (the table is what a screen reader reads), so it is an image with a title naming that
table, and its own text is hidden from assistive technology.

The columns a section marks `charted` are drawn stacked, in order, each in its colour, with a legend when
there is more than one.
"""

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from reports.figures import Section

WIDTH = 640
LABEL_WIDTH = 220
VALUE_WIDTH = 60
BAR_HEIGHT = 18
ROW_HEIGHT = 26
LEGEND_HEIGHT = 26
# Blue and orange: told apart by readers with the common colour-vision deficiencies, and dark enough against
# white (contrast above 3:1 for graphics).
COLOURS = ("#0b5cad", "#c2570c", "#3b7d23", "#7b3fa0")
MAX_LABEL = 32


def shorten(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def number_text(value: float) -> str:
    return number_format(value, decimal_pos=1 if isinstance(value, float) else 0, force_grouping=True)


def bar_chart(section: Section, table_id: str) -> SafeString:
    """The section's charted columns as stacked horizontal bars, one bar per row; "" when nothing is charted
    or every value is 0."""
    charted = [index for index, column in enumerate(section.columns) if column.charted]
    totals = [sum(row.values[index] for index in charted) for row in section.rows]
    if not charted or not any(totals):
        return mark_safe("")
    largest = max(totals)
    legend = len(charted) > 1
    top = LEGEND_HEIGHT if legend else 0
    height = top + ROW_HEIGHT * len(section.rows) + 4
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    title = gettext("Chart of “%(title)s”: the same figures are in the table beside it.") % {
        "title": section.title
    }
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-labelledby="{table_id}-chart-title" '
        f'data-table="{table_id}">',
        f'<title id="{table_id}-chart-title">{escape(title)}</title>',
        '<g aria-hidden="true">',
    ]
    if legend:
        x = float(LABEL_WIDTH)
        for colour, index in zip(COLOURS, charted, strict=False):
            heading = escape(section.columns[index].heading)
            parts.append(f'<rect x="{x:.1f}" y="4" width="12" height="12" fill="{colour}"/>')
            parts.append(f'<text x="{x + 16:.1f}" y="15" font-size="12">{heading}</text>')
            x += 24 + 8 * len(section.columns[index].heading)
    for number, (row, total) in enumerate(zip(section.rows, totals, strict=True)):
        y = top + number * ROW_HEIGHT
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 14}" font-size="12" text-anchor="end">'
            f"<title>{escape(row.label)}</title>{escape(shorten(row.label))}</text>"
        )
        x = float(LABEL_WIDTH)
        for colour, index in zip(COLOURS, charted, strict=False):
            value = row.values[index]
            if value:
                width = span * value / largest
                bar = f'x="{x:.1f}" y="{y + 2}" width="{width:.1f}" height="{BAR_HEIGHT}"'
                parts.append(f'<rect {bar} fill="{colour}"/>')
                x += width
        parts.append(f'<text x="{x + 6:.1f}" y="{y + 15}" font-size="12">{escape(number_text(total))}</text>')
    parts.append("</g></svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text in it is escaped above)
