"""What happened on and after release day, recorded against the template's outcome measures.

A `ReleaseOutcome` is kept on the case: the day the person was released, the answer to
each release-day measure that applies to them ("unknown" when not known, never taken for
"no"), each follow-up's answer with the day it was recorded, who recorded it, and which
template version's measures it answers (`measures`, e.g. "england-wales@3"), so that a
case planned on an older template still records against the current definitions.

`record_outcome` builds or changes one, checking every answer against the measures: an
unknown measure or answer is one clear line naming it. `follow_ups_due` lists what is
still to be asked after release, with the day each is due.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Annotated

from pydantic import ConfigDict, Field

from planner.domain.dates import in_range
from planner.domain.errors import InvalidInput
from planner.domain.outcome_measures import UNKNOWN, OutcomeMeasure
from planner.domain.person import Person
from planner.domain.text import NameText
from planner.domain.validated import ValidatedModel, for_new_values

if TYPE_CHECKING:
    from planner.domain.case import Case
    from planner.domain.template import Template

AnswerValue = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]


class FollowUpAnswer(ValidatedModel):
    """A follow-up's answer, the day it was found out, and who recorded it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    answer: AnswerValue
    recorded_on: Annotated[date, for_new_values(in_range)]
    recorded_by: NameText = ""


class PlannedFollowUp(ValidatedModel):
    """A follow-up that applies to the person: its measure's label and the day it is due.

    Kept on the outcome when it is recorded, so the gap engine can flag it from the case
    alone, whichever template version the case was planned on."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str = Field(min_length=1, max_length=200)
    due: date


class ReleaseOutcome(ValidatedModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    released_on: Annotated[date, for_new_values(in_range)]
    measures: str = Field(min_length=3, max_length=120)  # the template key: "england-wales@3"
    answers: dict[str, AnswerValue] = {}  # release-day measure id -> answer
    follow_ups: dict[str, FollowUpAnswer] = {}  # follow-up measure id -> answer
    recorded_by: NameText = ""
    planned: dict[str, PlannedFollowUp] = {}  # follow-up measure id -> when it is due

    def pending_follow_ups(self) -> list[tuple[str, PlannedFollowUp]]:
        """The planned follow-ups not yet answered ("unknown" is an answer), soonest first."""
        waiting = [(m, plan) for m, plan in self.planned.items() if m not in self.follow_ups]
        waiting.sort(key=lambda pair: (pair[1].due, pair[0]))
        return waiting

    def answer(self, measure_id: str) -> str | None:
        """The answer recorded for a measure, release-day or follow-up (None: not asked)."""
        if measure_id in self.answers:
            return self.answers[measure_id]
        follow_up = self.follow_ups.get(measure_id)
        return None if follow_up is None else follow_up.answer


def choose_measures(
    recorded: Template | None, plan: Template, current: Callable[[str], Template]
) -> Template:
    """The template whose measures a case records: the one its outcome already answers
    (`recorded`); else its plan's template, when that defines outcomes; else the version
    of that template the site uses now (``current(id)``: a plan made before outcomes
    existed). InvalidInput when none defines them."""
    if recorded is not None:
        return recorded
    if plan.outcomes:
        return plan
    try:
        now = current(plan.id)
    except KeyError as exc:
        raise InvalidInput(str(exc.args[0]) if exc.args else f"no template {plan.id}") from None
    if not now.outcomes:
        raise InvalidInput(f"template {now.key} defines no release-day outcomes")
    return now


def _measure(template: Template, measure_id: str) -> OutcomeMeasure:
    measure = template.outcomes_by_id.get(measure_id)
    if measure is None:
        known = ", ".join(m.id for m in template.outcomes) or "none"
        raise InvalidInput(
            f"unknown outcome measure {measure_id!r} in template {template.key} (its measures: "
            f"{known})"
        )
    return measure


def _key(text: str) -> str:
    """Text compared without case, spaces or punctuation: "Brought forward" is
    brought_forward."""
    return re.sub(r"[\W_]+", "", text.casefold())


def _checked_answer(measure: OutcomeMeasure, raw: str) -> str:
    """An answer by its value or its label, any case; InvalidInput naming the measure."""
    wanted = _key(raw)
    for value in measure.values:
        if wanted and wanted in (_key(value), _key(measure.answer_label(value))):
            return value
    shown = raw.strip() if len(raw.strip()) <= 40 else raw.strip()[:39] + "…"
    raise InvalidInput(
        f"{measure.id}: {shown!r} is not an answer; one of {', '.join(measure.values)}"
    )


def _applicable(measure: OutcomeMeasure, person: Person, answer: str) -> None:
    if answer != UNKNOWN and not measure.applies_to(person):
        raise InvalidInput(
            f"{measure.id}: applies only to {measure.applies_label}, which this person's "
            "circumstances do not say; record the circumstance first"
        )


def record_outcome(
    template: Template,
    person: Person,
    *,
    released_on: date | None,
    answers: Mapping[str, str] = {},
    follow_ups: Mapping[str, str] = {},
    follow_up_on: date | None = None,
    today: date,
    by: str = "",
    previous: ReleaseOutcome | None = None,
) -> ReleaseOutcome:
    """The outcome with these answers recorded (by measure id: a value or its label).

    A first recording needs `released_on` and takes "unknown" for every release-day
    measure that applies and is not answered; a later one changes only what it is given.
    Follow-ups are recorded as found out on `follow_up_on` (default `today`).
    Nothing may be dated after `today`, nor a follow-up before release.
    """
    if not template.outcomes:
        raise InvalidInput(f"template {template.key} defines no release-day outcomes")
    day = released_on or (previous.released_on if previous else None)
    if day is None:
        raise InvalidInput("released on: give the day of release")
    if day > today:
        raise InvalidInput(f"released on: {day:%d/%m/%Y} is after today; record it once it happens")
    recorded: dict[str, str] = {}
    if previous is None:
        for measure in template.release_day_measures:
            if measure.applies_to(person):
                recorded[measure.id] = UNKNOWN
    else:
        recorded.update(previous.answers)
    for measure_id, raw in answers.items():
        measure = _measure(template, measure_id)
        length = measure.due_after_release
        if length is not None:
            raise InvalidInput(
                f"{measure_id}: is a follow-up, due {length.text} after release; record it "
                "as a follow-up"
            )
        value = _checked_answer(measure, raw)
        _applicable(measure, person, value)
        recorded[measure_id] = value
    later = dict(previous.follow_ups) if previous else {}
    found_on = follow_up_on or today
    for measure_id, raw in follow_ups.items():
        measure = _measure(template, measure_id)
        if not measure.follow_up:
            raise InvalidInput(f"{measure_id}: is answered on release day, not as a follow-up")
        value = _checked_answer(measure, raw)
        _applicable(measure, person, value)
        if found_on > today:
            raise InvalidInput(f"{measure_id}: {found_on:%d/%m/%Y} is after today")
        if found_on < day:
            raise InvalidInput(
                f"{measure_id}: {found_on:%d/%m/%Y} is before the release on {day:%d/%m/%Y}"
            )
        later[measure_id] = FollowUpAnswer(answer=value, recorded_on=found_on, recorded_by=by)
    for measure_id, follow_up in later.items():
        if follow_up.recorded_on < day:
            raise InvalidInput(
                f"{measure_id}: recorded on {follow_up.recorded_on:%d/%m/%Y}, before the "
                f"release on {day:%d/%m/%Y}"
            )
    planned: dict[str, PlannedFollowUp] = {}
    for measure in template.follow_up_measures:
        due = measure.due_on(day)
        if due is not None and measure.applies_to(person):
            planned[measure.id] = PlannedFollowUp(label=measure.label, due=due)
    return ReleaseOutcome(
        released_on=day,
        measures=template.key,
        answers=recorded,
        follow_ups=later,
        recorded_by=previous.recorded_by if previous and previous.recorded_by else by,
        planned=planned,
    )


def check_outcome(outcome: ReleaseOutcome, template: Template, person: Person) -> None:
    """InvalidInput (one line) when the outcome does not fit the measures it names."""
    if outcome.measures != template.key:
        raise InvalidInput(
            f"the outcome answers the measures of {outcome.measures}, not {template.key}"
        )
    for measure_id, value in outcome.answers.items():
        measure = _measure(template, measure_id)
        if measure.follow_up:
            raise InvalidInput(f"{measure_id}: is a follow-up, not a release-day measure")
        if value not in measure.values:
            raise InvalidInput(
                f"{measure_id}: {value!r} is not an answer; one of {', '.join(measure.values)}"
            )
        _applicable(measure, person, value)
    for measure_id, follow_up in outcome.follow_ups.items():
        measure = _measure(template, measure_id)
        if not measure.follow_up:
            raise InvalidInput(f"{measure_id}: is answered on release day, not as a follow-up")
        if follow_up.answer not in measure.values:
            raise InvalidInput(
                f"{measure_id}: {follow_up.answer!r} is not an answer; one of "
                f"{', '.join(measure.values)}"
            )
        _applicable(measure, person, follow_up.answer)


@dataclass(frozen=True, slots=True)
class FollowUpDue:
    """A follow-up not yet answered: which, and the day it is due."""

    measure: OutcomeMeasure
    due: date
    days_left: int  # negative once it is overdue

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


def follow_ups_due(case: Case, template: Template, today: date) -> list[FollowUpDue]:
    """Each follow-up of `template` (the measures the case's outcome answers) that applies
    to the person and is not yet answered, soonest due first. None before release."""
    outcome = case.outcome
    if outcome is None:
        return []
    due: list[FollowUpDue] = []
    for measure in template.follow_up_measures:
        if measure.id in outcome.follow_ups or not measure.applies_to(case.person):
            continue
        day = measure.due_on(outcome.released_on)
        assert day is not None  # a follow-up has a due time
        due.append(FollowUpDue(measure, day, (day - today).days))
    due.sort(key=lambda d: d.due)
    return due
