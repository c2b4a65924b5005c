"""The caseload as CSV: one row per person, for a spreadsheet or a team meeting.

Built for the question a spreadsheet answers in two clicks ("who still has no bank
account?"): each checklist item has a column for its status and a column for its worst
flag, so a filter on either needs one tick; the key evidence (accommodation type, release
address, ID received, bank outcome, jobcentre appointment) and the community offender
manager have columns of their own.

Health stays out, as in a redacted summary: the health section has one pair of columns
for the section as a whole (which health items apply would tell which health needs a
person has), and a health flag is named "a health item".

UTF-8 with a byte order mark and CR LF line ends, so Excel opens names with accents
correctly; ISO dates, which spreadsheets read as dates; whole-number percentages. Text a
spreadsheet would run as a formula (starting with =, +, -, @, a tab or a carriage return)
is prefixed with an apostrophe, as OWASP advises for CSV injection, and control
characters are shown as their codes. Health and special category detail is never in it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date

from planner.domain.appointment import read_stored
from planner.domain.assessment import Assessment, applies
from planner.domain.case import Case
from planner.domain.checklist import EvidenceValue
from planner.domain.columns import Cell, Column, Shape, cell_csv, csv_title
from planner.domain.gaps import Flag, Severity, flags_for
from planner.domain.template import FieldType, Template
from planner.domain.text import visible
from planner.export.contacts import com_name_and_unit
from planner.export.evidence import HEALTH_SECTIONS
from planner.export.summary import severity_counts
from planner.store.summary import CaseSummary

BOM = "\ufeff"
FIXED_COLUMNS = (
    "Prison number",
    "Surname",
    "Forename",
    "Date of birth",
    "CRN",
    "Prison",
    "Location",
    "Release date",
    "Release type",
    "Days to release",
    "State",
    "Assigned officer",
    "Readiness %",
    "Worst flag",
    "Most urgent",
)
COUNT_COLUMNS = ("Critical gaps", "Warning gaps", "Info gaps")
# (column, item, evidence field): what a COM and a team meeting ask about first.
KEY_EVIDENCE = (
    ("Accommodation type", "accommodation.address", "accommodation_type"),
    ("Release address", "accommodation.address", "address"),
    ("ID received", "id.documents", "date_received"),
    ("Bank outcome", "bank.account", "outcome"),
    ("Jobcentre appointment", "benefits.uc_appointment", "appointment_date"),
    ("Jobcentre appointment time", "benefits.uc_appointment", "appointment_time"),
    ("Jobcentre", "benefits.uc_appointment", "jobcentre"),
)
JOBCENTRE_ITEM = "benefits.uc_appointment"
COM_COLUMNS = ("COM name", "COM email", "COM phone", "COM PDU")
NOT_APPLICABLE = "not applicable"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def caseload_file_name(today: date) -> str:
    """The name the CLI and the UI give a caseload CSV written today."""
    return f"caseload-{today.isoformat()}.csv"


def status_column(column: str) -> str:
    """The status column of an item (or of the health section as a whole)."""
    return f"{column} status"


def flag_column(column: str) -> str:
    """The worst-flag column of an item (or of the health section as a whole)."""
    return f"{column} flag"


def safe_text(value: str) -> str:
    """Text a spreadsheet shows as typed, never runs as a formula."""
    shown = visible(value)
    return "'" + shown if value.startswith(_FORMULA_START) else shown


def caseload_table(
    summaries: Iterable[CaseSummary],
    template_for: Callable[[str], Template],
    today: date,
    cases: Mapping[str, Case],
) -> tuple[list[str], list[list[str]]]:
    """The header and rows: people by release date (unknown last), then prison number.

    `cases` holds the full records, for the item statuses, the evidence and the contacts;
    a person whose record is not in it gets those cells blank.
    """
    ordered = sorted(summaries, key=lambda s: (s.release_date or date.max, s.number))
    items: dict[str, None] = {}  # item ids, and health sections standing for their items
    for key in dict.fromkeys(s.assessment.template_key for s in ordered):
        for item in template_for(key).items:
            items[item.section if item.section in HEALTH_SECTIONS else item.id] = None
    header = [
        *FIXED_COLUMNS,
        *COUNT_COLUMNS,
        *(column for column, _item, _field in KEY_EVIDENCE),
        *COM_COLUMNS,
        *(column for item in items for column in (status_column(item), flag_column(item))),
    ]
    rows: list[list[str]] = []
    for summary in ordered:
        template = template_for(summary.assessment.template_key)
        flags = flags_for(summary.assessment, template, today)
        case = cases.get(summary.number)
        rows.append(
            [
                *_person(summary, case, today, flags),
                *_evidence(case, template),
                *_com(case),
                *_items(items, case, template, flags, summary.assessment),
            ]
        )
    return header, rows


def render_caseload_csv(header: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return (BOM + buffer.getvalue()).encode("utf-8")


def view_csv(columns: Sequence[Column], values: Iterable[Sequence[Cell]]) -> bytes:
    """A caseload view as CSV: the rows a filter lets through, in the columns chosen
    (`planner list --csv` and the UI's "Export this view" both write this). Each column
    is headed by its title; dates are ISO, shares whole percentages, and text a
    spreadsheet would run as a formula starts with an apostrophe."""
    header = [safe_text(csv_title(c)) for c in columns]
    body = [
        [
            safe_text(cell_csv(v, c.shape)) if c.shape is Shape.TEXT else cell_csv(v, c.shape)
            for c, v in zip(columns, row, strict=True)
        ]
        for row in values
    ]
    return render_caseload_csv(header, body)


def view_file_name(today: date) -> str:
    """The name the UI gives a CSV of the caseload view on screen, written today."""
    return f"caseload-view-{today.isoformat()}.csv"


def _person(summary: CaseSummary, case: Case | None, today: date, flags: list[Flag]) -> list[str]:
    person = case.person if case is not None else None
    release = summary.release_date
    born = person.date_of_birth if person is not None else None
    counts = severity_counts(flags)
    return [
        safe_text(summary.number),
        safe_text(summary.surname),
        safe_text(summary.forename),
        born.isoformat() if born else "",
        safe_text(person.crn or "") if person is not None else "",
        safe_text(summary.prison),
        safe_text(summary.location),
        release.isoformat() if release else "",
        safe_text(summary.release_kind),
        str((release - today).days) if release else "",
        safe_text(summary.state),
        safe_text(summary.assigned_to),
        str(round(summary.assessment.readiness * 100)),
        flags[0].severity.value if flags else "",
        safe_text(_headline(flags[0])) if flags else "",
        *(str(counts[s]) for s in (Severity.CRITICAL, Severity.WARNING, Severity.INFO)),
    ]


def _headline(flag: Flag) -> str:
    if flag.section in HEALTH_SECTIONS:
        return f"A health item: {flag.kind.label}"
    return flag.headline


def _evidence(case: Case | None, template: Template) -> list[str]:
    cells: list[str] = []
    jobcentre = _jobcentre_parts(case, template)
    for _column, item_id, field_name in KEY_EVIDENCE:
        value: EvidenceValue | None = None
        if field_name in jobcentre:
            value = jobcentre[field_name]
        elif case is not None and template.has_item(item_id):
            value = case.checklist.item(item_id).evidence.get(field_name)
        cells.append(
            "" if value is None else safe_text(_value(template, item_id, field_name, value))
        )
    return cells


def _jobcentre_parts(case: Case | None, template: Template) -> dict[str, EvidenceValue | None]:
    """The jobcentre columns from the one appointment of template version 4 on (its date,
    time and place); {} for a plan on an earlier version, whose separate fields they are."""
    if case is None or not template.has_item(JOBCENTRE_ITEM):
        return {}
    if template.item(JOBCENTRE_ITEM).field("appointment") is None:
        return {}
    booked = read_stored(case.checklist.item(JOBCENTRE_ITEM).evidence.get("appointment"))
    if booked is None:
        return dict.fromkeys(("appointment_date", "appointment_time", "jobcentre"))
    return {
        "appointment_date": booked.day.isoformat(),
        "appointment_time": booked.time or None,
        "jobcentre": booked.place or None,
    }


def _value(template: Template, item_id: str, field_name: str, value: EvidenceValue) -> str:
    """A choice's label, yes or no, an ISO date (as stored), text as typed."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    field = template.item(item_id).field(field_name)
    if field is not None and field.type is FieldType.CHOICE:
        return field.choice_label(value)
    return value


def _com(case: Case | None) -> list[str]:
    if case is None:
        return [""] * len(COM_COLUMNS)
    name, unit = com_name_and_unit(case)
    com = case.person.community_offender_manager
    return [safe_text(text) for text in (name, com.email.strip(), com.phone.strip(), unit)]


def _items(
    items: Iterable[str],
    case: Case | None,
    template: Template,
    flags: list[Flag],
    assessment: Assessment,
) -> list[str]:
    worst: dict[str, Severity] = {}
    for flag in flags:  # most urgent first: the first flag of an item is its worst
        if flag.section in HEALTH_SECTIONS:
            worst.setdefault(flag.section, flag.severity)
        elif flag.item_id is not None:
            worst.setdefault(flag.item_id, flag.severity)
    sections = {tally.section: tally for tally in assessment.sections}
    cells: list[str] = []
    for item_id in items:
        status = ""
        if item_id in HEALTH_SECTIONS:
            tally = sections.get(item_id)
            status = (
                _section_status(tally.applicable, tally.resolved, tally.started) if tally else ""
            )
        elif case is not None and template.has_item(item_id):
            item = template.item(item_id)
            record = case.checklist.item(item_id)
            status = record.status.label if applies(item, case) else NOT_APPLICABLE
        severity = worst.get(item_id)
        cells += [status, severity.value if severity else ""]
    return cells


def _section_status(applicable: int, resolved: int, started: int) -> str:
    if applicable == 0:
        return NOT_APPLICABLE
    if resolved == applicable:
        return "complete"
    return "in progress" if started else "not started"
