"""The handover summary: one model, built once from a case, rendered into every format.

`build_summary` reads a case, its template and its evaluation for a day and gathers what a
community offender manager needs on release day: who, when, where they will sleep, what is
booked for day one, every section with the evidence recorded, what is still open (most
urgent first), what was declined or not required and why, and who to call. With
`redact=True` special category and health detail is left out, and the summary says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from planner.domain.appointments import appointments
from planner.domain.assessment import applies
from planner.domain.calendar import format_day, release_day_risk
from planner.domain.case import Case
from planner.domain.equality import ETHNICITIES, RELIGIONS
from planner.domain.evidence_text import shown_value
from planner.domain.gaps import Evaluation, Flag, SectionStatus, Severity
from planner.domain.person import CIRCUMSTANCE_LABELS, Contact, ReleaseKind
from planner.domain.status import ItemStatus
from planner.domain.template import Template
from planner.export.contacts import com_name_and_unit
from planner.export.day_one import day_one_actions
from planner.export.evidence import (
    HEALTH_CIRCUMSTANCES,
    HEALTH_SECTIONS,
    REDACTED_HEALTH,
    REDACTION_NOTICE,
    evidence_of,
    is_redacted,
    not_counted,
)
from planner.export.model import (
    SCHEMA_VERSION,
    AppointmentEntry,
    Closed,
    ContactEntry,
    Gap,
    GapCounts,
    HandoverSummary,
    Item,
    Person,
    Provenance,
    Readiness,
    Release,
    Section,
)

__all__ = ["SCHEMA_VERSION", "HandoverSummary", "build_summary"]

RELEASE_KIND_LABELS: dict[ReleaseKind, str] = {
    ReleaseKind.CRD: "Conditional release date (CRD)",
    ReleaseKind.ARD: "Automatic release date (ARD)",
    ReleaseKind.PED: "Parole eligibility date (PED)",
    ReleaseKind.HDC: "Home detention curfew (HDC)",
    ReleaseKind.SDS40: "Standard determinate sentence released at 40% (SDS40)",
    ReleaseKind.CONFIRMED: "Confirmed release date",
}
SEX_LABELS = {"female": "Female", "male": "Male", "prefer_not_to_say": "Prefer not to say"}
ADDRESS_ITEM = "accommodation.address"


def build_summary(
    case: Case,
    template: Template,
    evaluation: Evaluation,
    *,
    officer: str,
    generated_at: datetime,
    redact: bool,
    planner_version: str,
) -> HandoverSummary:
    """The handover summary of one case as of the evaluation's day."""
    counts = severity_counts(evaluation.flags)
    assessment = evaluation.assessment
    return HandoverSummary(
        as_of=evaluation.today,
        redacted=redact,
        redaction_notice=REDACTION_NOTICE if redact else None,
        person=_person(case, redact),
        release=_release(case, template, evaluation),
        readiness=Readiness(
            percent=round(evaluation.readiness * 100),
            resolved=assessment.resolved,
            applicable=assessment.applicable,
        ),
        gap_counts=GapCounts(
            critical=counts[Severity.CRITICAL],
            warning=counts[Severity.WARNING],
            info=counts[Severity.INFO],
        ),
        day_one=day_one_actions(case, template, redact=redact),
        appointments=_appointments(case, template, redact),
        gaps=[_gap(flag, template, redact) for flag in evaluation.flags],
        closed=_closed(case, template, redact),
        sections=[_section(s, case, template, evaluation, redact) for s in evaluation.sections],
        contacts=_contacts(case),
        notes=None if redact else (case.notes.strip() or None),
        generated=Provenance(
            generated_at=generated_at,
            officer=officer,
            template_id=template.id,
            template_version=template.version,
            planner_version=planner_version,
        ),
    )


def _appointments(case: Case, template: Template, redact: bool) -> list[AppointmentEntry]:
    """The plan's appointments, soonest first, by the rule the person's own plan uses."""
    return [
        AppointmentEntry(
            date=a.appointment.day,
            time=a.appointment.time or None,
            day=a.appointment.day_text(),
            what=a.label,
            place=a.appointment.place or None,
            phone=a.appointment.phone or None,
            item_id=a.item_id,
        )
        for a in appointments(case, template)
        if not (redact and a.health)
    ]


def severity_counts(flags: Iterable[Flag]) -> dict[Severity, int]:
    counts = dict.fromkeys(Severity, 0)
    for flag in flags:
        counts[flag.severity] += 1
    return counts


def _person(case: Case, redact: bool) -> Person:
    person = case.person
    release = person.release_date
    sex = None if redact or person.sex is None else SEX_LABELS.get(person.sex, person.sex)
    ethnicity = None if redact or person.ethnicity is None else ETHNICITIES[person.ethnicity]
    religion = None if redact or person.religion is None else RELIGIONS[person.religion]
    sentence = None if redact or person.sentence is None else person.sentence.text
    return Person(
        name=person.display_name,
        forename=person.forename,
        surname=person.surname,
        prison_number=person.number,
        crn=person.crn,
        pnc=person.pnc,
        date_of_birth=person.date_of_birth,
        age_on_release=person.age_on(release) if release else None,
        sex=sex,
        ethnicity=ethnicity,
        religion=religion,
        sentence=sentence,
        prison=person.prison,
        location=person.location,
        circumstances=[
            label
            for key, label in CIRCUMSTANCE_LABELS.items()
            if getattr(person.circumstances, key) and not (redact and key in HEALTH_CIRCUMSTANCES)
        ],
        phone=person.phone.strip() or None,
        email=person.email.strip() or None,
    )


