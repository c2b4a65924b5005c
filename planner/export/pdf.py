"""The handover summary as an A4 PDF: real, searchable text in embedded fonts.

Every page carries the person's name, prison number and release date at the top and
"Page n of N" at the foot. Severity and arrangement are written in words as well as
colour, so the summary survives a black-and-white printer. Names and notes in any script
the font chain covers (see `pdf_fonts`) are drawn; a character it does not cover stops
the PDF with an error naming the field, never a gap in the text. Nothing here reaches
for a network or a system service: the fonts ship inside the package.
"""

from __future__ import annotations

from planner.domain.gaps import Severity
from planner.export.model import (
    ALARMS,
    Gap,
    HandoverSummary,
    Item,
    Section,
    gap_text,
    item_status_text,
    severity_text,
)
from planner.export.pdf_fonts import can_draw, chain_for
from planner.export.pdf_layout import MUTED, Cell, Colour, Document, Style, document
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


def render_pdf(summary: HandoverSummary) -> bytes:
    """The summary as the bytes of a PDF file.

    Raises `UndrawableText`, naming each field, if the summary holds a character that no
    font of the chain can draw: it is never left out of the PDF unsaid.
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
    _gaps(pdf, summary)
    _closed(pdf, summary)
    _contacts(pdf, summary)
    pdf.gap(4)
    pdf.heading("Checklist by section", H2)
    for section in summary.applicable_sections():
        _section(pdf, section)
    if skipped := summary.not_applicable_text():
        pdf.gap(2)
        pdf.text_block(skipped, NOTE)
    if summary.notes:
        pdf.gap(4)
        pdf.heading("Notes", H2)
        pdf.text_block(summary.notes, BODY)
    pdf.gap(6)
    pdf.text_block(summary.footer_text(), NOTE)
    data = bytes(pdf.output())
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
    for label, value in facts:
        if value in ALARMS:
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
    pdf.heading("Release day: actions for probation", H2)
    if not summary.day_one:
        pdf.text_block("Nothing recorded.", BODY)
        return
    for action in summary.day_one:
        mark = Cell("Arranged", 30, Style(8.5, bold=True, colour=GREEN))
        if not action.arranged:
            mark = Cell("NOT ARRANGED", 30, Style(8.5, bold=True, colour=RED))
        pdf.row([Cell(action.topic, 42, BOLD), mark, Cell(action.detail, pdf.epw - 72, BODY)])


def _gaps(pdf: Document, summary: HandoverSummary) -> None:
    pdf.gap(5)
    count = len(summary.gaps)
    pdf.heading(f"Still open: {count} gap{'s' if count != 1 else ''}, most urgent first", H2)
    if not summary.gaps:
        pdf.text_block("No open gaps.", BODY)
        return
    for gap in summary.gaps:
        _gap(pdf, gap)


def _gap(pdf: Document, gap: Gap) -> None:
    colour = SEVERITY_COLOUR[gap.severity]
    badge = Cell(
        severity_text(gap.severity),
        26,
        Style(8.5, bold=True, colour=colour),
        fill=SEVERITY_FILL[gap.severity],
    )
    where = Cell(gap.section_title or "Release", 30, Style(8.5, bold=True))
    pdf.row([badge, where, Cell(gap_text(gap), pdf.epw - 56, BODY)])


def _closed(pdf: Document, summary: HandoverSummary) -> None:
    if not summary.closed:
        return
    pdf.gap(5)
    pdf.heading("Declined or not required", H2)
    for closed in summary.closed:
        pdf.row(
            [
                Cell(closed.title, 62, BOLD),
                Cell(closed.status_label, 26, SMALL),
                Cell(f"Reason: {closed.reason}", pdf.epw - 88, BODY),
            ]
        )


def _contacts(pdf: Document, summary: HandoverSummary) -> None:
    pdf.gap(5)
    pdf.heading("Contacts", H2)
    for contact in summary.contacts:
        details = [contact.phone, contact.email, contact.detail]
        name = contact.name or "NOT RECORDED"
        name_style = BOLD if contact.name else Style(9.5, bold=True, colour=RED)
        pdf.row(
            [
                Cell(contact.role, 62, LABEL),
                Cell(name, 44, name_style),
                Cell(", ".join(d for d in details if d), pdf.epw - 106, BODY),
            ]
        )
    pdf.row(
        [
            Cell("The person", 62, LABEL),
            Cell(summary.person.name, 44, BOLD),
            Cell(summary.own_contact_text(), pdf.epw - 106, BODY),
        ]
    )


def _section(pdf: Document, section: Section) -> None:
    counts = (
        f"{section.resolved} of {section.applicable} resolved"
        if section.applicable is not None and section.applicable
        else ""
    )
    pdf.gap(2.5)
    pdf.keep(18)
    pdf.row(
        [
            Cell(section.title, 80, H3, fill=PALE),
            Cell(
                section.status_label,
                pdf.epw - 120,
                Style(9, colour=_status_colour(section)),
                fill=PALE,
            ),
            Cell(counts, 40, Style(8.5, colour=MUTED), fill=PALE, align="R"),
        ],
        rule=False,
    )
    if section.redacted:
        pdf.text_block("Left out of this redacted summary (health detail).", NOTE, indent=3)
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


def _item(pdf: Document, item: Item) -> None:
    due = f" (due {pdf_day(item)})" if item.due else ""
    if item.status_label == "done":
        status_style = Style(9, colour=GREEN)
    elif item.status.resolved:
        status_style = Style(9, colour=MUTED)
    else:
        status_style = Style(9, colour=RED)
    facts = [(e.label, e.value) for e in item.evidence]
    if item.notes:
        facts.append(("Notes", item.notes))
    title = Cell(item.title, 104, BOLD)
    status = Cell(item_status_text(item) + due, pdf.epw - 104, status_style)
    pdf.keep(BOLD.line_height * 2 + SMALL.line_height * min(len(facts), 3) + 3)
    pdf.row([title, status], rule=not facts)
    for n, (label, value) in enumerate(facts, 1):
        pdf.row(
            [Cell("", 6), Cell(label, 52, LABEL), Cell(value, pdf.epw - 58, SMALL)],
            pad=0.3,
            rule=n == len(facts),
        )


def pdf_day(item: Item) -> str:
    return f"{item.due:%a} {item.due.day} {item.due:%b}" if item.due else ""


def _generated(summary: HandoverSummary) -> str:
    g = summary.generated
    return f"{g.generated_at:%d %b %Y %H:%M} by {g.officer or 'unknown officer'}"
