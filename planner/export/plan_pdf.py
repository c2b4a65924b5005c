"""The person's own plan as an A4 PDF in large print.

Body text is 15 pt, headings 21 pt, with wide margins and space between parts, for a
reader who finds small print hard. Each appointment is a block of its own: the day and
time in bold, then what it is, where and the phone number. The text is real, searchable
text in the fonts the handover summary embeds (`pdf_fonts`); a character no font can draw
stops the PDF with an error, never a gap.
"""

from __future__ import annotations

from datetime import datetime

from planner.export.pdf_fonts import chain_for
from planner.export.pdf_layout import MUTED, Colour, Document, Style, device
from planner.export.pdf_shared_fonts import SharedSubsetOutput
from planner.export.pdf_text import UndrawableText, problem_text
from planner.export.plan import PersonPlan

TITLE = Style(26, bold=True)
H2 = Style(21, bold=True, colour=(21, 57, 92))
BODY = Style(15)
BOLD = Style(15, bold=True)
SMALL = Style(13, colour=MUTED)
PALE: Colour = (240, 244, 248)
EDGE: Colour = (21, 57, 92)


class PlanDocument(Document):
    """Wider margins and a large-print header and footer."""

    def header(self) -> None:
        self.put(self.l_margin, 10, self.epw, self.header_left, Style(13, bold=True), height=7)
        self.set_xy(self.l_margin, self.t_margin)

    def footer(self) -> None:
        self.use(Style(13, colour=MUTED))
        self.set_xy(self.l_margin, self.h - 18)
        self.cell(self.epw, 7, f"Page {self.page_no()} of {{nb}}", align="C")


def render_plan_pdf(plan: PersonPlan, *, created: datetime) -> bytes:
    """The plan as the bytes of a PDF file; UndrawableText if some character cannot be
    drawn by any font planner ships."""
    fonts = chain_for(" ".join(plan.texts()))
    if fonts.missing:
        raise UndrawableText([problem_text("text", fonts.missing)])
    pdf = PlanDocument(f"Your plan for leaving prison: {plan.name}", "", "", fonts=fonts)
    pdf.set_title("Your plan for leaving prison")
    pdf.set_subject("The plan for the day of release and the weeks after it")
    pdf.set_creator("planner")
    pdf.set_lang("en-GB")
    pdf.set_creation_date(created)
    pdf.set_margins(20, 24, 20)
    pdf.bottom = pdf.h - 22
    pdf.add_page()
    pdf.text_block("Your plan for leaving prison", TITLE)
    pdf.gap(2)
    pdf.text_block(plan.name, BOLD)
    pdf.gap(6)
    _part(
        pdf, "The day you leave", [("When", plan.release), ("Where you are going", plan.going_to)]
    )
    pdf.text_block(plan.met_by, BODY)
    pdf.gap(4)
    pdf.text_block("What to take with you:", BOLD)
    for thing in plan.to_take:
        pdf.text_block(f"•  {thing}", BODY, indent=4)
    _appointments(pdf, plan)
    _list(pdf, "What is sorted", plan.sorted_items, "Nothing is sorted yet.")
    _list(pdf, "What is still being arranged", plan.arranging, "Nothing else is being arranged.")
    if plan.words:
        _heading(pdf, "What some words mean")
        for word, meaning in plan.words:
            pdf.text_block(f"{word}: {meaning}.", BODY)
            pdf.gap(1.5)
    pdf.gap(8)
    pdf.text_block(
        f"This plan was made on {plan.made_on:%A} {plan.made_on.day} "
        f"{plan.made_on:%B %Y}. If something has changed, ask your officer.",
        SMALL,
    )
    data = bytes(pdf.output(output_producer_class=SharedSubsetOutput))
    if dropped := pdf.dropped_characters():
        raise UndrawableText([problem_text("text", dropped)])
    return data


def _heading(pdf: Document, text: str) -> None:
    pdf.gap(8)
    pdf.heading(text, H2, follow=3 * BODY.line_height)
    pdf.gap(2)


def _part(pdf: Document, title: str, facts: list[tuple[str, str]]) -> None:
    _heading(pdf, title)
    for label, value in facts:
        pdf.text_block(f"{label}:", BOLD)
        pdf.text_block(value, BODY, indent=4)
        pdf.gap(3)


def _appointments(pdf: Document, plan: PersonPlan) -> None:
    _heading(pdf, "Your appointments")
    if not plan.appointments:
        pdf.text_block("No appointments are booked yet. Your officer will tell you.", BODY)
    for booked in plan.appointments:
        lines = [(booked.when, BOLD), (booked.what, BODY)]
        if booked.place:
            lines.append((f"Where: {booked.place}", BODY))
        if booked.phone:
            lines.append((f"Phone: {booked.phone}", BODY))
        _box(pdf, lines)
        pdf.gap(4)
    pdf.gap(2)
    pdf.text_block(plan.check_line, BOLD)


def _box(pdf: Document, lines: list[tuple[str, Style]]) -> None:
    """A shaded block with a coloured edge, kept on one page when it fits one."""
    width = pdf.epw - 8
    wrapped = [(pdf.wrap(text, width, style), style) for text, style in lines]
    height = sum(len(w) * s.line_height for w, s in wrapped) + 6
    if height > pdf.page_room():
        for text, style in lines:
            pdf.text_block(text, style)
        return
    pdf.keep(height)
    top = pdf.get_y()
    pdf.set_fill_color(device(PALE))
    pdf.rect(pdf.l_margin, top, pdf.epw, height, style="F")
    pdf.set_fill_color(device(EDGE))
    pdf.rect(pdf.l_margin, top, 2, height, style="F")
    y = top + 3
    for parts, style in wrapped:
        for line in parts:
            pdf.put(pdf.l_margin + 5, y, width, line, style)
            y += style.line_height
    pdf.set_xy(pdf.l_margin, top + height)


def _list(pdf: Document, title: str, entries: list[str], empty: str) -> None:
    _heading(pdf, title)
    if not entries:
        pdf.text_block(empty, BODY)
    for entry in entries:
        pdf.text_block(f"•  {entry}", BODY, indent=4)
        pdf.gap(2)
