"""The sample caseload: about 40 fictional people at every stage before release (and, in
:mod:`planner.demo.released`, the people released in the year before).

`build_demo_caseload` makes people at every stage from 16 weeks to 2 days before release,
with progress that fits each stage (far from release: mostly not started; close to it:
mostly done) and the gaps real caseloads have: no fixed abode close to release, blocked
items with reasons, work marked done without its evidence, items declined with a reason,
care leavers, veterans, foreign nationals, people on medication or with children. It is
deterministic for a given seed and day. The people, places and staff it draws on are in
:mod:`planner.demo.names`; the evidence it records in
:mod:`planner.demo.evidence`.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from planner.demo.equality import equality_details
from planner.demo.evidence import SampleEvidence
from planner.demo.names import (
    DRAMA_PHONE_PREFIX,
    FOREIGN_NATIONALS,
    HOUSING,
    NAMES,
    PDU_PHONE_PREFIX,
    RELEASE_KINDS,
    STAFF,
)
from planner.domain.assessment import applies
from planner.domain.calendar import (
    ReleaseDayRiskKind,
    bank_holiday_name,
    release_day_risk_kind,
)
from planner.domain.case import Case
from planner.domain.checklist import Checklist, EvidenceValue, ItemRecord
from planner.domain.equality import Sex
from planner.domain.identifiers import expected_pnc_check_letter
from planner.domain.person import Circumstances, Contact, Person, ReleaseKind
from planner.domain.status import ItemStatus
from planner.domain.template import ItemTemplate, Template

DEMO_PRISON = "HMP Example"
MAX_COUNT = 500
COM_ITEM = "handover.com_allocated"


@dataclass(frozen=True)
class DemoItem:
    """One checklist item as the sample records it."""

    item_id: str
    status: ItemStatus
    evidence: dict[str, EvidenceValue] = field(default_factory=dict)
    reason: str = ""
    notes: str = ""


@dataclass(frozen=True)
class DemoCase:
    person: Person
    items: tuple[DemoItem, ...]
    notes: str = ""
    story: str = ""  # what the case shows, for a trainer


# --- the people ---------------------------------------------------------------------------


def _weighted(rng: random.Random, options: Sequence[tuple[str, int]]) -> str:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def _name_group(
    rng: random.Random,
) -> tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    group = rng.choices(NAMES, weights=[entry[1] for entry in NAMES])[0]
    return group[0], group[2], group[3], group[4]


def _weighted_kind(rng: random.Random) -> ReleaseKind:
    return rng.choices([k for k, _ in RELEASE_KINDS], weights=[w for _, w in RELEASE_KINDS])[0]


# --- scenarios: the gaps a trainer wants to show, placed at a stage -----------------------


@dataclass
class _Plan:
    """A person being made: what the generator decides before writing items."""

    index: int
    days: int | None  # days to release; None for no release date
    friday: bool = False
    before_holiday: date | None = None
    scenario: str = ""
    female: bool = False
    circumstances: dict[str, bool] = field(default_factory=dict)
    age: int = 30
    housing: str = "settled"
    foreign: tuple[str, str, str, str] | None = None
    release: date | None = None


# (scenario, target days to release). Applied to the person nearest that stage.
_SCENARIOS: tuple[tuple[str, int], ...] = (
    ("nfa_near", 12),
    ("rough_sleeping", 25),
    ("cifas", 58),
    ("no_birth_certificate", 45),
    ("done_without_evidence", 31),
    ("declined", 19),
    ("no_reason", 37),
    ("id_not_received", 23),
    ("care_leaver", 70),
    ("veteran", 90),
    ("veteran", 15),
    ("foreign_national", 100),
    ("foreign_national", 40),
    ("foreign_national", 8),
    ("dependants_mother", 52),
)
_FRIDAY_TARGETS = (5, 33, 61, 82, 104)


def build_demo_caseload(
    today: date, template: Template, *, count: int = 40, seed: int = 7
) -> list[DemoCase]:
    """About `count` fictional people at every stage before release, as of `today`."""
    if not 1 <= count <= MAX_COUNT:
        raise ValueError(f"count must be between 1 and {MAX_COUNT}, not {count}")
    rng = random.Random(seed)
    # The COMs' phone numbers come from a stream of their own, so the rest of the sample is
    # what it was before they had any.
    com_rng = random.Random(f"community offender managers {seed}")
    equality_rng = random.Random(f"equality {seed}")  # likewise religion and sentence
    plans = _stages(today, count)
    _place_scenarios(plans, today)
    numbers: set[str] = set()
    used_names: set[tuple[str, str]] = set()
    cases: list[DemoCase] = []
    for plan in plans:
        _circumstances(rng, plan)
        person = _person(rng, plan, today, numbers, used_names)
        items = _items(rng, plan, person, template, today)
        person = _with_com(com_rng, person, items)
        details = equality_details(equality_rng, person.ethnicity)
        person = person.model_copy(update=details)
        cases.append(DemoCase(person, tuple(items), _case_notes(plan), _story(plan)))
    return cases


def _stages(today: date, count: int) -> list[_Plan]:
    """Days to release spread evenly from 112 to 2, plus one unknown and one passed."""
    specials: list[int | None] = []
    if count >= 3:
        specials = [None, -3]
    spread = count - len(specials)
    days: list[int | None] = [
        round(112 - i * (110 / (spread - 1))) if spread > 1 else 56 for i in range(spread)
    ]
    # Keep the list in stage order with the specials in the middle and at the end.
    if specials:
        days.insert(spread // 2, specials[0])
        days.append(specials[1])
    return [_Plan(index=i, days=d) for i, d in enumerate(days)]


def _place_scenarios(plans: list[_Plan], today: date) -> None:
    free = [p for p in plans if p.days is not None and p.days >= 2]

    def nearest(target: int) -> _Plan | None:
        candidates = [p for p in free if not p.scenario and not p.friday]
        if not candidates:
            return None
        assert all(p.days is not None for p in candidates)
        return min(candidates, key=lambda p: (abs((p.days or 0) - target), p.index))

    holiday = _day_before_a_bank_holiday(today)
    if holiday is not None:
        plan = nearest((holiday - today).days)
        if plan is not None:
            plan.before_holiday = holiday
            plan.scenario = "before_bank_holiday"
    for target in _FRIDAY_TARGETS:
        plan = nearest(target)
        if plan is not None:
            plan.friday = True
    for scenario, target in _SCENARIOS:
        plan = nearest(target)
        if plan is not None:
            plan.scenario = scenario


def _day_before_a_bank_holiday(today: date) -> date | None:
    """The first weekday, 2 to 16 weeks ahead (or later), that comes before a bank holiday."""
    for ahead in range(2, 200):
        day = today + timedelta(days=ahead)
        after = day + timedelta(days=1)
        if day.weekday() < 5 and not bank_holiday_name(day) and bank_holiday_name(after):
            return day
    return None


def _release_date(plan: _Plan, today: date) -> date | None:
    if plan.days is None:
        return None
    if plan.before_holiday is not None:
        return plan.before_holiday
    day = today + timedelta(days=plan.days)
    if plan.days < 0:
        return day
    if plan.friday:
        for shift in sorted(range(-10, 11), key=abs):
            candidate = day + timedelta(days=shift)
            if (
                release_day_risk_kind(candidate) is ReleaseDayRiskKind.FRIDAY
                and (candidate - today).days >= 2
            ):
                return candidate
    # Most releases: a working Monday to Thursday with no release-day risk.
    for shift in (0, -1, 1, -2, 2, -3, 3, -4, 4):
        candidate = day + timedelta(days=shift)
        if (candidate - today).days >= 2 and release_day_risk_kind(candidate) is None:
            return candidate
    return day


def _circumstances(rng: random.Random, plan: _Plan) -> None:
    flags = {
        "on_medication": rng.random() < 0.35,
        "substance_misuse": rng.random() < 0.3,
        "mental_health": rng.random() < 0.2,
        "dependants": rng.random() < 0.25,
        "veteran": False,
        "foreign_national": False,
        "care_leaver": False,
    }
    plan.female = rng.random() < 0.15
    plan.age = rng.randint(22, 62)
    plan.housing = _weighted(rng, HOUSING)
    scenario = plan.scenario
    if scenario == "care_leaver":
        flags["care_leaver"] = True
        plan.age = 21
    elif scenario == "veteran":
        flags["veteran"] = True
        plan.age = rng.randint(34, 58)
    elif scenario == "foreign_national":
        flags["foreign_national"] = True
        plan.female = False  # the sample's foreign nationals have men's names
    elif scenario == "declined":
        flags["substance_misuse"] = True
    elif scenario == "dependants_mother":
        flags["dependants"] = True
        plan.female = True
    elif scenario in ("nfa_near", "rough_sleeping"):
        plan.housing = "no_fixed_abode" if scenario == "nfa_near" else "rough_sleeping"
        flags["substance_misuse"] = True
    plan.circumstances = flags


def _person(
    rng: random.Random,
    plan: _Plan,
    today: date,
    numbers: set[str],
    used_names: set[tuple[str, str]],
) -> Person:
    foreign: tuple[str, str, str, str] | None = None
    if plan.scenario == "foreign_national":
        options = [f for f in FOREIGN_NATIONALS if (f[1], f[2]) not in used_names] or list(
            FOREIGN_NATIONALS
        )
        foreign = options[0]
        group, forename, surname = foreign[0], foreign[1], foreign[2]
    else:
        group, men, women, surnames = _name_group(rng)
        for _ in range(50):
            forename = rng.choice(women if plan.female else men)
            surname = rng.choice(surnames)
            if (forename, surname) not in used_names:
                break
    plan.foreign = foreign
    used_names.add((forename, surname))
    number = _prison_number(rng, numbers)
    release = _release_date(plan, today)
    plan.release = release
    if release is not None:
        plan.days = (release - today).days  # the stage after moving the day
    birth_anchor = release or today
    born = date(birth_anchor.year - plan.age, 1, 1) + timedelta(days=rng.randint(0, 364))
    born = min(born, birth_anchor - timedelta(days=365 * plan.age + 30))
    kind = _weighted_kind(rng) if release is not None else ReleaseKind.CRD
    crn = f"{rng.choice('ABCDEFGHJKLMNPRSTX')}{rng.randint(0, 999_999):06d}"
    pnc: str | None = None
    if rng.random() < 0.8:
        year = born.year + rng.randint(16, max(16, plan.age - 2))
        serial = f"{year}/{rng.randint(1, 9_999_999):07d}"
        pnc = serial + expected_pnc_check_letter(serial + "A")
    pom = STAFF[rng.randrange(len(STAFF))]
    sex = Sex.FEMALE if plan.female else Sex.MALE
    if rng.random() < 0.05:
        sex = Sex.PREFER_NOT_TO_SAY
    ethnicity: str | None = group if rng.random() < 0.92 else None  # not always recorded
    return Person.model_validate(
        {
            "number": number,
            "surname": surname,
            "forename": forename,
            "date_of_birth": born,
            "release_date": release,
            "release_kind": kind,
            "hdc_eligible": True if kind is ReleaseKind.HDC else None,
            "prison": DEMO_PRISON,
            "location": _location(rng, plan),
            "crn": crn if rng.random() < 0.85 else None,
            "pnc": pnc,
            "sex": sex,
            "ethnicity": ethnicity,
            "circumstances": Circumstances(**plan.circumstances),
            "prison_offender_manager": Contact(
                name=pom,
                role="Prison offender manager",
                phone=f"01632 960{rng.randint(0, 999):03d}",
                email=f"{pom.split()[0].lower()}.{pom.split()[1].lower()}@example.org",
            ),
        }
    )


def _with_com(rng: random.Random, person: Person, items: Sequence[DemoItem]) -> Person:
    """The person's record with the COM the allocation item names, their PDU, a phone and
    an email, as an officer copies them in once probation says who it is. Where no COM is
    named yet (not allocated, or only the PDU known) the record has none, so close to
    release the missing-COM flag shows."""
    allocation = next((item for item in items if item.item_id == COM_ITEM), None)
    name = allocation.evidence.get("com_name") if allocation is not None else None
    if allocation is None or not isinstance(name, str) or not name.strip():
        return person
    pdu = allocation.evidence.get("pdu")
    unit = pdu if isinstance(pdu, str) else ""
    prefix = PDU_PHONE_PREFIX.get(unit, DRAMA_PHONE_PREFIX)
    first, *rest = name.lower().split()
    com = Contact(
        name=name,
        role="Community offender manager",
        unit=unit,
        phone=f"{prefix}{rng.randint(0, 999):03d}",
        email=f"{first}.{'-'.join(rest)}@probation.example.org",
    )
    return person.model_copy(update={"community_offender_manager": com})


def _prison_number(rng: random.Random, numbers: set[str]) -> str:
    while True:
        letters = "ABCDEFGHJKLMNPRSTVWXYZ"
        number = (
            f"{rng.choice('AG')}{rng.randint(1000, 9999)}{rng.choice(letters)}{rng.choice(letters)}"
        )
        if number not in numbers:
            numbers.add(number)
            return number


def _location(rng: random.Random, plan: _Plan) -> str:
    wing = "F" if plan.female else rng.choice("ABCDE")
    return f"{wing}-{rng.randint(1, 4)}-{rng.randint(1, 32):03d}"


def _case_notes(plan: _Plan) -> str:
    return {
        "nfa_near": "Sample case: no address yet, 12 days out. Council asked for a Duty to "
        "Refer follow-up; CAS3 referral in progress.",
        "cifas": "Sample case: bank refused because of a CIFAS marker.",
        "care_leaver": "Sample case: care leaver, 21. Personal adviser is keen to help.",
        "dependants_mother": "Sample case: two children living with their grandmother.",
    }.get(plan.scenario, "")


def _story(plan: _Plan) -> str:
    if plan.days is None:
        return "no release date recorded"
    if plan.days < 0:
        return "release date has passed but the case is still open"
    parts = [f"{plan.days} days before release"]
    if plan.release is not None and plan.release.weekday() == 4:
        parts.append("released on a Friday")
    if plan.scenario:
        parts.append(plan.scenario.replace("_", " "))
    return ", ".join(parts)


# --- checklist progress -------------------------------------------------------------------


def _items(
    rng: random.Random, plan: _Plan, person: Person, template: Template, today: date
) -> list[DemoItem]:
    """Progress that fits the stage, then the scenario's gaps on top."""
    created = datetime.combine(today, time(9, 0), tzinfo=UTC)
    records: dict[str, ItemRecord] = {}
    items: dict[str, DemoItem] = {}
    values = SampleEvidence(rng, person, today, housing=plan.housing, foreign=plan.foreign)
    for spec in template.items:
        case = Case(
            person=person,
            checklist=Checklist(
                template_id=template.id, template_version=template.version, items=records
            ),
            created_at=created,
            updated_at=created,
        )
        if not applies(spec, case):
            continue
        item = _scenario_item(plan, spec, values) or _progress_item(rng, plan, spec, values)
        if item is None:
            continue
        items[spec.id] = item
        records = {
            **records,
            spec.id: ItemRecord(status=item.status, evidence=item.evidence, reason=item.reason),
        }
    return list(items.values())


