"""The handover summary as an A4 PDF: real, searchable text in embedded fonts.

Every page carries the person's name, prison number and release date at the top and
"Page n of N" at the foot. Severity and arrangement are written in words as well as
colour, so the summary survives a black-and-white printer. A heading always has the start
of what it heads under it on the same page, an item its evidence, and the contacts table is
never split. Dates read as everywhere else in planner ('Wed 16 Dec 2026').

Names and notes in any script the font chain covers (see `pdf_fonts`) are drawn; a
character it does not cover stops the PDF with an error naming the field, never a gap in
the text. Nothing here reaches for a network or a system service: the fonts ship inside
the package.
"""

from __future__ import annotations

from datetime import date

from planner.domain.calendar import format_day
from planner.domain.gaps import Severity
from planner.domain.status import ItemStatus
from planner.export.model import (
    ALARMS,
    ContactEntry,
    DayOneAction,
    Gap,
    HandoverSummary,
    Item,
    Section,
    address_text,
    gap_text,
    item_status_text,
    severity_text,
)
from planner.export.pdf_fonts import can_draw, chain_for
from planner.export.pdf_layout import MUTED, Cell, Colour, Document, Style, document
from planner.export.pdf_shared_fonts import SharedSubsetOutput
from planner.export.pdf_text import UndrawableText, problem_text, undrawable

TITLE = Style(17, bold=True)
SUBTITLE = Style(10.5, colour=MUTED)
H2 = Style(12, bold=True, colour=(21, 57, 92))
H3 = Style(10, bold=True)
BODY = Style(9.5)
BOLD = Style(9.5, bold=True)
LABEL = Style(8.5, colour=MUTED)
SMALL = Style(8.5)
NOTE = Style(8.5, colour=MUTED)

RED: Colour = (176, 0, 32)
AMBER: Colour = (138, 90, 0)
BLUE: Colour = (31, 95, 173)
GREEN: Colour = (30, 110, 52)
SEVERITY_COLOUR = {Severity.CRITICAL: RED, Severity.WARNING: AMBER, Severity.INFO: BLUE}
SEVERITY_FILL = {
    Severity.CRITICAL: (253, 232, 235),
    Severity.WARNING: (255, 244, 214),
    Severity.INFO: (232, 240, 251),
}
PALE: Colour = (244, 246, 248)


def render_pdf(summary: HandoverSummary, *, shared_fonts: bool = True) -> bytes:
    """The summary as the bytes of a PDF file.

    Raises `UndrawableText`, naming each field, if the summary holds a character that no
    font of the chain can draw: it is never left out of the PDF unsaid. The Latin fonts are
    embedded from subsets cut once per process (`pdf_shared_fonts`); `shared_fonts=False`
    leaves fpdf2 to subset them for this document alone (the same pages, more slowly).
    """
    fonts = chain_for(summary.model_dump_json())
    if fonts.missing:
        raise UndrawableText(undrawable(summary, can_draw) or [problem_text("text", fonts.missing)])
    person = summary.person
    redacted = " | REDACTED" if summary.redacted else ""
    pdf = document(
        title=summary.title_text(),
        author=summary.generated.officer,
        created=summary.generated.generated_at,
        header_left=f"{person.name}  |  {person.prison_number}{redacted}",
        header_right=f"Release: {summary.release.day or 'no date recorded'}",
        footer_left=f"Handover summary for probation, generated {_generated(summary)}",
        fonts=fonts,
    )
    _title(pdf, summary)
    _facts(pdf, summary)
    _day_one(pdf, summary)
    _appointments(pdf, summary)
    _gaps(pdf, summary)
    _closed(pdf, summary)
    _contacts(pdf, summary)
    _checklist(pdf, summary)
    if skipped := summary.not_applicable_text():
        pdf.gap(2)
        pdf.text_block(skipped, NOTE)
    if summary.notes:
        pdf.gap(4)
        pdf.heading("Notes", H2, follow=BODY.line_height)
        pdf.text_block(summary.notes, BODY)
    pdf.gap(6)
    pdf.text_block(summary.footer_text(), NOTE)
    data = bytes(
        pdf.output(output_producer_class=SharedSubsetOutput) if shared_fonts else pdf.output()
    )
    if dropped := pdf.dropped_characters():
        raise UndrawableText([problem_text("text", dropped)])
    return data


