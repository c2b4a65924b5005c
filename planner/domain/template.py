"""Checklist templates: the data that says which items a plan holds and when each is due.

Templates are TOML files validated by the pydantic models below. Each item carries the
source of its rule and the date the rule was last checked, so officers can see how old a
rule is and a site can change it without a code change.
"""

from __future__ import annotations

import hashlib
from datetime import date
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Any, ClassVar, Literal

import orjson
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    StrictBool,
    StrictInt,
    ValidationInfo,
    field_validator,
    model_serializer,
    model_validator,
)

from planner.domain.outcome_measures import OutcomeMeasure
from planner.domain.person import Circumstances

_ID = r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$"
ItemId = Annotated[str, Field(pattern=_ID, max_length=80)]
Name = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
CIRCUMSTANCES = tuple(Circumstances.model_fields)
# A template version is stored with every plan; anything beyond this is a typing mistake.
MAX_VERSION = 2**31 - 1
MAX_DAYS = 730  # two years: the furthest any deadline in a plan reaches back from release


def _a_date_not_a_number(value: object) -> object:
    """A TOML number is never a date (pydantic would read it as seconds since 1970)."""
    if isinstance(value, int | float):
        raise ValueError("needs a date like 2026-11-01, not a number")
    return value


_STORED_COPY_KEY = "stored_copy"
# Validation context for a template copy read back from a database: its meaning is not
# checked again (`Template.model_validate(data, context=STORED_COPY)`).
STORED_COPY = {_STORED_COPY_KEY: True}

# Ints and bools are strict: TOML's `true` is never the number 1, nor "no" false.
Days = Annotated[StrictInt, Field(ge=0, le=MAX_DAYS)]
CheckedOn = Annotated[date, BeforeValidator(_a_date_not_a_number)]


class _Strict(BaseModel):
    # Built when first used (see planner.domain.validated): templates load after the UI's
    # first paint.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class _Growing(_Strict):
    """A part of a template that gained fields after templates were first stored.

    A field named in `LATER` is left out of a dump while it holds its default, so a
    template that does not use it dumps, is stored and is fingerprinted exactly as before:
    `planner templates` never reports an unchanged template as edited.
    """

    LATER: ClassVar[tuple[str, ...]] = ()

    @model_serializer(mode="wrap")
    def _without_unused_later_fields(self, handler: SerializerFunctionWrapHandler) -> Any:
        data = handler(self)
        if isinstance(data, dict):
            for name in self.LATER:
                if getattr(self, name) == type(self).model_fields[name].default:
                    data.pop(name, None)
        return data


class FieldType(StrEnum):
    DATE = "date"
    TEXT = "text"
    CHOICE = "choice"
    YES_NO = "yes_no"
    # A date with an optional time, place and phone, in one value (planner.domain.appointment).
    APPOINTMENT = "appointment"


class Choice(_Growing):
    """One choice of a choice field. `not_met` marks an outcome that says the item's need is
    not met (a bank account declined): a `done` item holding it is a gap, not resolved."""

    LATER = ("not_met",)

    value: Name
    label: str
    not_met: StrictBool = False


class EvidenceField(_Growing):
    """One piece of evidence an officer records against an item."""

    LATER = ("past", "needs", "format")

    name: Name
    label: str = Field(min_length=1)
    type: FieldType
    required: StrictBool = False
    choices: tuple[Choice, ...] = ()
    help: str = ""
    sensitive: StrictBool = False  # health or special category detail, left out of redacted exports
    # A date of something that has already happened (applied, received, seen): never
    # after today. Other dates (an appointment, a booking) may lie ahead.
    past: StrictBool = False
    # For an appointment: the parts besides its date that must be recorded before the item
    # counts as done with its evidence (a jobcentre appointment needs its time and place).
    needs: tuple[Literal["time", "place", "phone"], ...] = ()
    # For a text field: what the text must be ("time": a time of day, 24-hour, as 09:30).
    format: Literal["time"] | None = None

    @model_validator(mode="after")
    def _choices_fit_type(self) -> EvidenceField:
        if self.type is FieldType.CHOICE and not self.choices:
            raise ValueError(f"evidence field {self.name!r} is a choice but lists no choices")
        if self.type is not FieldType.CHOICE and self.choices:
            raise ValueError(f"evidence field {self.name!r} lists choices but is {self.type}")
        values = [c.value for c in self.choices]
        if len(set(values)) != len(values):
            raise ValueError(f"evidence field {self.name!r} repeats a choice")
        if self.format is not None and self.type is not FieldType.TEXT:
            raise ValueError(
                f"evidence field {self.name!r} gives a format but is {self.type}; only a "
                "text field takes one"
            )
        if self.needs and self.type is not FieldType.APPOINTMENT:
            raise ValueError(
                f"evidence field {self.name!r} lists parts it needs but is {self.type}; only "
                "an appointment has parts"
            )
        if self.past and self.type is not FieldType.DATE:
            raise ValueError(
                f"evidence field {self.name!r} is marked past but is {self.type}; only a "
                "date can be in the past"
            )
        return self

    @property
    def missing_label(self) -> str:
        """What is missing when this required field is: 'Jobcentre appointment with its
        time and place' for an appointment that needs them."""
        return f"{self.label} with its {' and '.join(self.needs)}" if self.needs else self.label

    @property
    def not_met_values(self) -> frozenset[str]:
        """The values of the choices that say the need is not met."""
        return frozenset(c.value for c in self.choices if c.not_met)

    def choice_label(self, value: str) -> str:
        for choice in self.choices:
            if choice.value == value:
                return choice.label
        return value


