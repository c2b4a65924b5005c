"""The caseload's columns: what a list shows of each person, named as filters name things.

A column is any of the person's fields a filter can read (``location``, ``assigned``,
``com``, ``com.email``, ``crn``...), any item's status (``bank.account``), any item's
evidence field (``accommodation.address.accommodation_type``), or one of these:

========== =================================================================
name       SURNAME, Forename
release    the release date
days       days to release
ready      readiness (the share of applicable items resolved)
critical   how many critical flags (also ``warning``, ``info``)
most_urgent the most urgent flag, in a few words
next_due   the soonest due date of an item still open (past, when one is overdue)
window     where in the caseload the person is ("due for release in the next 28 days")
========== =================================================================

The CLI (``planner list --columns``) and the UI use the same names. Values are read from
the caseload's summaries, the flags for today and, only for the rows shown and only when
a column needs it, the stored records.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from planner.domain.calendar import format_day
from planner.domain.caseload_search import window_of
from planner.domain.equality import ETHNICITIES
from planner.domain.filter_terms import FilterError, Kind, Subject, Where
from planner.domain.filter_vocabulary import ALIASES, Vocabulary, nearest, shown
from planner.domain.filtering import (
    CaseloadFilter,
    CaseloadRow,
    Records,
)
from planner.domain.flags import Flag, Severity, flag_order
from planner.domain.raw_case import (
    Record,
    evidence_value,
    item_applies,
    item_status,
    person_value,
)
from planner.domain.status import RESOLVED, ItemStatus

Cell = str | int | float | date | None
NOT_APPLICABLE = "not applicable"
_RESOLVED = frozenset(s.value for s in RESOLVED)


class Shape(StrEnum):
    """How a column's values are written: text, a date, a count or a share."""

    TEXT = "text"
    DATE = "date"
    COUNT = "count"
    SHARE = "share"


class Source(StrEnum):
    SUMMARY = "summary"  # the caseload's summary of the person
    COUNTS = "counts"  # the flags for today
    NEXT_DUE = "next_due"
    PERSON = "person"  # a person's field held only in the record
    STATUS = "status"
    EVIDENCE = "evidence"


@dataclass(frozen=True, slots=True)
class Column:
    """One column: `name` as typed, `heading` for a terminal, `title` for a spreadsheet."""

    name: str
    heading: str
    title: str
    shape: Shape
    source: Source
    key: str = ""  # the summary attribute, severity, person field or item id
    field: str = ""  # an evidence field's name
    wrap: bool = False  # a terminal may wrap it onto more lines (never cut)

    @property
    def needs_record(self) -> bool:
        return self.source in (Source.PERSON, Source.STATUS, Source.EVIDENCE)

    @property
    def needs_flags(self) -> bool:
        return self.source is Source.COUNTS


def _summary(name: str, heading: str, shape: Shape = Shape.TEXT, *, wrap: bool = False) -> Column:
    return Column(name, heading, heading, shape, Source.SUMMARY, name, wrap=wrap)


FIXED: dict[str, Column] = {
    c.name: c
    for c in (
        _summary("number", "Number"),
        _summary("name", "Name", wrap=True),
        _summary("surname", "Surname", wrap=True),
        _summary("forename", "Forename", wrap=True),
        _summary("prison", "Prison", wrap=True),
        _summary("location", "Location", wrap=True),
        _summary("release", "Release", Shape.DATE),
        _summary("release_kind", "Type"),
        _summary("days", "Days", Shape.COUNT),
        _summary("ready", "Ready", Shape.SHARE),
        _summary("state", "State"),
        _summary("assigned", "Assigned to", wrap=True),
        _summary("window", "Where in the caseload", wrap=True),
        Column("critical", "Critical", "Critical flags", Shape.COUNT, Source.COUNTS, "critical"),
        Column("warning", "Warning", "Warning flags", Shape.COUNT, Source.COUNTS, "warning"),
        Column("info", "Info", "Info flags", Shape.COUNT, Source.COUNTS, "info"),
        Column(
            "most_urgent", "Most urgent", "Most urgent flag", Shape.TEXT, Source.COUNTS,
            "top", wrap=True,
        ),
        Column("next_due", "Next due", "Next due", Shape.DATE, Source.NEXT_DUE),
    )
}  # fmt: skip
_COLUMN_ALIASES = {"flag": "most_urgent", "flags": "most_urgent", "readiness": "ready"}
DEFAULT_COLUMNS = (
    "number",
    "name",
    "location",
    "release",
    "days",
    "ready",
    "critical",
    "warning",
    "most_urgent",
)
_PERSON_HEADINGS = {
    "crn": "CRN",
    "sex": "Sex",
    "ethnicity": "Ethnicity",
    "date_of_birth": "Born",
    "phone": "Phone",
    "email": "Email",
}


