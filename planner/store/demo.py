"""A sample caseload for trying planner out, training officers and taking screenshots.

`build_demo_caseload` makes about 40 fictional people at every stage from 16 weeks to 2
days before release, with progress that fits each stage (far from release: mostly not
started; close to it: mostly done) and the gaps real caseloads have: no fixed abode close
to release, blocked items with reasons, work marked done without its evidence, items
declined with a reason, care leavers, veterans, foreign nationals, people on medication or
with children. It is deterministic for a given seed and day.

`write_demo` writes it through the ordinary `CaseStore` API, so the sample is audited like
any other change. Every change is made by the officer named `DEMO_OFFICER`, which is also
what marks a demo database: a database is a demo database when every case in it was
created by "Demo data" (read from the audit log). `write_demo` refuses a database holding
any other case, so sample people are never mixed into real records.

Every name, number, address and phone number here is invented. Phone numbers are in
Ofcom's drama range (01632 960xxx) and email addresses use example.org.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from planner.domain.assessment import applies
from planner.domain.calendar import (
    ReleaseDayRiskKind,
    bank_holiday_name,
    next_working_day,
    release_day_risk_kind,
)
from planner.domain.case import Case
from planner.domain.checklist import Checklist, EvidenceValue, ItemRecord
from planner.domain.equality import Sex
from planner.domain.identifiers import expected_pnc_check_letter
from planner.domain.person import Circumstances, Contact, Person, ReleaseKind
from planner.domain.status import ItemStatus
from planner.domain.template import EvidenceField, FieldType, ItemTemplate, Template
from planner.store.errors import StoreError
from planner.store.repository import CaseStore

DEMO_OFFICER = "Demo data"
DEMO_PRISON = "HMP Example"
MAX_COUNT = 500


class DemoRefused(StoreError):
    """The database holds real records, or already holds the sample and may not be replaced."""


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


@dataclass(frozen=True)
class DemoCheck:
    """What a database holds, as far as the demo is concerned."""

    demo: int  # cases created by the demo
    real: list[str]  # prison numbers of cases created by anyone else

    @property
    def empty(self) -> bool:
        return self.demo == 0 and not self.real


# --- the people ---------------------------------------------------------------------------

# Names by ethnic group (ONS 2021 codes), so that a person's names and recorded ethnicity
# go together: (group, weight, men's forenames, women's forenames, surnames).
_NAMES: tuple[tuple[str, int, tuple[str, ...], tuple[str, ...], tuple[str, ...]], ...] = (
    (
        "white_british",
        56,
        (
            "James",
            "Daniel",
            "Liam",
            "Connor",
            "Kyle",
            "Ryan",
            "Lewis",
            "Dean",
            "Kieran",
            "Darren",
            "Callum",
            "Shane",
            "Wayne",
            "Jason",
            "Craig",
            "Nathan",
            "Reece",
            "Gareth",
            "Stephen",
            "Owen",
            "Michael",
            "Jake",
            "Paul",
            "Dylan",
            "Lee",
            "Scott",
        ),
        ("Sarah", "Chloe", "Leanne", "Kelly", "Jade", "Natasha", "Shannon", "Rebecca", "Emma"),
        (
            "Smith",
            "Jones",
            "Taylor",
            "Brown",
            "Williams",
            "Wilson",
            "Johnson",
            "Davies",
            "Robinson",
            "Wright",
            "Thompson",
            "Evans",
            "Walker",
            "White",
            "Roberts",
            "Green",
            "Hall",
            "Wood",
            "Jackson",
            "Clarke",
            "Hughes",
            "Edwards",
            "Lewis",
            "Morgan",
            "Fletcher",
            "Barker",
            "Shaw",
            "Lloyd",
            "Harrison",
            "Marshall",
        ),
    ),
    (
        "white_irish",
        3,
        ("Sean", "Patrick", "Declan", "Ciaran"),
        ("Siobhan", "Aoife"),
        ("Murphy", "O'Brien", "Doyle", "McCarthy", "Kelly", "Byrne"),
    ),
    (
        "white_gypsy_traveller",
        3,
        ("John", "Tommy", "Levi", "Noah"),
        ("Mary", "Bridget"),
        ("Lee", "Price", "Boswell", "Lovell", "Loveridge"),
    ),
    (
        "white_other",
        6,
        ("Tomasz", "Piotr", "Marek", "Andrei", "Ionut", "Darius"),
        ("Agnieszka", "Ioana"),
        ("Kowalski", "Nowak", "Wisniewski", "Popescu", "Ionescu", "Kazlauskas"),
    ),
    (
        "black_caribbean",
        6,
        ("Marcus", "Tyrone", "Jermaine", "Andre", "Delroy"),
        ("Shanice", "Keisha"),
        ("Campbell", "Francis", "Baptiste", "Grant", "Thomas", "Brown"),
    ),
    (
        "black_african",
        5,
        ("Adebayo", "Chinedu", "Kwame", "Samuel", "Abdi"),
        ("Grace", "Amara"),
        ("Okafor", "Mensah", "Adeyemi", "Osei", "Mohamed", "Eze"),
    ),
    (
        "asian_pakistani",
        5,
        ("Imran", "Bilal", "Mohammed", "Usman", "Adil"),
        ("Zainab", "Amira"),
        ("Khan", "Hussain", "Ahmed", "Akhtar", "Iqbal"),
    ),
    (
        "asian_bangladeshi",
        2,
        ("Rahim", "Shahid", "Abdul"),
        ("Nasima", "Rupa"),
        ("Miah", "Uddin", "Rahman", "Ali"),
    ),
    (
        "mixed_white_black_caribbean",
        5,
        ("Jordan", "Kai", "Tyler", "Aaron", "Jaden"),
        ("Chantelle", "Jasmine"),
        ("Campbell", "Smith", "Francis", "Johnson", "Walker"),
    ),
    (
        "prefer_not_to_say",
        4,
        ("Mark", "Ben", "Adam", "Chris"),
        ("Laura", "Kim"),
        ("Parker", "Hill", "Cooper", "Ward"),
    ),
)
# Foreign nationals: (group, forename, surname, immigration status).
_FOREIGN = (
    ("white_other", "Tomasz", "Kowalczyk", "EU Settlement Scheme: settled status"),
    ("white_other", "Andrei", "Popa", "EU Settlement Scheme: pre-settled status"),
    ("black_african", "Chukwuma", "Obi", "Leave to remain; deportation being considered"),
    ("white_other", "Marius", "Vasile", "EU Settlement Scheme: application pending"),
)
_TOWNS = (
    ("Leeds", "Leeds City Council", "Leeds Eastgate Jobcentre", "Leeds PDU"),
    (
        "Bradford",
        "City of Bradford Metropolitan District Council",
        "Bradford Jobcentre",
        "Bradford PDU",
    ),
    ("Sheffield", "Sheffield City Council", "Sheffield Eastern Avenue Jobcentre", "Sheffield PDU"),
    ("Wakefield", "Wakefield Council", "Wakefield Jobcentre", "Wakefield PDU"),
    ("Hull", "Hull City Council", "Hull Jobcentre", "Hull PDU"),
    ("Doncaster", "City of Doncaster Council", "Doncaster Jobcentre", "Doncaster PDU"),
)
_STAFF = (
    "Priya Shah",
    "Tom Hargreaves",
    "Ngozi Eze",
    "Claire Boyd",
    "Rob Adeyemi",
    "Helen Walsh",
    "Sam Dobson",
    "Fatima Rahman",
)
_STREETS = ("Example Road", "Sample Street", "Demo Avenue", "Placeholder Lane", "Test Close")

_KINDS = (
    (ReleaseKind.CRD, 58),
    (ReleaseKind.SDS40, 16),
    (ReleaseKind.HDC, 12),
    (ReleaseKind.ARD, 9),
    (ReleaseKind.CONFIRMED, 5),
)
_HOUSING = (
    ("settled", 45),
    ("temporary", 14),
    ("cas3", 16),
    ("cas1", 4),
    ("cas2", 5),
    ("no_fixed_abode", 16),
)


def _weighted(rng: random.Random, options: Sequence[tuple[str, int]]) -> str:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def _name_group(
    rng: random.Random,
) -> tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    group = rng.choices(_NAMES, weights=[entry[1] for entry in _NAMES])[0]
    return group[0], group[2], group[3], group[4]


def _weighted_kind(rng: random.Random) -> ReleaseKind:
    return rng.choices([k for k, _ in _KINDS], weights=[w for _, w in _KINDS])[0]


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
    plans = _stages(today, count)
    _place_scenarios(plans, today)
    numbers: set[str] = set()
    used_names: set[tuple[str, str]] = set()
    cases: list[DemoCase] = []
    for plan in plans:
        _circumstances(rng, plan)
        person = _person(rng, plan, today, numbers, used_names)
        items = _items(rng, plan, person, template, today)
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
    plan.housing = _weighted(rng, _HOUSING)
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
        options = [f for f in _FOREIGN if (f[1], f[2]) not in used_names] or list(_FOREIGN)
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
    pom = _STAFF[rng.randrange(len(_STAFF))]
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
    values = _Values(rng, plan, person, today)
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
    rng: random.Random, plan: _Plan, spec: ItemTemplate, values: _Values
) -> DemoItem | None:
    status = _status(rng, plan, spec)
    if status is ItemStatus.NOT_STARTED:
        return None
    if status is ItemStatus.IN_PROGRESS:
        return DemoItem(spec.id, status, values.partial(spec))
    evidence = values.full(spec)
    if spec.id == "benefits.uc_appointment" and "appointment_date" not in evidence:
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


def _scenario_item(plan: _Plan, spec: ItemTemplate, values: _Values) -> DemoItem | None:
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
        return DemoItem(
            item,
            ItemStatus.BLOCKED,
            values.pick(spec, {"bank": "barclays", "date_applied": values.ago(30)}),
            reason="Application declined: CIFAS fraud marker. Trying a basic account with "
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


# --- evidence values ----------------------------------------------------------------------


class _Values:
    """Evidence for one person, valid for the template's field types and choices."""

    def __init__(self, rng: random.Random, plan: _Plan, person: Person, today: date) -> None:
        self.rng = rng
        self.plan = plan
        self.person = person
        self.today = today
        town = _TOWNS[rng.randrange(len(_TOWNS))]
        self.town, self.council, self.jobcentre, self.pdu = town
        self.com = _STAFF[rng.randrange(len(_STAFF))]

    def ago(self, most: int, least: int = 1) -> str:
        """An ISO date between `least` and `most` days before today (never after it)."""
        return (self.today - timedelta(days=self.rng.randint(least, max(least, most)))).isoformat()

    def after_release(self, name: str, days: int) -> dict[str, EvidenceValue]:
        """An appointment on the first working day at least `days` after release."""
        release = self.person.release_date
        if release is None:
            return {}
        return {name: next_working_day(release + timedelta(days=days)).isoformat()}

    def _curated(self, item_id: str) -> dict[str, EvidenceValue]:
        rng, plan, person = self.rng, self.plan, self.person
        applied = self.ago(60, 20)
        later = self.ago(18, 1)
        kind = person.release_kind.value.lower()
        housing = plan.housing
        address = (
            f"{rng.randint(1, 120)} {rng.choice(_STREETS)}, {self.town}"
            if housing in ("settled", "temporary")
            else {
                "cas1": f"Example House approved premises, {self.town}",
                "cas2": f"CAS2 property, {self.town}",
                "cas3": f"CAS3 shared house, {self.town}",
            }.get(housing, "None yet")
        )
        documents = (
            ["brp_evisa", "passport"]
            if plan.foreign
            else ["birth_certificate", "birth_certificate", "passport", "driving_licence"]
        )
        psr = rng.choices(["available", "not_prepared", "unknown"], weights=[30, 50, 20])[0]
        table: dict[str, dict[str, EvidenceValue]] = {
            "release.date_confirmed": {
                "date_type": kind,
                "hdc_eligible": person.release_kind is ReleaseKind.HDC,
            },
            "release.day_plan": {
                "travel_arranged": True,
                "phone": rng.random() < 0.7,
                "met_by": rng.choice(
                    ["Mother", "Partner", "Sister", "No one; travel warrant issued", "Friend"]
                ),
            },
            "id.documents": {
                "document_type": rng.choice(documents),
                "date_applied": applied,
                "date_received": later,
                "funded_by": "Prisoner ID programme",
                "stored_in_property": True,
            },
            "bank.account": {
                "bank": rng.choice(["barclays", "coop", "lloyds", "natwest", "santander"]),
                "date_applied": applied,
                "outcome": "opened",
                "outcome_date": later,
            },
            "benefits.work_coach": {
                "date_seen": later,
                "ni_number_held": rng.random() < 0.8,
                "phone_or_email": rng.random() < 0.6,
            },
            "benefits.uc_appointment": {
                "jobcentre": self.jobcentre,
                **self.after_release("appointment_date", 0),
                "appointment_time": rng.choice(["09:30", "10:00", "11:15", "13:40"]),
                "advance_discussed": True,
                "housing_costs": housing != "settled",
            },
            "accommodation.address": {
                "accommodation_type": housing,
                "address": address,
                "date_confirmed": later,
            },
            "accommodation.duty_to_refer": {
                "local_authority": self.council,
                "date_referred": applied,
                "consent": True,
                "outcome": rng.choice(["submitted", "accepted"]),
            },
            "accommodation.cas_referral": {
                "tier": housing if housing in ("cas1", "cas2", "cas3") else "cas3",
                "date_referred": applied,
                "outcome": "Bed space offered",
            },
            "psr.status": {
                "status": psr,
                **(
                    {
                        "report_type": rng.choices(
                            ["oral", "fast_delivery", "standard_delivery"], weights=[52, 45, 3]
                        )[0],
                        "report_date": self.ago(400, 120),
                        "court": f"{self.town} Magistrates' Court",
                    }
                    if psr == "available"
                    else {}
                ),
            },
            "handover.com_allocated": {
                "com_name": self.com,
                "pdu": self.pdu,
                "date_allocated": applied,
            },
            "handover.meeting": {
                "date_held": later,
                "attendees": "Prison offender manager, community offender manager, the person",
            },
            "handover.summary_sent": {
                "date_sent": later,
                "format": "PDF by secure email",
                "recipient": self.pdu,
            },
            "health.gp": {
                "practice": f"{self.town} Example Medical Centre",
                "date_registered": later,
            },
            "health.medication": {
                "days_supplied": rng.choice(["7", "14", "28", "28"]),
                "prescription_route": rng.choice(["FP10 prescription", "GP registered"]),
            },
            "health.substance_misuse": {
                "provider": f"{self.town} Recovery Service",
                **self.after_release("appointment_date", 7),
            },
            "health.mental_health": {
                "service": "RECONNECT",
                **self.after_release("appointment_date", 10),
            },
            "work.plan": {
                "plan": rng.choice(
                    [
                        "CSCS card course, then construction labouring",
                        "Warehouse work through a prison-leaver employer",
                        "Functional skills English at the local college",
                        "Return to previous job as a chef",
                    ]
                ),
                "employer_or_provider": rng.choice(
                    ["Example Construction Ltd", "Example College", "Example Kitchens"]
                ),
                "employment_lead_seen": True,
            },
            "family.contact": {
                "arrangements": "Contact with the children agreed with their grandmother",
                "social_worker_contact": f"{self.town} children's services duty team",
            },
            "special.veteran": {"date_referred": applied},
            "special.foreign_national": {
                "immigration_status": plan.foreign[3] if plan.foreign else "Settled status",
                "nrpf": bool(plan.foreign and "deportation" in plan.foreign[3]),
            },
            "special.care_leaver": {
                "contact": f"Personal adviser, {self.town} leaving-care team",
                "date_contacted": later,
            },
        }
        return dict(table.get(item_id, {}))

    def full(
        self, spec: ItemTemplate, override: dict[str, EvidenceValue] | None = None
    ) -> dict[str, EvidenceValue]:
        """Every required field and the curated optional ones."""
        evidence = self.pick(spec, {**self._curated(spec.id), **(override or {})})
        for f in spec.required_fields:
            if f.name not in evidence:
                evidence[f.name] = self._generic(f)
        return evidence

    def partial(self, spec: ItemTemplate) -> dict[str, EvidenceValue]:
        """What an officer has recorded part way through: the first steps only."""
        names = _FIRST_STEPS.get(spec.id)
        curated = self.pick(spec, self._curated(spec.id))
        if names is None:
            names = tuple(f.name for f in spec.evidence[: max(1, len(spec.evidence) // 2)])
        return {name: value for name, value in curated.items() if name in names}

    def pick(
        self, spec: ItemTemplate, wanted: dict[str, EvidenceValue]
    ) -> dict[str, EvidenceValue]:
        """The values that are valid for the item's fields; others are dropped."""
        out: dict[str, EvidenceValue] = {}
        for name, value in wanted.items():
            f = spec.field(name)
            if f is not None and _valid(f, value, self.today):
                out[name] = value
        return out

    def _generic(self, f: EvidenceField) -> EvidenceValue:
        if f.type is FieldType.DATE:
            if f.name in _FUTURE_DATE_FIELDS:
                return self.after_release(f.name, 0).get(f.name) or self.ago(30)
            return self.ago(30)
        if f.type is FieldType.YES_NO:
            return True
        if f.type is FieldType.CHOICE:
            return f.choices[0].value
        return "Recorded"


_FIRST_STEPS: dict[str, tuple[str, ...]] = {
    "release.date_confirmed": ("hdc_eligible",),
    "release.day_plan": ("phone", "met_by"),
    "id.documents": ("document_type", "date_applied", "funded_by"),
    "bank.account": ("bank", "date_applied"),
    "benefits.work_coach": ("ni_number_held",),
    "benefits.uc_appointment": ("jobcentre",),
    "accommodation.address": ("accommodation_type",),
    "accommodation.duty_to_refer": ("local_authority", "consent"),
    "accommodation.cas_referral": ("tier",),
    "psr.status": (),
    "handover.com_allocated": ("pdu",),
    "handover.meeting": ("attendees",),
    "handover.summary_sent": ("recipient", "format"),
    "health.gp": ("practice",),
    "health.medication": ("prescription_route",),
    "health.substance_misuse": ("provider",),
    "health.mental_health": ("service",),
    "work.plan": ("employment_lead_seen",),
    "family.contact": ("social_worker_contact",),
    "special.veteran": (),
    "special.foreign_national": ("immigration_status",),
    "special.care_leaver": ("contact",),
}


_FUTURE_DATE_FIELDS = frozenset({"appointment_date", "booking_start"})


def _valid(f: EvidenceField, value: EvidenceValue, today: date) -> bool:
    if f.type is FieldType.YES_NO:
        return isinstance(value, bool)
    if isinstance(value, bool):
        return False
    if f.type is FieldType.CHOICE:
        return any(c.value == value for c in f.choices)
    if f.type is FieldType.DATE:
        try:
            day = date.fromisoformat(value)
        except ValueError:
            return False
        # Appointments are booked for after release; every other date has happened.
        return day <= today or f.name in _FUTURE_DATE_FIELDS
    return bool(value.strip())


# --- writing and recognising a demo database ----------------------------------------------


def check_database(store: CaseStore) -> DemoCheck:
    """How many cases the demo created, and which cases anyone else created.

    A case counts as the demo's when the latest audit entry creating it was made by
    DEMO_OFFICER; a case with no creation entry (its history purged) counts as real.
    """
    numbers = store.numbers()
    if not numbers:
        return DemoCheck(0, [])
    created_by: dict[str, str] = {}
    for entry in store.history():
        if entry.field == "case" and entry.new == "created" and entry.case:
            created_by[entry.case] = entry.by
    real = [n for n in numbers if created_by.get(n) != DEMO_OFFICER]
    return DemoCheck(len(numbers) - len(real), real)


def is_demo_database(store: CaseStore) -> bool:
    """True when the database holds cases and every one was made by the demo."""
    check = check_database(store)
    return check.demo > 0 and not check.real


def write_demo(
    store: CaseStore,
    template: Template,
    today: date,
    *,
    count: int = 40,
    seed: int = 7,
    replace: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> list[DemoCase]:
    """Write the sample caseload through the store; refuse a database with real records.

    The store must act as DEMO_OFFICER (that is what marks the cases as sample ones). A
    database that already holds the sample is replaced only with `replace`.
    """
    if store.officer != DEMO_OFFICER:
        raise ValueError(f"open the store with officer={DEMO_OFFICER!r} to write the demo")
    check = check_database(store)
    if check.real:
        n = len(check.real)
        raise DemoRefused(
            f"{store.path} holds {n} real record{'s' if n != 1 else ''} (not made by "
            "'planner demo'); the sample caseload is never mixed with them: choose another "
            "file with --db"
        )
    if check.demo and not replace:
        raise DemoRefused(
            f"{store.path} already holds the sample caseload; add --force to replace it"
        )
    cases = build_demo_caseload(today, template, count=count, seed=seed)
    if check.demo:
        store.remove(store.numbers())
    store.add_many([c.person for c in cases], template)
    for done, case in enumerate(cases, start=1):
        number = case.person.number
        for item in case.items:
            evidence: dict[str, EvidenceValue | None] = dict(item.evidence)
            store.save_item(
                number,
                item.item_id,
                status=item.status,
                evidence=evidence,
                reason=item.reason or None,
                notes=item.notes or None,
            )
        if case.notes:
            store.update_notes(number, case.notes)
        if progress is not None:
            progress(done, len(cases))
    return cases