def _progress_item(
    rng: random.Random, plan: _Plan, spec: ItemTemplate, values: SampleEvidence
) -> DemoItem | None:
    status = _status(rng, plan, spec)
    if status is ItemStatus.NOT_STARTED:
        return None
    if status is ItemStatus.IN_PROGRESS:
        return DemoItem(spec.id, status, values.partial(spec))
    evidence = values.full(spec)
    booked = "appointment_date" in evidence or "appointment" in evidence
    if spec.id == "benefits.uc_appointment" and not booked:
        # The appointment is after release; the sample records no future dates, so the
        # booking stays in progress until the jobcentre confirms it.
        return DemoItem(
            spec.id,
            ItemStatus.IN_PROGRESS,
            evidence,
            notes="Booked by phone; waiting for the jobcentre to confirm the date in writing.",
        )
    return DemoItem(spec.id, ItemStatus.DONE, evidence)


def _status(rng: random.Random, plan: _Plan, spec: ItemTemplate) -> ItemStatus:
    """Far from release mostly not started; near it mostly done; some gaps throughout."""
    if plan.days is None:
        roll = rng.random()
        if spec.id == "release.date_confirmed":
            return ItemStatus.IN_PROGRESS
        return ItemStatus.DONE if roll < 0.1 else ItemStatus.NOT_STARTED
    slack = plan.days - spec.due_days_before_release  # days until the item is due
    if slack < 0:
        odds = (0.86, 0.1)  # done, in progress; the rest not started (overdue)
    elif slack <= 14:
        odds = (0.45, 0.35)
    elif slack <= 42:
        odds = (0.2, 0.3)
    else:
        odds = (0.05, 0.1)
    roll = rng.random()
    if roll < odds[0]:
        return ItemStatus.DONE
    if roll < odds[0] + odds[1]:
        return ItemStatus.IN_PROGRESS
    return ItemStatus.NOT_STARTED


