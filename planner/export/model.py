"""The parts of a handover summary: plain data, identical in every export format.

The JSON Schema shipped as `handover.schema.json` is generated from these models, so a
change here is a change of the published format: add fields rather than rename them, and
raise `SCHEMA_VERSION` when a change would break a reader.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from planner.domain.calendar import count_days, format_day
from planner.domain.gaps import Severity
from planner.domain.status import ItemStatus

SCHEMA_VERSION: Literal[1] = 1
NO_RELEASE_DATE = "NO RELEASE DATE RECORDED"
NO_ADDRESS = "NOT CONFIRMED"
ADDRESS_NOT_BOOKED = "NOT BOOKED"
# Values that say something vital is missing; formats that can, make them stand out.
ALARMS = frozenset({NO_RELEASE_DATE, NO_ADDRESS})


class _Part(BaseModel):
    # Every field is always written, so the published schema requires every field.
    model_config = ConfigDict(
        extra="forbid", frozen=True, json_schema_serialization_defaults_required=True
    )


class Person(_Part):
    """Who is being released. `sex`, `ethnicity`, `religion` and `sentence` are None when
    redacted or unrecorded."""

    name: str
    forename: str
    surname: str
    prison_number: str
    crn: str | None
    pnc: str | None
    date_of_birth: date | None
    age_on_release: int | None
    sex: str | None
    ethnicity: str | None
    religion: str | None = Field(default=None, description="Religion or belief, in words")
    sentence: str | None = Field(
        default=None, description="Sentence length in words, e.g. '2 years 6 months'"
    )
    prison: str
    location: str
    circumstances: list[str] = Field(description="Labels of the circumstances that apply")
    phone: str | None = Field(default=None, description="The person's own phone, if recorded")
    email: str | None = Field(default=None, description="The person's own email, if recorded")


class Release(_Part):
    date: date | None
    day: str | None = Field(description="The date with its weekday, e.g. 'Wed 16 Dec 2026'")
    weekday: str | None
    kind: str
    kind_label: str
    days_to_release: int | None
    day_risk: str | None = Field(description="Why this release day strands people, if it does")
    hdc_eligible: bool | None
    accommodation_type: str | None
    address: str | None
    address_not_booked: bool = Field(
        description="The address needs a booking (CAS accommodation) that is not arranged"
    )


class Readiness(_Part):
    """Items done with their required evidence and an outcome that meets the need, or closed
    as not required or declined, out of the items that apply."""

    percent: int = Field(ge=0, le=100)
    resolved: int
    applicable: int


class GapCounts(_Part):
    critical: int
    warning: int
    info: int


class DayOneAction(_Part):
    """Something probation needs on release day, arranged or not. Arranged means its item
    is done with its required evidence and nothing recorded says otherwise (a referral not
    accepted, nobody to meet them)."""

    topic: str
    detail: str
    arranged: bool


class AppointmentEntry(_Part):
    """One appointment of the plan; the summary lists them soonest first, as the person's
    own plan does (planner.domain.appointments). A redacted summary leaves out health
    appointments."""

    date: date
    time: str | None = Field(description="24-hour HH:MM, when recorded")
    day: str = Field(description="As a person reads it, e.g. 'Thu 17 Dec 2026 at 09:30'")
    what: str = Field(description="What it is, e.g. 'Jobcentre appointment'")
    place: str | None
    phone: str | None
    item_id: str


class Evidence(_Part):
    field: str
    label: str
    value: str = Field(description="As a person reads it: choice labels, 'Yes', dates")
    raw: str | bool = Field(description="As stored: choice slugs, ISO dates, booleans")


class Item(_Part):
    id: str
    title: str
    status: ItemStatus
    status_label: str
    reason: str | None
    due: date | None = Field(description="The latest day to resolve it, while it is open")
    overdue: bool = Field(description="Open, and its due date has passed")
    not_counted: str | None = Field(
        description="Why an item marked done does not count as resolved: required evidence "
        "not recorded, or an outcome that means the need is not met"
    )
    evidence: list[Evidence]
    notes: str | None


class Section(_Part):
    id: str
    title: str
    status_label: str = Field(description="The section's status as the planner shows it")
    applicable: int | None = Field(description="None when redacted")
    resolved: int | None = Field(description="None when redacted")
    redacted: bool
    items: list[Item]


class Gap(_Part):
    """An open problem as the gap engine flagged it; gaps are listed most urgent first."""

    severity: Severity
    kind: str
    kind_label: str
    reason: str
    item_id: str | None
    section: str | None
    section_title: str | None
    due: date | None


class Closed(_Part):
    """An item closed without being done: declined or not required, with the reason."""

    item_id: str | None = Field(description="None when redacted")
    title: str
    section_title: str
    status: ItemStatus
    status_label: str
    reason: str


class ContactEntry(_Part):
    role: str
    name: str | None = Field(description="None when nobody is recorded")
    phone: str | None
    email: str | None
    detail: str | None = Field(description="The unit as a person reads it, e.g. 'Team: OMU'")
    unit: str | None = Field(
        default=None, description="Their team, or for a COM the probation delivery unit"
    )


class Provenance(_Part):
    generated_at: datetime
    officer: str
    template_id: str
    template_version: int
    planner_version: str


class HandoverSummary(_Part):
    """What probation receives about one person's release: the same content in every format."""

    schema_version: Literal[1] = SCHEMA_VERSION
    as_of: date = Field(description="The day the gaps and due dates are evaluated for")
    redacted: bool
    redaction_notice: str | None
    person: Person
    release: Release
    readiness: Readiness
    gap_counts: GapCounts
    day_one: list[DayOneAction]
    appointments: list[AppointmentEntry] = Field(
        default_factory=list, description="Every appointment recorded, soonest first"
    )
    gaps: list[Gap]
    closed: list[Closed]
    sections: list[Section]
    contacts: list[ContactEntry]
    notes: str | None
    generated: Provenance

    # --- wording shared by the text formats -----------------------------------------------

    def key_facts(self) -> list[tuple[str, str]]:
        """The facts at the top of every format, as (label, value) pairs."""
        p, r = self.person, self.release
        facts = [
            ("Name", p.name),
            ("Prison number", p.prison_number),
            ("CRN", p.crn or "not recorded"),
            ("PNC", p.pnc or "not recorded"),
            ("Date of birth", _date_of_birth(p)),
            ("Release", release_text(r)),
            ("Release type", r.kind_label),
            ("Release address", address_text(r)),
            ("Prison", ", ".join(x for x in (p.prison, p.location) if x) or "not recorded"),
            ("Readiness", self.readiness_text()),
            ("Open gaps", self.gap_count_text()),
        ]
        if p.sex is not None:
            facts.append(("Sex", p.sex))
        if p.ethnicity is not None:
            facts.append(("Ethnicity", p.ethnicity))
        if p.religion is not None:
            facts.append(("Religion", p.religion))
        if p.sentence is not None:
            facts.append(("Sentence", p.sentence))
        if p.circumstances:
            facts.append(("Circumstances", ", ".join(p.circumstances)))
        return facts

    def applicable_sections(self) -> list[Section]:
        """Sections with at least one item for this person (redacted ones included)."""
        return [s for s in self.sections if s.redacted or s.applicable]

    def not_applicable_text(self) -> str | None:
        titles = [s.title for s in self.sections if not (s.redacted or s.applicable)]
        return f"Not applicable to this person: {', '.join(titles)}." if titles else None

    def readiness_text(self) -> str:
        r = self.readiness
        return f"{r.percent}% ({r.resolved} of {r.applicable} items resolved)"

    def gap_count_text(self) -> str:
        c = self.gap_counts
        if c.critical + c.warning + c.info == 0:
            return "none"
        return f"{c.critical} critical, {c.warning} warning, {c.info} info"

    def own_contact_text(self) -> str:
        """The person's own phone and email, for the contacts of every text format."""
        parts = [x for x in (self.person.phone, self.person.email) if x]
        return ", ".join(parts) if parts else "no phone or email recorded"

    def title_text(self) -> str:
        return f"Handover summary: {self.person.name} ({self.person.prison_number})"

    def footer_text(self) -> str:
        g = self.generated
        return (
            f"Generated {format_day(g.generated_at.date())} {g.generated_at:%H:%M} by "
            f"{g.officer or 'unknown officer'}; template {g.template_id} v{g.template_version}; "
            f"planner {g.planner_version}"
        )


