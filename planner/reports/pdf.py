"""A report as an A4 PDF a governor can put in a board paper.

The title, the period, whom it counts and how they are grouped; how small numbers are
hidden; then each measure with its definition and source (from the template), its table
and its bar chart (:mod:`planner.reports.charts`, an embedded PNG), in the page layout and
fonts of the handover summary (:mod:`planner.export.pdf_layout`). A hidden number reads
"fewer than N" or "withheld", in the table and in the chart alike: it never has a bar.
"""

from __future__ import annotations

import io
from datetime import datetime

from planner.export.pdf_fonts import can_draw, chain_for
from planner.export.pdf_layout import MUTED, Cell, Document, Style, document
from planner.export.pdf_text import UndrawableText, problem_text
from planner.reports.bars import Bar, measure_bars
from planner.reports.calendar import CalendarReport
from planner.reports.charts import bar_chart
from planner.reports.tables import GroupedReport
from planner.reports.text_rows import (
    ALL_LABEL,
    TextTable,
    calendar_tables,
    grouped_tables,
)

TITLE = Style(17, bold=True)
SUBTITLE = Style(10.5, colour=MUTED)
H2 = Style(12, bold=True, colour=(21, 57, 92))
BODY = Style(9.5)
NOTE = Style(8.5, colour=MUTED)
HEAD = Style(8, bold=True)
SMALL = Style(8)
PALE = (244, 246, 248)
GROUP_WIDTH = 44.0
INTERVAL_WIDTH = 26.0


def suppression_text(threshold: int) -> str:
    return (
        f"So that no figure can tell anyone what happened to one person, any count from 1 "
        f'to {threshold - 1} is shown as "fewer than {threshold}", and a 0 in a group of '
        f'fewer than {threshold} people too; further numbers are "withheld" where a hidden '
        f"one could otherwise be worked out from a total. A rate is shown only beside all of "
        f"its counts, with at least {threshold} people whose outcome is known; unknowns are "
        f"counted apart and never in a rate. The 95% confidence interval is Wilson's."
    )


def _document(title: str, subject: str, officer: str, now: datetime, texts: list[str]) -> Document:
    fonts = chain_for("\n".join(texts))
    if fonts.missing:
        raise UndrawableText([problem_text("a group's label", fonts.missing)])
    pdf = document(
        title=title,
        author=officer,
        created=now,
        header_left=f"planner report: {subject}",
        header_right=f"{now:%d %b %Y}",
        footer_left=f"Generated {now:%d %b %Y %H:%M} by {officer or 'an officer'}; no names "
        "or prison numbers",
        fonts=fonts,
    )
    pdf.set_subject(subject)
    return pdf


def _title(pdf: Document, title: str, subtitle: str) -> None:
    pdf.use(TITLE)
    pdf.text_block(title, TITLE)
    pdf.gap(1)
    pdf.text_block(subtitle, SUBTITLE)
    pdf.gap(3)


def _widths(pdf: Document, table: TextTable) -> list[float]:
    numbers = len(table.header) - 2
    rest = (pdf.epw - GROUP_WIDTH - INTERVAL_WIDTH) / max(numbers, 1)
    if table.header[-1] != "95% CI":  # the calendar's tables: the last column is words
        first = 52.0 if table.header[0] in ("Week",) else 30.0
        rest = (pdf.epw - first - 48.0) / max(len(table.header) - 2, 1)
        return [first, *([rest] * (len(table.header) - 2)), 48.0]
    return [GROUP_WIDTH, *([rest] * numbers), INTERVAL_WIDTH]


def _table(pdf: Document, table: TextTable) -> None:
    widths = _widths(pdf, table)
    aligns = ["R" if numeric else "L" for numeric in table.numeric]
    head = [
        Cell(text, width, HEAD, PALE, align)
        for text, width, align in zip(table.header, widths, aligns, strict=True)
    ]
    pdf.row(head, pad=0.8)
    for row in table.rows:
        style = HEAD if row[0] == ALL_LABEL else SMALL
        pdf.row(
            [
                Cell(text, width, style, None, align)
                for text, width, align in zip(row, widths, aligns, strict=True)
            ],
            pad=0.7,
        )


def _image(pdf: Document, png: bytes, width_px: int, height_px: int) -> None:
    height = pdf.epw * height_px / width_px
    pdf.keep(height + 2)
    top = pdf.get_y()
    pdf.image(io.BytesIO(png), x=pdf.l_margin, y=top, w=pdf.epw, h=height)
    pdf.set_y(top + height + 2)


def grouped_pdf(report: GroupedReport, *, officer: str, now: datetime) -> bytes:
    tables = grouped_tables(report)
    texts = [report.title, *(g.label for g in report.groups)]
    subject = (
        f"{'Readiness' if report.kind == 'readiness' else 'Outcomes'} by {report.grouping.title}"
    )
    pdf = _document(report.title, subject, officer, now, texts)
    people = report.people.text(report.threshold)
    _title(
        pdf,
        report.title,
        f"Grouped by: {report.grouping.title}. People counted: {people}. Counts below "
        f"{report.threshold} hidden.",
    )
    pdf.text_block(suppression_text(report.threshold), NOTE)
    for note in report.notes:
        pdf.text_block(note, NOTE)
    if report.withheld:
        pdf.gap(4)
        pdf.text_block(
            f"This report counts fewer than {report.threshold} people: every figure is withheld.",
            BODY,
        )
    for measure, table in zip(report.measures, tables, strict=True):
        pdf.gap(4)
        pdf.heading(table.title, H2, follow=30)
        for note in table.notes:
            pdf.text_block(note, NOTE)
        pdf.gap(1.5)
        _table(pdf, table)
        pdf.gap(2)
        bars = measure_bars(report, measure)
        png = bar_chart(bars)
        _image(pdf, png, *_size(len(bars)))
    return bytes(pdf.output())


def _size(rows: int) -> tuple[int, int]:
    from planner.reports.charts import BOTTOM, ROW, TOP, WIDTH

    return WIDTH, TOP + ROW * rows + BOTTOM


def calendar_pdf(report: CalendarReport, *, officer: str, now: datetime) -> bytes:
    title = f"Release calendar: {report.first:%d %b %Y} to {report.last:%d %b %Y}"
    tables = calendar_tables(report)
    pdf = _document(title, "Release calendar", officer, now, [title])
    _title(
        pdf,
        title,
        f"{report.dated} releases dated in the next {report.weeks} weeks; Fridays, weekends, "
        "bank holidays and the days before them marked.",
    )
    weeks = tables[1]
    pdf.heading(weeks.title, H2, follow=30)
    for note in weeks.notes:
        pdf.text_block(note, NOTE)
    most = max([w.expected for w in report.week_rows] + [1])
    scale = -(-most // 4) * 4  # a multiple of 4: whole numbers on the axis
    bars = [Bar(f"w/c {week.first:%d %b}", float(week.expected)) for week in report.week_rows]
    _image(pdf, bar_chart(bars, scale=scale, percent=False), *_size(len(bars)))
    _table(pdf, weeks)
    days = tables[0]
    pdf.gap(4)
    pdf.heading(days.title, H2, follow=30)
    for note in days.notes:
        pdf.text_block(note, NOTE)
    _table(pdf, days)
    return bytes(pdf.output())


__all__ = ["calendar_pdf", "can_draw", "grouped_pdf", "measure_bars"]