# --- applicability conditions -------------------------------------------------------------


class CircumstanceIs(_Strict):
    """Applies when one of the person's circumstances is true."""

    circumstance: str

    @field_validator("circumstance")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in CIRCUMSTANCES:
            raise ValueError(f"unknown circumstance {value!r}; known: {', '.join(CIRCUMSTANCES)}")
        return value


class AgeUnder(_Strict):
    """Applies when the person's age on release day is under this number, or not known."""

    age_under: StrictInt = Field(gt=0, lt=130)


class EvidenceIn(_Strict):
    """Applies when another item's evidence field is (or is not) one of some values.

    A field with no value yet counts as *not in* the list, so `not_in` conditions apply
    until the officer records otherwise (e.g. Duty to Refer until an address is settled).
    """

    item: ItemId
    field: Name
    values: tuple[str, ...] = Field(alias="in", default=())
    not_values: tuple[str, ...] = Field(alias="not_in", default=())

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _one_list(self) -> EvidenceIn:
        if bool(self.values) == bool(self.not_values):
            raise ValueError("an evidence condition needs exactly one of 'in' or 'not_in'")
        return self


class AllOf(_Strict):
    all: tuple[Condition, ...] = Field(min_length=1)


class AnyOf(_Strict):
    any: tuple[Condition, ...] = Field(min_length=1)


Condition = CircumstanceIs | AgeUnder | EvidenceIn | AllOf | AnyOf
AllOf.model_rebuild()
AnyOf.model_rebuild()


class Escalation(_Strict):
    """A second, harder deadline: the gap turns critical from this many days before release.

    With `until_field`, the escalation also holds while that evidence field is empty, even
    when the item is resolved (ID applied for but not yet received). With `only_if_field`,
    that holds only once this other field has a value (nothing to receive for ID already
    held, which has no application date).
    """

    days_before_release: Days
    until_field: Name | None = None
    only_if_field: Name | None = None
    reason: str = Field(min_length=1)


class ItemTemplate(_Growing):
    """One checklist item. `plain_done` and `plain_open` say what the item means for the
    person leaving prison, in short plain sentences, once it is done and while it is
    still being arranged: the person's own plan reads them (an item without them is left
    out of that plan's lists)."""

    LATER = ("plain_done", "plain_open")

    id: ItemId
    section: Name
    title: str = Field(min_length=1)
    why: str = Field(min_length=1)
    source: str = Field(min_length=1)
    checked: CheckedOn
    due_days_before_release: Days
    recommended_days_before_release: Days | None = None
    due_no_earlier_than_days_after_creation: StrictInt | None = Field(default=None, ge=0, le=365)
    escalation: Escalation | None = None
    applies: Condition | None = None
    applies_label: str = "all"
    evidence: tuple[EvidenceField, ...] = ()
    plain_done: str = ""
    plain_open: str = ""

    @model_validator(mode="after")
    def _fields_unique(self) -> ItemTemplate:
        names = [f.name for f in self.evidence]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"item {self.id!r} repeats evidence field(s): {', '.join(dupes)}")
        esc = self.escalation
        for name in (esc.until_field, esc.only_if_field) if esc else ():
            if name and name not in names:
                raise ValueError(
                    f"item {self.id!r}: escalation field {name!r} is not one of its evidence fields"
                )
        return self

    def field(self, name: str) -> EvidenceField | None:
        for f in self.evidence:
            if f.name == name:
                return f
        return None

    @property
    def appointment_fields(self) -> tuple[EvidenceField, ...]:
        return tuple(f for f in self.evidence if f.type is FieldType.APPOINTMENT)

    @property
    def required_fields(self) -> tuple[EvidenceField, ...]:
        return tuple(f for f in self.evidence if f.required)

    @cached_property
    def not_met_choices(self) -> tuple[tuple[str, frozenset[str]], ...]:
        """Each choice field with choices that mean "not met", and those choices' values."""
        return tuple((f.name, values) for f in self.evidence if (values := f.not_met_values))