def column_names(vocabulary: Vocabulary) -> list[str]:
    """Every column name, for help and completion."""
    people = [p for p in vocabulary.subject_paths() if p not in ("flag", "release")]
    return [*FIXED, *people]


def parse_columns(text: str | Sequence[str], vocabulary: Vocabulary) -> list[Column]:
    """Columns named by `a,b,c` (or a list of names); FilterError names an unknown one."""
    names = text.split(",") if isinstance(text, str) else list(text)
    chosen: list[Column] = []
    for raw in names:
        if raw.strip():
            chosen.append(column(raw, vocabulary))
    if not chosen:
        raise FilterError("no columns named: give names separated by commas, e.g. number,name")
    return _distinct_headings(chosen)


def column(raw: str, vocabulary: Vocabulary) -> Column:
    key = raw.strip().lower()
    key = _COLUMN_ALIASES.get(key, key)
    if key in FIXED:
        return FIXED[key]
    if ALIASES.get(key, key) == "release":
        return FIXED["release"]
    try:
        subject = vocabulary.subject(key)
    except FilterError as exc:
        close = nearest(key, column_names(vocabulary))
        hint = f" (did you mean {' or '.join(close)}?)" if close else ""
        raise FilterError(f"unknown column {shown(raw.strip())}{hint}; {exc}") from None
    return _subject_column(subject, vocabulary)


def _subject_column(subject: Subject, vocabulary: Vocabulary) -> Column:
    if subject.where is Where.FLAG:
        return FIXED["most_urgent"]
    if subject.where is Where.PERSON:
        if subject.name in FIXED:
            return FIXED[subject.name]
        head, _, part = subject.name.partition(".")
        heading = _PERSON_HEADINGS.get(subject.name) or (f"{head.upper()} {part}".strip())
        if subject.name in ("com.name", "pom.name"):
            heading = head.upper()
        shape = Shape.DATE if subject.kind is Kind.DATE else Shape.TEXT
        title = vocabulary.spec(subject).label
        return Column(subject.path, heading, title, shape, Source.PERSON, subject.name, wrap=True)
    item = vocabulary.items[subject.item]
    if subject.where is Where.STATUS:
        return Column(subject.path, subject.item, item.title, Shape.TEXT, Source.STATUS, item.id)
    spec = vocabulary.spec(subject)
    shape = Shape.DATE if subject.kind is Kind.DATE else Shape.TEXT
    return Column(
        subject.path,
        spec.label,
        f"{item.title}: {spec.label}",
        shape,
        Source.EVIDENCE,
        item.id,
        subject.name,
        wrap=subject.kind is Kind.TEXT,
    )


def _distinct_headings(columns: list[Column]) -> list[Column]:
    """Two evidence columns both headed "Date applied" are headed by their names instead."""
    seen: dict[str, int] = {}
    for col in columns:
        seen[col.heading] = seen.get(col.heading, 0) + 1
    return [
        Column(c.name, c.name, c.title, c.shape, c.source, c.key, c.field, c.wrap)
        if seen[c.heading] > 1 and c.source is Source.EVIDENCE
        else c
        for c in columns
    ]