def _title(pdf: Document, summary: HandoverSummary) -> None:
    pdf.use(TITLE)
    pdf.cell(pdf.epw, 9, "Handover summary", new_x="LMARGIN", new_y="NEXT")
    subtitle = f"{summary.person.name}, {summary.person.prison_number}: release plan for probation"
    pdf.put(pdf.l_margin, pdf.get_y(), pdf.epw, subtitle, SUBTITLE, height=6)
    pdf.set_y(pdf.get_y() + 6)
    pdf.gap(3)
    if summary.redaction_notice:
        pdf.banner(summary.redaction_notice, Style(10, bold=True, colour=RED), (253, 232, 235), RED)
        pdf.gap(3)


def _facts(pdf: Document, summary: HandoverSummary) -> None:
    label_width = 36.0
    facts = summary.key_facts()
    unbooked = address_text(summary.release) if summary.release.address_not_booked else None
    for label, value in facts:
        if value in ALARMS or value == unbooked:
            style = Style(9.5, bold=True, colour=RED)
        else:
            style = BOLD if label in ("Name", "Release", "Release address") else BODY
        pdf.row(
            [Cell(label, label_width, LABEL), Cell(value, pdf.epw - label_width, style)], pad=0.8
        )
    if summary.release.day_risk:
        pdf.gap(3)
        pdf.banner(
            f"Release day: {summary.release.day_risk}",
            Style(9, colour=AMBER),
            SEVERITY_FILL[Severity.WARNING],
            AMBER,
        )


def _day_one(pdf: Document, summary: HandoverSummary) -> None:
    pdf.gap(5)
    rows = [_day_one_cells(pdf, action) for action in summary.day_one]
    follow = pdf.row_height(rows[0]) if rows else BODY.line_height
    pdf.heading("Release day: actions for probation", H2, follow=follow)
    if not rows:
        pdf.text_block("Nothing recorded.", BODY)
    for cells in rows:
        pdf.row(cells)


def _day_one_cells(pdf: Document, action: DayOneAction) -> list[Cell]:
    mark = Cell("Arranged", 30, Style(8.5, bold=True, colour=GREEN))
    if not action.arranged:
        mark = Cell("NOT ARRANGED", 30, Style(8.5, bold=True, colour=RED))
    return [Cell(action.topic, 42, BOLD), mark, Cell(action.detail, pdf.epw - 72, BODY)]


def _appointments(pdf: Document, summary: HandoverSummary) -> None:
    """Every appointment, soonest first, as the person's own plan lists them."""
    if not summary.appointments:
        return
    pdf.gap(5)
    rows = [
        [
            Cell(entry.day, 46, BOLD),
            Cell(entry.what, 52, BODY),
            Cell(", ".join(x for x in (entry.place, entry.phone) if x), pdf.epw - 98, BODY),
        ]
        for entry in summary.appointments
    ]
    pdf.heading("Appointments, soonest first", H2, follow=pdf.row_height(rows[0]))
    for cells in rows:
        pdf.row(cells)


def _gaps(pdf: Document, summary: HandoverSummary) -> None:
    pdf.gap(5)
    count = len(summary.gaps)
    rows = [_gap_cells(pdf, gap, summary.as_of) for gap in summary.gaps]
    follow = pdf.row_height(rows[0]) if rows else BODY.line_height
    title = f"Still open: {count} gap{'s' if count != 1 else ''}, most urgent first"
    pdf.heading(title, H2, follow=follow)
    if not rows:
        pdf.text_block("No open gaps.", BODY)
    for cells in rows:
        pdf.row(cells)


def _gap_cells(pdf: Document, gap: Gap, as_of: date) -> list[Cell]:
    colour = SEVERITY_COLOUR[gap.severity]
    badge = Cell(
        severity_text(gap.severity),
        26,
        Style(8.5, bold=True, colour=colour),
        fill=SEVERITY_FILL[gap.severity],
    )
    where = Cell(gap.section_title or "Release", 30, Style(8.5, bold=True))
    return [badge, where, Cell(gap_text(gap, as_of), pdf.epw - 56, BODY)]


def _closed(pdf: Document, summary: HandoverSummary) -> None:
    if not summary.closed:
        return
    pdf.gap(5)
    rows = [
        [
            Cell(closed.title, 62, BOLD),
            Cell(closed.status_label, 26, SMALL),
            Cell(f"Reason: {closed.reason}", pdf.epw - 88, BODY),
        ]
        for closed in summary.closed
    ]
    pdf.heading("Declined or not required", H2, follow=pdf.row_height(rows[0]))
    for cells in rows:
        pdf.row(cells)


