"""The handover summary as Markdown: readable as plain text, tidy when rendered.

Every value is escaped (:func:`escape`), so what an officer typed is shown as typed: a
name cannot start a heading, a list or a quote, make a link, an image or HTML, emphasise,
or break a table out of its cell.
"""

from __future__ import annotations

import re

from planner.domain.text import visible
from planner.export.model import (
    HandoverSummary,
    Item,
    Section,
    gap_text,
    item_status_text,
    severity_text,
)

# Inline markup: emphasis, strikethrough, code, links, HTML and entities, table cells.
_INLINE = re.compile(r"([\\`*_{}\[\]<>#|~&])")
# What starts a block at the start of a line: a list, a quote, a setext underline.
_BULLET = re.compile(r"^([-+=])")
_NUMBERED = re.compile(r"^([0-9]+)([.)])")
# What GitHub-flavoured Markdown makes a link of without any markup.
_SCHEME = re.compile(r"://")
_WWW = re.compile(r"\b(www)\.", re.IGNORECASE)


def escape(text: str) -> str:
    """Text that Markdown shows as typed, on one line: markup characters escaped."""
    line = _INLINE.sub(r"\\\1", visible(" ".join(text.split())))
    line = _NUMBERED.sub(r"\1\\\2", _BULLET.sub(r"\\\1", line))
    return _WWW.sub(r"\1\\.", _SCHEME.sub(r":\\/\\/", line))


def _cell(text: str) -> str:
    return escape(text) or " "


def render_markdown(summary: HandoverSummary) -> str:
    """The whole summary as one Markdown document ending in a newline."""
    out: list[str] = [f"# {escape(summary.title_text())}", ""]
    if summary.redaction_notice:
        out += [f"> **{escape(summary.redaction_notice)}**", ""]
    out += ["| | |", "|---|---|"]
    out += [f"| **{_cell(label)}** | {_cell(value)} |" for label, value in summary.key_facts()]
    out.append("")
    if summary.release.day_risk:
        out += [f"> **Release day:** {escape(summary.release.day_risk)}", ""]
    out += _day_one(summary)
    out += _appointments(summary)
    out += _gaps(summary)
    out += _closed(summary)
    out += _contacts(summary)
    out += ["## Checklist by section", ""]
    for section in summary.applicable_sections():
        out += _section(section)
    if skipped := summary.not_applicable_text():
        out += [f"_{escape(skipped)}_", ""]
    if summary.notes:
        out += ["## Notes", ""]
        out += [escape(line) if line.strip() else "" for line in summary.notes.splitlines()]
        out.append("")
    out += ["---", "", f"_{escape(summary.footer_text())}_", ""]
    return "\n".join(out)


def _day_one(summary: HandoverSummary) -> list[str]:
    out = ["## Release day: actions for probation", ""]
    if not summary.day_one:
        return [*out, "Nothing recorded.", ""]
    out += ["| | Arranged | Detail |", "|---|---|---|"]
    for action in summary.day_one:
        mark = "yes" if action.arranged else "**NO**"
        out.append(f"| **{_cell(action.topic)}** | {mark} | {_cell(action.detail)} |")
    return [*out, ""]


def _appointments(summary: HandoverSummary) -> list[str]:
    if not summary.appointments:
        return []
    out = ["## Appointments", ""]
    for entry in summary.appointments:
        details = ", ".join(x for x in (entry.place, entry.phone) if x)
        out.append(
            f"- **{escape(entry.day)}**: {escape(entry.what)}"
            + (f" ({escape(details)})" if details else "")
        )
    return [*out, ""]


def _gaps(summary: HandoverSummary) -> list[str]:
    out = [f"## Still open: {len(summary.gaps)} gap{'s' if len(summary.gaps) != 1 else ''}", ""]
    if not summary.gaps:
        return [*out, "No open gaps.", ""]
    for n, gap in enumerate(summary.gaps, 1):
        where = f" ({escape(gap.section_title)})" if gap.section_title else ""
        text = escape(gap_text(gap, summary.as_of))
        out.append(f"{n}. **{severity_text(gap.severity)}**{where}: {text}")
    return [*out, ""]


def _closed(summary: HandoverSummary) -> list[str]:
    if not summary.closed:
        return []
    out = ["## Declined or not required", ""]
    for closed in summary.closed:
        out.append(
            f"- **{escape(closed.title)}** ({escape(closed.section_title)}): "
            f"{escape(closed.status_label)}. Reason: {escape(closed.reason)}"
        )
    return [*out, ""]


def _contacts(summary: HandoverSummary) -> list[str]:
    out = ["## Contacts", ""]
    for contact in summary.contacts:
        details = [contact.name or "NOT RECORDED", contact.phone, contact.email, contact.detail]
        out.append(f"- **{escape(contact.role)}**: " + escape(", ".join(d for d in details if d)))
    out.append(f"- **The person**: {escape(summary.own_contact_text())}")
    return [*out, ""]


def _section(section: Section) -> list[str]:
    counts = (
        f", {section.resolved} of {section.applicable} resolved"
        if section.applicable is not None and section.applicable
        else ""
    )
    out = [f"### {escape(section.title)}: {escape(section.status_label)}{counts}", ""]
    if section.redacted:
        return [*out, "_Left out of this redacted summary (health detail)._", ""]
    for item in section.items:
        out += _item(item)
    return out


def _item(item: Item) -> list[str]:
    out = [f"- **{escape(item.title)}**: {escape(item_status_text(item))}"]
    out += [f"  - {escape(e.label)}: {escape(e.value)}" for e in item.evidence]
    if item.notes:
        out.append(f"  - Notes: {escape(item.notes)}")
    return [*out, ""]
