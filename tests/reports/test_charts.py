"""The SVG bar charts: one bar per row, stacked by the charted columns, every text escaped, an image whose
title names the table beside it."""

import re

from reports.charts import bar_chart
from reports.figures import Column, Row, Section

KINDS = (Column("Study visits"), Column("Seminars abroad"), Column("Total", charted=False))


def section(rows, columns=KINDS):
    return Section(
        key="k",
        title="Visits by <country>",
        sheet="K",
        explanation="",
        label_heading="Country",
        columns=tuple(columns),
        rows=tuple(rows),
    )


def test_each_row_is_a_bar_stacked_by_the_charted_columns_scaled_to_the_largest():
    svg = str(bar_chart(section([Row("Nepal", (3, 1, 4)), Row("Latvia", (2, 0, 2))]), "table-k"))
    assert svg.startswith("<svg") and 'role="img"' in svg and 'aria-labelledby="table-k-chart-title"' in svg
    widths = [float(w) for w in re.findall(r'<rect x="[\d.]+" y="\d+" width="([\d.]+)" height="18"', svg)]
    assert len(widths) == 3  # Nepal's two parts, Latvia's one (a zero draws nothing)
    assert widths[0] + widths[1] == 360  # the largest total spans the whole width
    assert widths[2] == 180 and widths[0] == 270
    assert ">4<" in svg and ">2<" in svg  # the totals, as text after the bars
    assert 'fill="#0b5cad"' in svg and 'fill="#c2570c"' in svg  # and a legend for two series
    assert "Seminars abroad" in svg


def test_every_text_is_escaped_and_long_labels_are_shortened_with_the_whole_in_a_title():
    long = "Organisation <with> a name much longer than a chart's label " * 2
    svg = str(bar_chart(section([Row(long, (1, 0, 1))]), "table-k"))
    assert "<with>" not in svg and "&lt;with&gt;" in svg
    assert "Visits by &lt;country&gt;" in svg
    assert "…" in svg


def test_nothing_to_draw_is_no_chart():
    assert bar_chart(section([Row("Nepal", (0, 0, 0))]), "t") == ""
    assert bar_chart(section([]), "t") == ""