class Section(_Strict):
    id: Name
    title: str = Field(min_length=1)


class NoFixedAbodeRule(_Strict):
    item: ItemId
    field: Name
    values: tuple[str, ...] = Field(min_length=1)
    within_days: StrictInt = Field(default=28, ge=0, le=365)


class NoComRule(_Strict):
    """No community offender manager (COM) recorded, close to release: a warning from
    `within_days` before release, critical from `critical_within_days`. A COM counts as
    recorded when the person's COM contact has a name or `field` of `item` holds one; with
    `item` marked not required or declined (with its reason), none is expected."""

    item: ItemId
    field: Name
    within_days: Days = 84
    critical_within_days: Days = 28
    source: str = Field(min_length=1)
    checked: CheckedOn

    @model_validator(mode="after")
    def _critical_inside_the_window(self) -> NoComRule:
        if self.critical_within_days > self.within_days:
            raise ValueError("critical_within_days must not be more than within_days")
        return self


class AddressNotBookedRule(_Strict):
    """A release address that is only real once a booking is arranged: `field` of `item`
    holding one of `values` (CAS3 accommodation) while `booking_item` is not done with its
    evidence is critical within `within_days` of release."""

    item: ItemId
    field: Name
    values: tuple[str, ...] = Field(min_length=1)
    booking_item: ItemId
    within_days: StrictInt = Field(default=28, ge=0, le=365)


class FlagSettings(_Growing):
    LATER = ("address_not_booked", "no_com")

    due_soon_days: StrictInt = Field(default=14, ge=0, le=365)
    critical_within_days: StrictInt = Field(default=14, ge=0, le=365)
    no_fixed_abode: NoFixedAbodeRule | None = None
    address_not_booked: AddressNotBookedRule | None = None
    no_com: NoComRule | None = None


class Template(_Growing):
    """A checklist template: sections and items, validated as a whole, and the release-day
    outcome measures recorded for the people planned with it (none before version 3 of
    the shipped template)."""

    LATER = ("outcomes",)

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*$", max_length=60)]
    version: StrictInt = Field(ge=1, le=MAX_VERSION)
    title: str = Field(min_length=1)
    description: str = ""
    calendar: Literal["england-wales"] = "england-wales"
    flags: FlagSettings = FlagSettings()
    sections: tuple[Section, ...] = Field(min_length=1)
    items: tuple[ItemTemplate, ...] = Field(min_length=1)
    outcomes: tuple[OutcomeMeasure, ...] = ()

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> Template:
        """What the template means, checked as a whole (see template_checks).

        A copy stored with the cases made from it is read with `STORED_COPY` as context:
        those cases must stay readable even if a later rule would refuse the template.
        """
        from planner.domain.template_checks import TemplateMeaningError, template_findings

        if isinstance(info.context, dict) and info.context.get(_STORED_COPY_KEY):
            return self
        findings = template_findings(self)
        if findings:
            raise TemplateMeaningError(findings)
        return self

    @property
    def key(self) -> str:
        """The id and version, as records store it: 'england-wales@1'."""
        return f"{self.id}@{self.version}"

    @cached_property
    def items_by_id(self) -> dict[str, ItemTemplate]:
        """An index for the gap engine, which looks items up by id for every flag."""
        return {item.id: item for item in self.items}

    def item(self, item_id: str) -> ItemTemplate:
        return self.items_by_id[item_id]

    def has_item(self, item_id: str) -> bool:
        return item_id in self.items_by_id

    @cached_property
    def outcomes_by_id(self) -> dict[str, OutcomeMeasure]:
        return {measure.id: measure for measure in self.outcomes}

    @property
    def release_day_measures(self) -> tuple[OutcomeMeasure, ...]:
        return tuple(m for m in self.outcomes if not m.follow_up)

    @property
    def follow_up_measures(self) -> tuple[OutcomeMeasure, ...]:
        return tuple(m for m in self.outcomes if m.follow_up)

    def section_title(self, section_id: str) -> str:
        for section in self.sections:
            if section.id == section_id:
                return section.title
        return section_id

    def fingerprint(self) -> str:
        """A short hash of the template's content, to notice edits without a new version."""
        blob = orjson.dumps(
            self.model_dump(mode="json", by_alias=True), option=orjson.OPT_SORT_KEYS
        )
        return hashlib.sha256(blob).hexdigest()[:16]
