"""Release-day outcome measures as a template defines them: the official definitions as data.

Each measure is one question an officer answers when a person is released (where they
slept the first night, whether they left with ID), or a follow-up answered later (in work
six weeks on). A measure lists the answers it allows, which of them count as "yes" for
its rate, which are left out of the rate's denominator (someone not available for work),
whom it applies to, for a follow-up when it is due, and the public source of its
definition with the date that was checked. "unknown" is always an answer, is never a
"no", and is always left out of the denominator, as the MoJ's statistics do.

What a template's measures mean together (ids listed once, answers that exist) is checked
with the rest of the template in :mod:`planner.domain.template_checks`.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from planner.domain.errors import InvalidInput
from planner.domain.person import Circumstances, Person
from planner.domain.sentence import SentenceLength, parse_sentence

UNKNOWN = "unknown"
UNKNOWN_LABEL = "Unknown"
_CIRCUMSTANCES = tuple(Circumstances.model_fields)
MeasureName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]


def _a_date_not_a_number(value: object) -> object:
    if isinstance(value, int | float):
        raise ValueError("needs a date like 2026-11-01, not a number")
    return value


def _a_length(value: object) -> object:
    """A follow-up's due time after release as typed in the template: "3w", "6w", "3m"."""
    if isinstance(value, str):
        try:
            return parse_sentence(value, "due_after_release")
        except InvalidInput as exc:
            raise ValueError(str(exc).removeprefix("due_after_release: ")) from None
    if isinstance(value, int | float | bool):
        raise ValueError('needs a length like "3w", "6w" or "3m", in quotes')
    return value


class _Strict(BaseModel):
    # Built when first used (see planner.domain.validated): templates load after the UI's
    # first paint.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Answer(_Strict):
    value: MeasureName
    label: str = Field(min_length=1)


YES_NO_ANSWERS = (Answer(value="yes", label="Yes"), Answer(value="no", label="No"))


class MeasureApplies(_Strict):
    """Whom a measure applies to: people with one of the circumstances."""

    circumstance: str

    @field_validator("circumstance")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in _CIRCUMSTANCES:
            raise ValueError(f"unknown circumstance {value!r}; known: {', '.join(_CIRCUMSTANCES)}")
        return value


class OutcomeMeasure(_Strict):
    """One outcome measure. Without `due_after_release` it is answered on release day;
    with it, it is a follow-up due that long after release."""

    id: MeasureName
    label: str = Field(min_length=1)  # the measure as a report names it
    question: str = Field(min_length=1)  # as the form asks it
    answers: tuple[Answer, ...] = YES_NO_ANSWERS
    yes: tuple[str, ...] = ("yes",)  # the answers that count towards the rate
    excluded: tuple[str, ...] = ()  # the answers left out of the denominator, with unknown
    applies: MeasureApplies | None = None
    applies_label: str = "everyone"
    due_after_release: Annotated[SentenceLength, BeforeValidator(_a_length)] | None = None
    source: str = Field(min_length=1)
    checked: Annotated[date, BeforeValidator(_a_date_not_a_number)]

    @property
    def follow_up(self) -> bool:
        return self.due_after_release is not None

    @property
    def values(self) -> tuple[str, ...]:
        """Every answer allowed, "unknown" last."""
        return (*(a.value for a in self.answers), UNKNOWN)

    def answer_label(self, value: str) -> str:
        if value == UNKNOWN:
            return UNKNOWN_LABEL
        for answer in self.answers:
            if answer.value == value:
                return answer.label
        return value

    def applies_to(self, person: Person) -> bool:
        if self.applies is None:
            return True
        return bool(getattr(person.circumstances, self.applies.circumstance))

    def due_on(self, released_on: date) -> date | None:
        """A follow-up's due day for someone released on `released_on` (calendar months)."""
        length = self.due_after_release
        return None if length is None else length.end_from(released_on)

    def counts(self, value: str) -> bool | None:
        """True for a "yes", False for a "no", None for an answer left out of the rate."""
        if value == UNKNOWN or value in self.excluded:
            return None
        return value in self.yes