class ColumnReader:
    """Reads the chosen columns of caseload rows, sharing a CaseloadFilter's flags."""

    def __init__(self, filtering: CaseloadFilter, records: Records, vocabulary: Vocabulary):
        self.filtering = filtering
        self.records = records
        self.vocabulary = vocabulary

    def table(self, columns: Sequence[Column], rows: Sequence[CaseloadRow]) -> list[list[Cell]]:
        """One list of values per row, in the columns' order."""
        docs: dict[str, Record] = {}
        if any(c.needs_record for c in columns) and rows:
            docs = dict(self.records([r.number for r in rows]))
        flagged = any(c.needs_flags for c in columns)
        table: list[list[Cell]] = []
        for row in rows:
            flags = self.sorted_flags(row) if flagged else []
            doc = docs.get(row.number)
            table.append([self.value(c, row, flags, doc) for c in columns])
        return table

    def sorted_flags(self, row: CaseloadRow) -> list[Flag]:
        return sorted(self.filtering.flags(row), key=flag_order)

    def value(
        self, col: Column, row: CaseloadRow, flags: Sequence[Flag], doc: Record | None
    ) -> Cell:
        source = col.source
        if source is Source.SUMMARY:
            return _summary_value(col.key, row, self.filtering.today)
        if source is Source.COUNTS:
            if col.key == "top":
                return f"{flags[0].headline} ({flags[0].severity.value})" if flags else ""
            severity = Severity(col.key)
            return sum(1 for f in flags if f.severity is severity)
        if source is Source.NEXT_DUE:
            return next_due(row)
        if doc is None:
            return None
        if source is Source.PERSON:
            return _person_value(col.key, doc)
        item = self.filtering.item(row.assessment.template_key, col.key)
        if source is Source.STATUS:
            if item is None:
                return NOT_APPLICABLE
            status = row.assessment.open_status(col.key)
            if status is not None:
                return ItemStatus(status).label
            if not item_applies(item, doc):
                return NOT_APPLICABLE
            return _status_label(item_status(doc, col.key))
        if item is None or not item_applies(item, doc):
            return None
        return self._evidence(col, evidence_value(doc, col.key, col.field))

    def _evidence(self, col: Column, value: object) -> Cell:
        if value is None:
            return None
        if isinstance(value, bool):
            return "yes" if value else "no"
        text = str(value)
        if col.shape is Shape.DATE:
            try:
                return date.fromisoformat(text[:10])
            except ValueError:
                return text
        spec = self.vocabulary.fields.get((col.key, col.field))
        if spec is not None and spec.choices:
            return dict(spec.choices).get(text, text)
        return text


def _summary_value(key: str, row: CaseloadRow, today: date) -> Cell:
    if key == "name":
        return f"{row.surname.upper()}, {row.forename}"
    if key == "release":
        return row.release_date
    if key == "days":  # from the listed fields: no assessment is parsed for these two
        release = row.release_date
        return None if release is None else (release - today).days
    if key == "ready":
        return row.readiness
    if key == "assigned":
        return row.assigned_to
    if key == "window":
        return window_of(row, today)
    value: str = getattr(row, key)
    return value


def _person_value(name: str, doc: Record) -> Cell:
    value = person_value(doc, name)
    if value is None or value == "":
        return None
    if name == "date_of_birth":
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            return str(value)
    if name == "ethnicity":
        return ETHNICITIES.get(str(value), str(value))
    if name == "sex":
        return str(value).replace("_", " ")
    return str(value)


def _status_label(status: str) -> str:
    try:
        return ItemStatus(status).label
    except ValueError:
        return status


def next_due(row: CaseloadRow) -> date | None:
    """The soonest due date of an item still open (a past one when one is overdue)."""
    return row.assessment.next_due()


def cell_text(value: Cell, shape: Shape) -> str:
    """A value as a terminal shows it: dates with their weekday, shares as percentages."""
    if value is None:
        return ""
    if isinstance(value, date):
        return format_day(value)
    if shape is Shape.SHARE and isinstance(value, float):
        return f"{round(value * 100):d}%"
    return str(value)


def cell_csv(value: Cell, shape: Shape) -> str:
    """A value as a spreadsheet reads it: ISO dates, whole-number percentages."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if shape is Shape.SHARE and isinstance(value, float):
        return str(round(value * 100))
    return str(value)


def csv_title(col: Column) -> str:
    return f"{col.title} %" if col.shape is Shape.SHARE else col.title


__all__ = [
    "DEFAULT_COLUMNS",
    "Cell",
    "Column",
    "ColumnReader",
    "Shape",
    "cell_csv",
    "cell_text",
    "column_names",
    "csv_title",
    "next_due",
    "parse_columns",
]
