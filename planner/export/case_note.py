"""The handover summary as plain text for probation's case management system.

A case note there holds at most 4,000 characters, so the text is split into parts of at
most `NOTE_LIMIT` characters, each starting with a line "Part 1 of 3". Parts break at line
ends; a line too long for one part is broken at a space, or where it must, never between a
letter and its accent. Each line break is counted as two characters, because web forms
send it as CR LF, so a part stays inside the limit however the receiving system counts.
Removing each part's first line and joining the rest gives back the whole text exactly.
"""

from __future__ import annotations

import unicodedata

from planner.domain.text import visible
from planner.export.model import (
    HandoverSummary,
    Item,
    Section,
    gap_text,
    item_status_text,
    severity_text,
)

NOTE_LIMIT = 3950
PART_SEPARATOR = "\n\n" + "=" * 72 + "\n\n"
_JOINERS = frozenset("\u200c\u200d\u034f")


def render_note_text(summary: HandoverSummary) -> str:
    """The whole summary as plain text, in the order a probation officer needs it; what
    must not reach another system (control characters) is shown as its code."""
    out: list[str] = [summary.title_text().upper()]
    if summary.redaction_notice:
        out += ["", summary.redaction_notice]
    out.append("")
    out += [f"{label}: {value}" for label, value in summary.key_facts()]
    if summary.release.day_risk:
        out.append(f"Release day warning: {summary.release.day_risk}")
    out += ["", "RELEASE DAY: ACTIONS FOR PROBATION"]
    for action in summary.day_one:
        mark = "" if action.arranged else " [NOT ARRANGED]"
        out.append(f"- {action.topic}{mark}: {action.detail}")
    if not summary.day_one:
        out.append("Nothing recorded.")
    if summary.appointments:
        out += ["", "APPOINTMENTS"]
        for entry in summary.appointments:
            where = ", ".join(x for x in (entry.place, entry.phone) if x)
            out.append(f"- {entry.day}: {entry.what}" + (f" ({where})" if where else ""))
    out += ["", f"STILL OPEN: {len(summary.gaps)} GAP{'S' if len(summary.gaps) != 1 else ''}"]
    for n, gap in enumerate(summary.gaps, 1):
        where = f" ({gap.section_title})" if gap.section_title else ""
        out.append(f"{n}. {severity_text(gap.severity)}{where}: {gap_text(gap, summary.as_of)}")
    if summary.closed:
        out += ["", "DECLINED OR NOT REQUIRED"]
        out += [
            f"- {c.title} ({c.section_title}): {c.status_label}. Reason: {c.reason}"
            for c in summary.closed
        ]
    out += ["", "CONTACTS"]
    for contact in summary.contacts:
        details = [contact.name or "NOT RECORDED", contact.phone, contact.email, contact.detail]
        out.append(f"- {contact.role}: " + ", ".join(d for d in details if d))
    out.append(f"- The person: {summary.own_contact_text()}")
    out += ["", "CHECKLIST BY SECTION"]
    for section in summary.applicable_sections():
        out += _section(section)
    if skipped := summary.not_applicable_text():
        out.append(skipped)
    if summary.notes:
        out += ["", "NOTES", summary.notes]
    out += ["", summary.footer_text()]
    return visible("\n".join(out), multiline=True) + "\n"


def _section(section: Section) -> list[str]:
    counts = (
        f" ({section.resolved} of {section.applicable} resolved)"
        if section.applicable is not None and section.applicable
        else ""
    )
    out = [f"{section.title}: {section.status_label}{counts}"]
    if section.redacted:
        return [*out, "  Left out of this redacted summary (health detail)."]
    return out + [_item(item) for item in section.items]


def _item(item: Item) -> str:
    line = f"  - {item.title}: {item_status_text(item)}"
    facts = [f"{e.label}: {e.value}" for e in item.evidence]
    if item.notes:
        facts.append(f"Notes: {item.notes}")
    return f"{line}. " + "; ".join(facts) if facts else line


# --- splitting ------------------------------------------------------------------------------


def cost(text: str) -> int:
    """Characters as a web form counts them: each line break is CR LF."""
    return len(text) + text.count("\n")


def label(number: int, total: int) -> str:
    return f"Part {number} of {total}\n"


def split_note(text: str, limit: int = NOTE_LIMIT) -> list[str]:
    """Labelled parts of `text`, each costing at most `limit` characters with its label."""
    total = 1
    while True:
        budget = limit - cost(label(total, total))
        if budget < 16:
            raise ValueError(f"a note limit of {limit} characters leaves no room for text")
        chunks = _chunks(text, budget)
        if len(chunks) <= total:
            return [label(i, len(chunks)) + chunk for i, chunk in enumerate(chunks, 1)]
        total = len(chunks)


def join_parts(parts: list[str]) -> str:
    """The text that `split_note` split: every part without its label line."""
    return "".join(part.split("\n", 1)[1] for part in parts)


def render_case_note(summary: HandoverSummary) -> list[str]:
    return split_note(render_note_text(summary))


def note_file_text(parts: list[str]) -> str:
    """Parts for one file, with a rule between them to show where each note ends."""
    return PART_SEPARATOR.join(parts)


def _chunks(text: str, budget: int) -> list[str]:
    """`text` in pieces costing at most `budget`, broken after line ends where possible."""
    chunks: list[str] = []
    current = ""
    for line in _lines(text):
        while cost(line) > budget:
            if current:
                chunks.append(current)
                current = ""
            cut = _cut(line, budget)
            chunks.append(line[:cut])
            line = line[cut:]
        if current and cost(current) + cost(line) > budget:
            chunks.append(current)
            current = ""
        current += line
    if current or not chunks:
        chunks.append(current)
    return chunks


def _lines(text: str) -> list[str]:
    """Lines with their line feed kept, so joining them gives back `text`."""
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    return [line for line in lines if line]


def _cut(line: str, budget: int) -> int:
    """Where to break a line too long for one part: after a space if one is near the end,
    never before a combining mark or joiner, nor inside a CR LF."""
    limit = budget - 1 if line[:budget].endswith("\n") else budget
    space = max(line.rfind(" ", 0, limit), line.rfind("\t", 0, limit))
    cut = space + 1 if space >= limit // 2 else limit
    while cut > 1 and _clings(line, cut):
        cut -= 1
    return max(cut, 1)


def _clings(line: str, cut: int) -> bool:
    """Whether the character at `cut` belongs with the one before it."""
    char, before = line[cut], line[cut - 1]
    if unicodedata.combining(char) or char in _JOINERS or before in _JOINERS:
        return True
    if unicodedata.category(char) == "Me" or 0xFE00 <= ord(char) <= 0xFE0F:
        return True
    return before == "\r" and char == "\n"
