"""Sample people released in the last 12 months, with their release-day outcomes.

So that a newcomer's outcome figures look like a real prison's: about 10 releases a month,
each with sex, ethnicity, religion, age and sentence length recorded (now and then not, or
"prefer not to say"), and outcomes that vary the way published figures do: short
sentences leave with worse housing, women and Black prison leavers are less often in work
six weeks on (NAO, 2023), and some answers are unknown. Follow-ups are answered once they
are due, most of them; a few recent ones are still to ask. The equality fields of the
people still in custody are drawn here too, from a stream of their own, so the rest of
the sample is what it was before they existed.

Deterministic for a given seed and day. Every name and number is invented.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

from planner.demo.caseload import DEMO_PRISON
from planner.demo.equality import equality_details
from planner.demo.names import NAMES, STAFF
from planner.domain.equality import Sex
from planner.domain.outcome_measures import UNKNOWN, OutcomeMeasure
from planner.domain.person import CaseState, Circumstances, Contact, Person, ReleaseKind
from planner.domain.release_outcome import ReleaseOutcome, record_outcome
from planner.domain.template import Template

DEFAULT_RELEASED = 120  # about 10 a month over a year

# Where people stayed the first night, after a short sentence and after a longer one.
_FIRST_NIGHT = (
    ("settled", 50),
    ("temporary", 14),
    ("cas", 12),
    ("bail_probation", 12),
    ("rough_sleeping", 3),
    ("other_homeless", 5),
)
_FIRST_NIGHT_SHORT = (
    ("settled", 30),
    ("temporary", 18),
    ("cas", 14),
    ("bail_probation", 6),
    ("rough_sleeping", 9),
    ("other_homeless", 13),
)
_AGES: tuple[tuple[tuple[int, int], int], ...] = (
    ((18, 20), 6),
    ((21, 24), 13),
    ((25, 29), 17),
    ((30, 39), 32),
    ((40, 49), 19),
    ((50, 59), 9),
    ((60, 69), 3),
    ((70, 78), 1),
)


@dataclass(frozen=True)
class ReleasedCase:
    """A released person and the outcome recorded for them."""

    person: Person
    outcome: ReleaseOutcome


T = TypeVar("T")


def _weighted(rng: random.Random, options: Sequence[tuple[T, int]]) -> T:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def build_released(
    today: date,
    measures: Template,
    *,
    count: int = DEFAULT_RELEASED,
    seed: int = 7,
    taken: set[str] | None = None,
) -> list[ReleasedCase]:
    """`count` people released over the 12 months before `today`, with their outcomes
    recorded against `measures` (a template with outcome measures)."""
    rng = random.Random(f"released {seed}")
    numbers = taken if taken is not None else set()
    used_names: set[tuple[str, str]] = set()
    released: list[ReleasedCase] = []
    for index in range(count):
        day = _release_day(today, index, count)
        person = _person(rng, day, numbers, used_names)
        outcome = _outcome(rng, person, day, today, measures)
        released.append(ReleasedCase(person, outcome))
    return released


def _release_day(today: date, index: int, count: int) -> date:
    """Spread evenly from 2 to 364 days ago, moved to the nearest weekday."""
    ago = 2 + round(index * 362 / max(1, count - 1))
    day = today - timedelta(days=ago)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _person(
    rng: random.Random, day: date, numbers: set[str], used_names: set[tuple[str, str]]
) -> Person:
    group_entry = rng.choices(NAMES, weights=[entry[1] for entry in NAMES])[0]
    group, men, women, surnames = group_entry[0], group_entry[2], group_entry[3], group_entry[4]
    female = rng.random() < 0.15
    for _ in range(50):
        forename = rng.choice(women if female else men)
        surname = rng.choice(surnames)
        if (forename, surname) not in used_names:
            break
    used_names.add((forename, surname))
    low, high = _weighted(rng, _AGES)
    age = rng.randint(low, high)
    born = date(day.year - age - 1, 1, 1) + timedelta(days=rng.randint(1, 364))
    sex = Sex.FEMALE if female else Sex.MALE
    if rng.random() < 0.04:
        sex = Sex.PREFER_NOT_TO_SAY
    details = equality_details(rng, group)
    pom = STAFF[rng.randrange(len(STAFF))]
    return Person.model_validate(
        {
            "number": _number(rng, numbers),
            "surname": surname,
            "forename": forename,
            "date_of_birth": born,
            "release_date": day,
            "release_kind": _weighted(
                rng, ((ReleaseKind.CRD, 60), (ReleaseKind.HDC, 15), (ReleaseKind.SDS40, 25))
            ),
            "prison": DEMO_PRISON,
            "location": f"{'F' if female else rng.choice('ABCDE')}-{rng.randint(1, 4)}-"
            f"{rng.randint(1, 32):03d}",
            "sex": sex,
            "ethnicity": group if rng.random() < 0.93 else None,
            **details,
            "circumstances": Circumstances(
                on_medication=rng.random() < 0.35,
                substance_misuse=rng.random() < 0.35,
                mental_health=rng.random() < 0.2,
                dependants=rng.random() < 0.25,
            ),
            "state": CaseState.RELEASED,
            "prison_offender_manager": Contact(name=pom, role="Prison offender manager"),
        }
    )


def _number(rng: random.Random, numbers: set[str]) -> str:
    letters = "ABCDEFGHJKLMNPRSTVWXYZ"
    while True:
        number = f"{rng.choice('AG')}{rng.randint(1000, 9999)}{rng.choice(letters)}"
        number += rng.choice(letters)
        if number not in numbers:
            numbers.add(number)
            return number


def _outcome(
    rng: random.Random, person: Person, day: date, today: date, measures: Template
) -> ReleaseOutcome:
    short = person.sentence is not None and person.sentence.days_from(day) < 365
    female = person.sex is Sex.FEMALE
    black = (person.ethnicity or "").startswith(("black", "mixed_white_black"))
    answers: dict[str, str] = {}
    for measure in measures.release_day_measures:
        if measure.applies_to(person):
            answers[measure.id] = _release_day_answer(rng, measure, short=short)
    follow_ups: dict[str, str] = {}
    for measure in measures.follow_up_measures:
        due = measure.due_on(day)
        if not measure.applies_to(person) or due is None or due > today:
            continue
        if rng.random() < 0.12:  # not asked yet: still due
            continue
        follow_ups[measure.id] = _follow_up_answer(
            rng, measure, short=short, female=female, black=black, housed=answers
        )
    outcome = record_outcome(
        measures, person, released_on=day, answers=answers, today=today, by="Demo data"
    )
    for measure_id, answer in follow_ups.items():  # each found out a few days after it was due
        measure = measures.outcomes_by_id[measure_id]
        due = measure.due_on(day)
        assert due is not None
        outcome = record_outcome(
            measures,
            person,
            released_on=None,
            follow_ups={measure_id: answer},
            follow_up_on=min(today, due + timedelta(days=rng.randint(0, 6))),
            today=today,
            by="Demo data",
            previous=outcome,
        )
    return outcome


def _release_day_answer(rng: random.Random, measure: OutcomeMeasure, *, short: bool) -> str:
    if rng.random() < 0.06:
        return UNKNOWN
    if measure.id == "first_night":
        return _weighted(rng, _FIRST_NIGHT_SHORT if short else _FIRST_NIGHT)
    if measure.id == "planned_day":
        return _weighted(rng, (("on_day", 86), ("brought_forward", 6), ("later", 8)))
    chance = {"id": 0.72, "bank": 0.62, "uc": 0.82, "medication": 0.88, "treatment": 0.7}.get(
        measure.id, 0.7
    )
    if short:
        chance -= 0.12
    return _yes_no(rng, measure, chance)


def _follow_up_answer(
    rng: random.Random,
    measure: OutcomeMeasure,
    *,
    short: bool,
    female: bool,
    black: bool,
    housed: dict[str, str],
) -> str:
    if rng.random() < 0.08:
        return UNKNOWN
    if measure.id == "employed_6w":
        if rng.random() < 0.1:
            return "not_available"
        chance = 0.26 - (0.12 if female else 0) - (0.08 if black else 0) - (0.06 if short else 0)
        return "yes" if rng.random() < chance else "no"
    if measure.id == "settled_3m":
        housed_first = housed.get("first_night") in ("settled", "bail_probation")
        chance = 0.78 if housed_first else 0.38
        return "settled" if rng.random() < chance else "not_settled"
    chance = {"jobcentre_kept": 0.74, "treatment_3w": 0.46}.get(measure.id, 0.6)
    return _yes_no(rng, measure, chance)


def _yes_no(rng: random.Random, measure: OutcomeMeasure, chance: float) -> str:
    yes, no = measure.yes[0], next(v for v in measure.values if v not in measure.yes)
    return yes if rng.random() < chance else no