def _contacts(pdf: Document, summary: HandoverSummary) -> None:
    pdf.gap(5)
    rows = [_contact_cells(pdf, contact) for contact in summary.contacts]
    rows.append(
        [
            Cell("The person", 62, LABEL),
            Cell(summary.person.name, 44, BOLD),
            Cell(summary.own_contact_text(), pdf.epw - 106, BODY),
        ]
    )
    table = sum(pdf.row_height(cells) for cells in rows)
    pdf.keep(min(pdf.heading_height(H2) + table, pdf.page_room()))  # never split the table
    pdf.heading("Contacts", H2, follow=0)
    for cells in rows:
        pdf.row(cells)


def _contact_cells(pdf: Document, contact: ContactEntry) -> list[Cell]:
    details = [contact.phone, contact.email, contact.detail]
    name = contact.name or "NOT RECORDED"
    name_style = BOLD if contact.name else Style(9.5, bold=True, colour=RED)
    return [
        Cell(contact.role, 62, LABEL),
        Cell(name, 44, name_style),
        Cell(", ".join(d for d in details if d), pdf.epw - 106, BODY),
    ]


def _checklist(pdf: Document, summary: HandoverSummary) -> None:
    pdf.gap(4)
    sections = summary.applicable_sections()
    first = SECTION_GAP + _section_start(pdf, sections[0]) if sections else 0.0
    pdf.heading("Checklist by section", H2, follow=first)
    for section in sections:
        _section(pdf, section)


SECTION_GAP = 2.5  # space above each section's heading row
REDACTED_NOTE = "Left out of this redacted summary (health detail)."


def _section_cells(pdf: Document, section: Section) -> list[Cell]:
    counts = (
        f"{section.resolved} of {section.applicable} resolved"
        if section.applicable is not None and section.applicable
        else ""
    )
    return [
        Cell(section.title, 80, H3, fill=PALE),
        Cell(
            section.status_label,
            pdf.epw - 120,
            Style(9, colour=_status_colour(section)),
            fill=PALE,
        ),
        Cell(counts, 40, Style(8.5, colour=MUTED), fill=PALE, align="R"),
    ]


def _section_start(pdf: Document, section: Section) -> float:
    """The height of a section's heading row and its first item (or redaction note):
    what must share a page, so the heading never sits alone at the foot of one."""
    heading = pdf.row_height(_section_cells(pdf, section))
    if section.redacted:
        return heading + NOTE.line_height
    first = _item_rows(pdf, section.items[0]) if section.items else []
    return heading + sum(pdf.row_height(cells, pad) for cells, pad, _rule in first)


def _section(pdf: Document, section: Section) -> None:
    pdf.gap(SECTION_GAP)
    pdf.keep(min(_section_start(pdf, section), pdf.page_room()))
    pdf.row(_section_cells(pdf, section), rule=False)
    if section.redacted:
        pdf.text_block(REDACTED_NOTE, NOTE, indent=3)
        return
    for item in section.items:
        _item(pdf, item)


def _status_colour(section: Section) -> Colour:
    label = section.status_label
    if "critical" in label:
        return RED
    if "warning" in label:
        return AMBER
    return GREEN if label == "complete" else MUTED


def _item_rows(pdf: Document, item: Item) -> list[tuple[list[Cell], float, bool]]:
    """An item's rows (cells, padding, rule below): its title and status, then each piece
    of evidence."""
    if item.status is ItemStatus.DONE and item.not_counted is None:
        status_style = Style(9, colour=GREEN)
    elif item.status.resolved and item.not_counted is None:
        status_style = Style(9, colour=MUTED)
    else:
        status_style = Style(9, colour=RED)
    facts = [(e.label, e.value) for e in item.evidence]
    if item.notes:
        facts.append(("Notes", item.notes))
    title = Cell(item.title, 104, BOLD)
    status = Cell(item_status_text(item), pdf.epw - 104, status_style)
    rows: list[tuple[list[Cell], float, bool]] = [([title, status], 1.0, not facts)]
    for n, (label, value) in enumerate(facts, 1):
        cells = [Cell("", 6), Cell(label, 52, LABEL), Cell(value, pdf.epw - 58, SMALL)]
        rows.append((cells, 0.3, n == len(facts)))
    return rows


def _item(pdf: Document, item: Item) -> None:
    """An item with its evidence, kept on one page when it fits on one."""
    rows = _item_rows(pdf, item)
    pdf.keep(min(sum(pdf.row_height(cells, pad) for cells, pad, _ in rows), pdf.page_room()))
    for cells, pad, rule in rows:
        pdf.row(cells, pad=pad, rule=rule)


def _generated(summary: HandoverSummary) -> str:
    g = summary.generated
    when = f"{format_day(g.generated_at.date())} {g.generated_at:%H:%M}"
    return f"{when} by {g.officer or 'unknown officer'}"
