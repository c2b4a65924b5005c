"""What a PDF summary draws, field by field, and the error when a character cannot be drawn.

A character that no shipped font holds would otherwise vanish from the PDF with only a
warning from fpdf2 on standard error: a name missing from a handover summary. Instead the
summary's text is checked, field by field, before anything is drawn, and `UndrawableText`
names each field that holds such a character, with its code points, so the officer can
change it (or export the summary as Markdown or JSON, which hold any character).

This module loads no fonts and no fpdf2, so the export service can name the error
without loading either.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Iterator

from planner.export.files import InvalidExport
from planner.export.model import HandoverSummary

# Control characters are dropped, tabs drawn as spaces and line ends as line breaks.
_CONTROLS = {cp: None for cp in (*range(32), *range(0x7F, 0xA0)) if cp != 10} | {
    9: " ",
    13: "\n",
    0x2028: "\n",  # line separator
    0x2029: "\n",  # paragraph separator
}

# Characters that are drawn as nothing by design: joiners, direction marks, variation
# selectors. The text shaper keeps them invisible even in a font that has no glyph for them.
_INVISIBLE: tuple[tuple[int, int], ...] = (
    (0x00AD, 0x00AD),  # soft hyphen
    (0x034F, 0x034F),  # combining grapheme joiner
    (0x061C, 0x061C),  # Arabic letter mark
    (0x180B, 0x180F),  # Mongolian variation selectors
    (0x200B, 0x200F),  # zero width space and joiners, direction marks
    (0x202A, 0x202E),  # direction embeddings and overrides
    (0x2060, 0x206F),  # word joiner, invisible operators, direction isolates
    (0xFE00, 0xFE0F),  # variation selectors
    (0xFEFF, 0xFEFF),  # zero width no-break space
    (0xE0000, 0xE0FFF),  # tags, variation selectors supplement
)


_RIGHT_TO_LEFT = frozenset({"R", "AL", "AN", "RLE", "RLO", "RLI"})


def plain(text: str) -> str:
    """Text with line ends as LF, tabs as spaces and no other control characters."""
    return text.replace("\r\n", "\n").translate(_CONTROLS)


def invisible(char: str) -> bool:
    """Whether `char` is drawn as nothing, so needs no glyph."""
    cp = ord(char)
    return any(start <= cp <= end for start, end in _INVISIBLE)


def without_invisible(text: str) -> str:
    """`text` without the characters drawn as nothing: what a line drawn without text
    shaping must leave out (the shaper leaves them out by itself)."""
    if text.isprintable():
        return text
    return "".join(c for c in text if not invisible(c))


def is_right_to_left(char: str) -> bool:
    """Whether `char` is written right to left (Arabic, Hebrew), so needs reordering."""
    return unicodedata.bidirectional(char) in _RIGHT_TO_LEFT


class UndrawableText(InvalidExport):
    """Some characters of a summary are in no font the PDF export has."""

    def __init__(self, problems: list[str], *, summaries: int = 1) -> None:
        self.problems = problems
        self.summaries = summaries
        which = "this summary" if summaries == 1 else "these summaries"
        super().__init__(
            "; ".join(problems) + f". Change the text, or export {which} as Markdown or JSON"
        )

    def __reduce__(self) -> tuple[object, ...]:  # raised in a worker process, read in ours
        return (_undrawable, (self.problems, self.summaries))


def _undrawable(problems: list[str], summaries: int) -> UndrawableText:
    return UndrawableText(problems, summaries=summaries)


def problem_text(field: str, chars: Iterable[str]) -> str:
    """'forename: 1 character cannot be drawn in PDF (U+1F600)'."""
    codes = sorted({ord(c) for c in chars})
    shown = ", ".join(f"U+{cp:04X}" for cp in codes[:5])
    if len(codes) > 5:
        shown += f" and {len(codes) - 5} more"
    count = f"{len(codes)} character{'s' if len(codes) != 1 else ''}"
    return f"{field}: {count} cannot be drawn in PDF ({shown})"


def undrawable(summary: HandoverSummary, can_draw: Callable[[str], bool]) -> list[str]:
    """One `problem_text` for each field holding a character that `can_draw` refuses."""
    problems: list[str] = []
    for field, text in text_fields(summary):
        missing = {c for c in set(plain(text)) if c != "\n" and not can_draw(c)}
        missing = {c for c in missing if not invisible(c)}
        if missing:
            problems.append(problem_text(field, missing))
    return problems


def text_fields(summary: HandoverSummary) -> Iterator[tuple[str, str]]:
    """Every piece of text the PDF draws, as (what the officer calls the field, its text).

    The derived person name (forename and surname) is left out: its parts are named.
    """
    p = summary.person
    for field, text in (
        ("forename", p.forename),
        ("surname", p.surname),
        ("prison number", p.prison_number),
        ("CRN", p.crn),
        ("PNC", p.pnc),
        ("prison", p.prison),
        ("location", p.location),
        ("sex", p.sex),
        ("ethnicity", p.ethnicity),
        ("religion", p.religion),
        ("sentence", p.sentence),
        ("phone", p.phone),
        ("email", p.email),
    ):
        yield from _field(field, text)
    for circumstance in p.circumstances:
        yield from _field("circumstances", circumstance)
    r = summary.release
    yield from _field("release type", r.kind_label)
    yield from _field("release day", r.day_risk)
    yield from _field("accommodation type", r.accommodation_type)
    yield from _field("release address", r.address)
    yield from _field("redaction notice", summary.redaction_notice)
    for action in summary.day_one:
        yield from _field(f"release day: {action.topic}", action.topic, action.detail)
    for entry in summary.appointments:
        where = f"appointment ({entry.what})"
        yield from _field(where, entry.what, entry.place, entry.phone)
    for gap in summary.gaps:
        yield from _field(f"open gap ({gap.section_title or 'Release'})", gap.reason)
    for closed in summary.closed:
        where = f"{closed.section_title} > {closed.title}"
        yield from _field(where, closed.title, closed.section_title, closed.reason)
    for section in summary.sections:
        yield from _field(f"section {section.title}", section.title, section.status_label)
        for item in section.items:
            where = f"{section.title} > {item.title}"
            yield from _field(where, item.title, item.status_label)
            yield from _field(f"{where}: reason", item.reason)
            for evidence in item.evidence:
                yield from _field(f"{where} > {evidence.label}", evidence.label, evidence.value)
            yield from _field(f"{where}: notes", item.notes)
    for contact in summary.contacts:
        yield from _field(f"contact ({contact.role})", contact.role)
        for part in ("name", "phone", "email", "detail"):
            yield from _field(f"contact ({contact.role}) {part}", getattr(contact, part))
    yield from _field("notes", summary.notes)
    yield from _field("officer", summary.generated.officer)
    g = summary.generated
    yield from _field("template", g.template_id, g.planner_version)


def _field(field: str, *texts: str | None) -> Iterator[tuple[str, str]]:
    joined = " ".join(t for t in texts if t)
    if joined:
        yield field, joined
