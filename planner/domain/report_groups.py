"""The groupings a report can break its figures down by, and the label of each group.

A grouping turns one recorded value of a person (a sex, an ethnicity key, an age band, a
sentence band, a religion, a location) into the group it is counted in. No value, or a
value this grouping does not know, is counted as "Not recorded", a group of its own,
always last: a report shows it beside the others, since who is not recorded matters as
much as who is (the NAO asked for better data). The fields themselves are optional
special category data (DOMAIN.md, "Equality monitoring").

- sex: :class:`planner.domain.equality.Sex`;
- ethnicity, the reports' default (key "ethnicity"): the five ONS 2021 high-level groups (Asian or
  Asian British; Black, Black British, Caribbean or African; Mixed or multiple; White;
  Other ethnic group), and "Not recorded", which takes "prefer not to say" too. Nineteen
  fine groups in a prison's releases would almost all be suppressed (fewer than 5);
- detailed ethnicity (key "ethnicity_detailed"): the ONS 2021 census ethnic groups of
  England and Wales (:data:`planner.domain.equality.ETHNICITIES`, 19 groups and "prefer
  not to say"), in the census's order;
- age band: the bands of the MoJ's Offender Management Statistics (prison population by
  age: 18-20, 21-24, 25-29, 30-39, 40-49, 50-59, 60-69, 70 and over; 15-17 for the youth
  estate), from an age in whole years;
- sentence band: under 12 months, 12 months to 4 years, 4 years or more (the HMIP 2019
  thematic's short sentences are the first band);
- religion: the ONS 2021 census religion categories;
- location: open: each recorded location is its own group, labelled with the location as
  recorded (stored text: shown literally, never as markup).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from planner.domain.equality import ETHNICITIES, Sex

NOT_RECORDED = "not_recorded"
NOT_RECORDED_LABEL = "Not recorded"


@dataclass(frozen=True, slots=True)
class Grouping:
    """How one recorded value is grouped: `groups` maps each value to its group's key,
    `labels` each group's key to its label, in the order a report lists them.

    An open grouping (location) has no fixed groups: each value is a group, its label the
    value itself.
    """

    key: str
    title: str
    labels: Mapping[str, str] = field(default_factory=dict)
    groups: Mapping[str, str] = field(default_factory=dict)
    open: bool = False

    def group_of(self, value: str | None) -> str:
        """The group `value` is counted in; :data:`NOT_RECORDED` for none or one unknown."""
        if value is None or not value.strip():
            return NOT_RECORDED
        if self.open:
            return value
        return self.groups.get(value, value if value in self.labels else NOT_RECORDED)

    def label(self, group: str) -> str:
        if group == NOT_RECORDED:
            return NOT_RECORDED_LABEL
        return group if self.open else self.labels[group]

    def ordered(self, groups: Iterable[str]) -> list[str]:
        """`groups` in report order: the grouping's own order (an open one's sorted),
        "Not recorded" last."""
        found = set(groups)
        if self.open:
            listed = sorted(found - {NOT_RECORDED}, key=str.casefold)
        else:
            listed = [group for group in self.labels if group in found]
        return listed + ([NOT_RECORDED] if NOT_RECORDED in found else [])

    def all_groups(self) -> list[str]:
        """Every group of a closed grouping, "Not recorded" last (an open one has none)."""
        return [*self.labels, NOT_RECORDED] if not self.open else []


def _frozen(mapping: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(mapping))


SEX = Grouping(
    "sex",
    "Sex",
    _frozen(
        {
            Sex.FEMALE.value: "Female",
            Sex.MALE.value: "Male",
            Sex.PREFER_NOT_TO_SAY.value: "Prefer not to say",
        }
    ),
)

ETHNICITY_DETAILED = Grouping(
    "ethnicity_detailed", "Ethnicity (ONS 2021, 19 groups)", _frozen(ETHNICITIES)
)

# The ONS 2021 high-level groups, named by the first word of each ETHNICITIES key.
BROAD_ETHNIC_GROUPS: Mapping[str, str] = _frozen(
    {
        "asian": "Asian or Asian British",
        "black": "Black, Black British, Caribbean or African",
        "mixed": "Mixed or multiple ethnic groups",
        "white": "White",
        "other": "Other ethnic group",
    }
)


def broad_ethnic_group(key: str) -> str:
    """The high-level group of an ETHNICITIES key; :data:`NOT_RECORDED` for the rest."""
    broad = key.split("_", 1)[0]
    return broad if broad in BROAD_ETHNIC_GROUPS else NOT_RECORDED


BROAD_ETHNICITY = Grouping(
    "ethnicity",
    "Ethnicity (ONS 2021 broad groups)",
    BROAD_ETHNIC_GROUPS,
    _frozen({key: broad_ethnic_group(key) for key in ETHNICITIES}),
)

AGE_BANDS: Mapping[str, str] = _frozen(
    {
        "15-17": "15 to 17",
        "18-20": "18 to 20",
        "21-24": "21 to 24",
        "25-29": "25 to 29",
        "30-39": "30 to 39",
        "40-49": "40 to 49",
        "50-59": "50 to 59",
        "60-69": "60 to 69",
        "70+": "70 and over",
    }
)


_AGE_BAND_FLOORS = (
    (70, "70+"),
    (60, "60-69"),
    (50, "50-59"),
    (40, "40-49"),
    (30, "30-39"),
    (25, "25-29"),
    (21, "21-24"),
    (18, "18-20"),
    (15, "15-17"),
)


def age_band(age: int | None) -> str | None:
    """The Offender Management Statistics age band of an age in whole years (None under
    15, or for no age)."""
    if age is None:
        return None
    return next((band for floor, band in _AGE_BAND_FLOORS if age >= floor), None)


AGE = Grouping("age", "Age band", AGE_BANDS)

SENTENCE_BANDS: Mapping[str, str] = _frozen(
    {
        "under_12_months": "Under 12 months",
        "12_months_to_4_years": "12 months to 4 years",
        "4_years_or_more": "4 years or more",
    }
)


def sentence_band(months: int | None) -> str | None:
    """The band of a sentence of `months` whole months (the issue's three bands)."""
    if months is None or months < 0:
        return None
    if months < 12:
        return "under_12_months"
    return "12_months_to_4_years" if months < 48 else "4_years_or_more"


SENTENCE = Grouping("sentence", "Sentence length", SENTENCE_BANDS)

RELIGIONS: Mapping[str, str] = _frozen(
    {
        "no_religion": "No religion",
        "christian": "Christian",
        "buddhist": "Buddhist",
        "hindu": "Hindu",
        "jewish": "Jewish",
        "muslim": "Muslim",
        "sikh": "Sikh",
        "other": "Any other religion",
        "prefer_not_to_say": "Prefer not to say",
    }
)

RELIGION = Grouping("religion", "Religion", RELIGIONS)

LOCATION = Grouping("location", "Location", open=True)

GROUPINGS: Mapping[str, Grouping] = MappingProxyType(
    {
        one.key: one
        for one in (SEX, BROAD_ETHNICITY, ETHNICITY_DETAILED, AGE, SENTENCE, RELIGION, LOCATION)
    }
)


def with_labels(grouping: Grouping, labels: Mapping[str, str]) -> Grouping:
    """`grouping` with another vocabulary (a site's own, or the record's once it has one)."""
    return Grouping(grouping.key, grouping.title, _frozen(labels), {}, grouping.open)
