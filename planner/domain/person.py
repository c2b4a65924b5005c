"""A person in custody whose release is being planned."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, ConfigDict, Field, field_validator

from planner.domain.contact_details import EmailText, PhoneText
from planner.domain.dates import birth_date, in_range
from planner.domain.equality import ETHNICITIES, RELIGIONS, AgeBand, Sex, age_band, age_on
from planner.domain.identifiers import (
    normalise_crn,
    normalise_pnc,
    normalise_prison_number,
    pnc_check_letter_ok,
)
from planner.domain.sentence import SentenceBand, SentenceLength, sentence_band
from planner.domain.text import NameText
from planner.domain.validated import ValidatedModel, for_new_values

PrisonNumber = Annotated[str, AfterValidator(normalise_prison_number)]
PRISON_NAME_LENGTH = 80  # characters: the longest prison name a record keeps


class ReleaseKind(StrEnum):
    """What the release date is: an automatic date, a parole date, HDC, or confirmed."""

    CRD = "CRD"  # conditional release date
    ARD = "ARD"  # automatic release date
    PED = "PED"  # parole eligibility date
    HDC = "HDC"  # home detention curfew date
    SDS40 = "SDS40"  # standard determinate sentence released at 40%
    CONFIRMED = "confirmed"


def parse_release_kind(raw: str) -> ReleaseKind:
    for kind in ReleaseKind:
        if kind.value.lower() == raw.strip().lower():
            return kind
    choices = ", ".join(k.value for k in ReleaseKind)
    raise ValueError(f"release kind {raw!r} is not one of: {choices}")


class CaseState(StrEnum):
    ACTIVE = "active"
    RELEASED = "released"
    TRANSFERRED = "transferred"


class Circumstances(ValidatedModel):
    """Facts about the person that switch checklist items on."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    on_medication: bool = False
    substance_misuse: bool = False
    mental_health: bool = False
    dependants: bool = False
    veteran: bool = False
    foreign_national: bool = False
    care_leaver: bool = False

    def as_flags(self) -> dict[str, bool]:
        return self.model_dump()


CIRCUMSTANCE_LABELS: dict[str, str] = {
    "on_medication": "On medication",
    "substance_misuse": "Substance misuse need",
    "mental_health": "Mental health need",
    "dependants": "Has dependants",
    "veteran": "Veteran",
    "foreign_national": "Foreign national",
    "care_leaver": "Care leaver",
}


class Contact(ValidatedModel):
    """Someone to reach about the person: an offender manager, say. `unit` is their team
    or probation delivery unit."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: NameText = ""
    role: NameText = ""
    unit: NameText = ""
    phone: PhoneText = ""
    email: EmailText = ""


def _blank_to_none(value: object) -> object:
    if isinstance(value, str) and not value.strip():
        return None
    return value


class Person(ValidatedModel):
    """Who is being released, when, and the circumstances that shape their checklist."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    number: PrisonNumber
    surname: NameText = Field(min_length=1, max_length=80)
    forename: NameText = Field(min_length=1, max_length=80)
    date_of_birth: Annotated[date, for_new_values(birth_date)] | None = None
    release_date: Annotated[date, for_new_values(in_range)] | None = None
    release_kind: ReleaseKind = ReleaseKind.CRD
    hdc_eligible: bool | None = None
    prison: NameText = Field(default="", max_length=PRISON_NAME_LENGTH)
    location: NameText = Field(default="", max_length=40)
    crn: str | None = None
    pnc: str | None = None
    sex: Sex | None = None
    ethnicity: str | None = None
    # Special category data like sex and ethnicity: optional, left out of redacted exports,
    # never listed or logged. The sentence is kept as the court gave it (years, months,
    # days; see planner.domain.sentence).
    religion: str | None = None
    sentence: SentenceLength | None = None
    circumstances: Circumstances = Circumstances()
    state: CaseState = CaseState.ACTIVE
    prison_offender_manager: Contact = Contact()
    community_offender_manager: Contact = Contact()
    phone: PhoneText = Field(default="", max_length=40)  # the person's own, if they have one
    email: EmailText = Field(default="", max_length=254)

    @field_validator("crn", "pnc", "ethnicity", "religion", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return _blank_to_none(value)

    @field_validator("crn")
    @classmethod
    def _crn(cls, value: str | None) -> str | None:
        return None if value is None else normalise_crn(value)

    @field_validator("pnc")
    @classmethod
    def _pnc(cls, value: str | None) -> str | None:
        return None if value is None else normalise_pnc(value)

    @field_validator("ethnicity")
    @classmethod
    def _ethnicity(cls, value: str | None) -> str | None:
        if value is not None and value not in ETHNICITIES:
            raise ValueError(f"ethnicity {value!r} is not an ONS 2021 category code")
        return value

    @field_validator("religion")
    @classmethod
    def _religion(cls, value: str | None) -> str | None:
        if value is not None and value not in RELIGIONS:
            raise ValueError(f"religion {value!r} is not one of: {', '.join(RELIGIONS)}")
        return value

    @property
    def display_name(self) -> str:
        return f"{self.forename} {self.surname}"

    @property
    def sort_name(self) -> str:
        return f"{self.surname.upper()}, {self.forename}"

    def age_on(self, day: date) -> int | None:
        dob = self.date_of_birth
        return None if dob is None else age_on(dob, day)

    def age_band_on(self, day: date | None) -> AgeBand | None:
        """The age band on `day` (release day, for the reports); None when not known."""
        return age_band(self.date_of_birth, day)

    @property
    def sentence_band(self) -> SentenceBand | None:
        return sentence_band(self.sentence)

    def pnc_warning(self) -> str | None:
        """A warning (never an error) when the PNC check letter does not match."""
        if self.pnc and not pnc_check_letter_ok(self.pnc):
            return f"PNC {self.pnc}: the check letter does not match; check the number"
        return None
