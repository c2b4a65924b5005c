"""Equality monitoring vocabularies (special category data: always optional)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    PREFER_NOT_TO_SAY = "prefer_not_to_say"


# ONS 2021 census ethnic groups for England and Wales, with "prefer not to say".
ETHNICITIES: dict[str, str] = {
    "asian_bangladeshi": "Asian or Asian British: Bangladeshi",
    "asian_chinese": "Asian or Asian British: Chinese",
    "asian_indian": "Asian or Asian British: Indian",
    "asian_pakistani": "Asian or Asian British: Pakistani",
    "asian_other": "Asian or Asian British: any other Asian background",
    "black_african": "Black, Black British, Caribbean or African: African",
    "black_caribbean": "Black, Black British, Caribbean or African: Caribbean",
    "black_other": "Black, Black British, Caribbean or African: any other Black background",
    "mixed_white_asian": "Mixed or multiple ethnic groups: White and Asian",
    "mixed_white_black_african": "Mixed or multiple ethnic groups: White and Black African",
    "mixed_white_black_caribbean": "Mixed or multiple ethnic groups: White and Black Caribbean",
    "mixed_other": "Mixed or multiple ethnic groups: any other Mixed background",
    "white_british": "White: English, Welsh, Scottish, Northern Irish or British",
    "white_irish": "White: Irish",
    "white_gypsy_traveller": "White: Gypsy or Irish Traveller",
    "white_roma": "White: Roma",
    "white_other": "White: any other White background",
    "other_arab": "Other ethnic group: Arab",
    "other_any": "Other ethnic group: any other ethnic group",
    "prefer_not_to_say": "Prefer not to say",
}

SEX_LABELS: dict[str, str] = {
    "female": "Female",
    "male": "Male",
    "prefer_not_to_say": "Prefer not to say",
}

# Religion or belief in the groups HMPPS's Offender Equalities Annual Report publishes for
# the prison population (Christian of all denominations together, Muslim, Hindu, Sikh,
# Buddhist, Jewish, other religious groups, no religion), with "prefer not to say" as for
# ethnicity. Source: HMPPS Offender Equalities Annual Report 2024-25 (published 27 November
# 2025) and 2023/24, religion or belief tables; checked 2026-12-01.
RELIGIONS: dict[str, str] = {
    "christian": "Christian (all denominations)",
    "muslim": "Muslim",
    "hindu": "Hindu",
    "sikh": "Sikh",
    "buddhist": "Buddhist",
    "jewish": "Jewish",
    "other": "Other religion",
    "none": "No religion",
    "prefer_not_to_say": "Prefer not to say",
}


class AgeBand(StrEnum):
    """Age on release day, in the bands prison statistics use for adults."""

    AGE_18_20 = "18-20"
    AGE_21_24 = "21-24"
    AGE_25_29 = "25-29"
    AGE_30_39 = "30-39"
    AGE_40_49 = "40-49"
    AGE_50_59 = "50-59"
    AGE_60_69 = "60-69"
    AGE_70_PLUS = "70+"

    @property
    def label(self) -> str:
        return "70 and over" if self is AgeBand.AGE_70_PLUS else self.value


# The first age of each band, oldest first.
_BAND_STARTS: tuple[tuple[int, AgeBand], ...] = (
    (70, AgeBand.AGE_70_PLUS),
    (60, AgeBand.AGE_60_69),
    (50, AgeBand.AGE_50_59),
    (40, AgeBand.AGE_40_49),
    (30, AgeBand.AGE_30_39),
    (25, AgeBand.AGE_25_29),
    (21, AgeBand.AGE_21_24),
    (18, AgeBand.AGE_18_20),
)


def age_on(dob: date, day: date) -> int:
    """Whole years from `dob` to `day` (someone born on 29 February is a year older on
    1 March in an ordinary year)."""
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def age_band(dob: date | None, on_day: date | None) -> AgeBand | None:
    """The band of the age on `on_day` (release day); None when either date is not known
    or the person would be under 18 (no adult band)."""
    if dob is None or on_day is None:
        return None
    age = age_on(dob, on_day)
    for start, band in _BAND_STARTS:
        if age >= start:
            return band
    return None