def _date_of_birth(person: Person) -> str:
    if person.date_of_birth is None:
        return "not recorded"
    age = f" (age {person.age_on_release} on release)" if person.age_on_release else ""
    return format_day(person.date_of_birth) + age


def release_text(release: Release) -> str:
    if release.day is None:
        return NO_RELEASE_DATE
    days = release.days_to_release
    if days is None or days == 0:
        return f"{release.day} (today)" if days == 0 else release.day
    n = abs(days)
    span = count_days(n)
    return f"{release.day} (in {span})" if days > 0 else f"{release.day} ({span} ago)"


def address_text(release: Release) -> str:
    """'CAS3: Flat 2, 14 Acre Lane', with 'NOT BOOKED' when the booking is not arranged."""
    parts = [x for x in (release.accommodation_type, release.address) if x]
    text = ": ".join(parts) if parts else NO_ADDRESS
    return f"{text} ({ADDRESS_NOT_BOOKED})" if release.address_not_booked else text


def item_status_text(item: Item) -> str:
    """'done', or 'declined: has his own account', or 'in progress (overdue: was due Wed 21
    Oct 2026)': the status once, and an open item's due date with its year."""
    text = f"{item.status_label}: {item.reason}" if item.reason else item.status_label
    if item.not_counted:
        text = f"{text}, but {item.not_counted}"
    return f"{text} ({due_text(item.due, overdue=item.overdue)})" if item.due else text


def due_text(day: date, *, overdue: bool) -> str:
    """'due Wed 9 Dec 2026', or 'overdue: was due Wed 21 Oct 2026'."""
    return f"overdue: was due {format_day(day)}" if overdue else f"due {format_day(day)}"


def severity_text(severity: Severity) -> str:
    """'!! CRITICAL': a symbol and a word, so the severity survives without colour."""
    return f"{severity.symbol} {severity.value.upper()}"


# Gaps whose date is the release date, which the summary gives at the top: no "due".
_ABOUT_RELEASE = frozenset(
    {"no_fixed_abode", "address_not_booked", "release_day", "release_passed", "no_release_date"}
)


def gap_text(gap: Gap, as_of: date) -> str:
    """The gap's reason, with its date (and whether it has passed) when the reason does not
    already give it; an overdue item says so in words."""
    reason = gap.reason
    if gap.kind == "overdue" and "overdue" not in reason.lower():
        reason = f"Overdue: {reason}"
    if gap.due is None or gap.kind in _ABOUT_RELEASE or format_day(gap.due) in reason:
        return reason
    when = due_text(gap.due, overdue=gap.due < as_of)
    return f"{reason} {when[:1].upper()}{when[1:]}."