def _release(case: Case, template: Template, evaluation: Evaluation) -> Release:
    person = case.person
    day = person.release_date
    risk = release_day_risk(day) if day else None
    kind = text = None
    if template.has_item(ADDRESS_ITEM):
        address = case.checklist.item(ADDRESS_ITEM)
        raw_kind = address.evidence.get("accommodation_type")
        if isinstance(raw_kind, str) and raw_kind:
            kind = shown_value(template.item(ADDRESS_ITEM).field("accommodation_type"), raw_kind)
        raw_text = address.evidence.get("address")
        if isinstance(raw_text, str) and raw_text.strip():
            text = raw_text.strip()
    return Release(
        date=day,
        day=format_day(day) if day else None,
        weekday=f"{day:%A}" if day else None,
        kind=person.release_kind.value,
        kind_label=RELEASE_KIND_LABELS[person.release_kind],
        days_to_release=evaluation.days_to_release,
        day_risk=f"The {risk.description}: {risk.advice}." if risk else None,
        hdc_eligible=person.hdc_eligible,
        accommodation_type=kind,
        address=text,
        address_not_booked=evaluation.assessment.address_not_booked is not None,
    )


def _section(
    status: SectionStatus, case: Case, template: Template, evaluation: Evaluation, redact: bool
) -> Section:
    hidden = redact and status.section in HEALTH_SECTIONS
    items: list[Item] = []
    if not hidden:
        due = {i.item_id: i.due for i in evaluation.assessment.open_items}
        for item in template.items:
            if item.section != status.section or not applies(item, case):
                continue
            record = case.checklist.item(item.id)
            day = None if record.status.resolved else due.get(item.id)
            items.append(
                Item(
                    id=item.id,
                    title=item.title,
                    status=record.status,
                    status_label=record.status.label,
                    reason=record.reason.strip() or None,
                    due=day,
                    overdue=day is not None and day < evaluation.today,
                    not_counted=not_counted(item, record),
                    evidence=evidence_of(item, record, redact),
                    notes=None if redact else (record.notes.strip() or None),
                )
            )
    return Section(
        id=status.section,
        title=status.title,
        status_label=status.label,
        applicable=None if hidden else status.applicable,
        resolved=None if hidden else status.resolved,
        redacted=hidden,
        items=items,
    )


def _gap(flag: Flag, template: Template, redact: bool) -> Gap:
    hidden = redact and flag.section in HEALTH_SECTIONS
    return Gap(
        severity=flag.severity,
        kind=flag.kind.value,
        kind_label=flag.kind.label,
        reason=f"A health item is {flag.kind.label}. {REDACTED_HEALTH}" if hidden else flag.reason,
        item_id=None if hidden else flag.item_id,
        section=flag.section,
        section_title=template.section_title(flag.section) if flag.section else None,
        due=None if hidden else flag.due,
    )


def _closed(case: Case, template: Template, redact: bool) -> list[Closed]:
    closed: list[Closed] = []
    for item in template.items:
        record = case.checklist.item(item.id)
        if record.status not in (ItemStatus.DECLINED, ItemStatus.NOT_REQUIRED):
            continue
        if not applies(item, case):
            continue
        hidden = is_redacted(item, None, redact)
        closed.append(
            Closed(
                item_id=None if hidden else item.id,
                title="A health item" if hidden else item.title,
                section_title=template.section_title(item.section),
                status=record.status,
                status_label=record.status.label,
                reason=REDACTED_HEALTH
                if hidden
                else (record.reason.strip() or "no reason recorded"),
            )
        )
    return closed


def _contacts(case: Case) -> list[ContactEntry]:
    """The POM and the COM as recorded in the person's contacts; the COM's name and
    probation delivery unit fall back to those recorded on the allocation item."""
    person = case.person
    pom = person.prison_offender_manager
    com_name, com_unit = com_name_and_unit(case)
    return [
        _contact("Prison offender manager (POM)", pom.name, pom.unit, pom, "Team"),
        _contact(
            "Community offender manager (COM)",
            com_name,
            com_unit,
            person.community_offender_manager,
            "Probation delivery unit",
        ),
    ]


def _contact(role: str, name: str, unit: str, contact: Contact, unit_label: str) -> ContactEntry:
    unit = unit.strip()
    return ContactEntry(
        role=role,
        name=name.strip() or None,
        phone=contact.phone.strip() or None,
        email=contact.email.strip() or None,
        detail=f"{unit_label}: {unit}" if unit else None,
        unit=unit or None,
    )