def _scenario_item(plan: _Plan, spec: ItemTemplate, values: SampleEvidence) -> DemoItem | None:
    """The item a scenario fixes, if this is one of them."""
    scenario, item = plan.scenario, spec.id
    if scenario in ("nfa_near", "rough_sleeping"):
        if item == "accommodation.address":
            evidence = values.pick(spec, {"accommodation_type": plan.housing})
            if scenario == "rough_sleeping":
                return DemoItem(
                    item,
                    ItemStatus.BLOCKED,
                    evidence,
                    reason="No response from the council to the Duty to Refer; chased twice. "
                    "Escalated to the housing lead.",
                )
            return DemoItem(item, ItemStatus.IN_PROGRESS, evidence)
        if item == "accommodation.duty_to_refer":
            return DemoItem(item, ItemStatus.DONE, values.full(spec, {"outcome": "submitted"}))
        if item == "accommodation.cas_referral":
            return DemoItem(item, ItemStatus.IN_PROGRESS, values.partial(spec))
    if scenario == "cifas" and item == "bank.account":
        # Marked done with the refusal as its outcome: the need is not met, and it is flagged.
        return DemoItem(
            item,
            ItemStatus.DONE,
            values.pick(
                spec, {"bank": "barclays", "date_applied": values.ago(30), "outcome": "declined"}
            ),
            notes="Application declined: CIFAS fraud marker. Trying a basic account with "
            "another bank through the banking programme.",
        )
    if scenario == "no_birth_certificate" and item == "id.documents":
        return DemoItem(
            item,
            ItemStatus.BLOCKED,
            values.pick(
                spec, {"document_type": "birth_certificate", "date_applied": values.ago(21)}
            ),
            reason="General Register Office found no birth registered under this name; "
            "checking a previous name with the person.",
        )
    if scenario == "id_not_received" and item == "id.documents":
        evidence = values.full(spec)
        evidence.pop("date_received", None)
        evidence["date_applied"] = values.ago(40)
        return DemoItem(item, ItemStatus.DONE, evidence, notes="Applied; not arrived yet.")
    if scenario == "done_without_evidence" and item in ("work.plan", "handover.meeting"):
        evidence = values.full(spec)
        for required in spec.required_fields:
            evidence.pop(required.name, None)
        return DemoItem(item, ItemStatus.DONE, evidence)
    if scenario == "declined" and item == "health.substance_misuse":
        return DemoItem(
            item,
            ItemStatus.DECLINED,
            reason="Does not want a community referral; harm-reduction advice and naloxone "
            "information given.",
        )
    if scenario == "no_reason" and item == "health.gp":
        return DemoItem(item, ItemStatus.NOT_REQUIRED)
    if scenario == "care_leaver" and item == "special.care_leaver":
        return DemoItem(item, ItemStatus.IN_PROGRESS, values.partial(spec))
    return None
