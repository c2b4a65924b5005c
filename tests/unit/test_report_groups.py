"""The groupings a report breaks its figures down by, each with "Not recorded"."""

from __future__ import annotations

import pytest

from planner.domain.equality import ETHNICITIES, Sex
from planner.domain.report_groups import (
    AGE,
    BROAD_ETHNIC_GROUPS,
    BROAD_ETHNICITY,
    ETHNICITY_DETAILED,
    GROUPINGS,
    LOCATION,
    NOT_RECORDED,
    RELIGION,
    SENTENCE,
    SEX,
    Grouping,
    age_band,
    sentence_band,
    with_labels,
)


def test_the_groupings_a_report_can_use():
    assert list(GROUPINGS) == [
        "sex",
        "ethnicity",
        "ethnicity_detailed",
        "age",
        "sentence",
        "religion",
        "location",
    ]
    assert GROUPINGS["ethnicity"] is BROAD_ETHNICITY  # the default: the broad groups


@pytest.mark.parametrize("grouping", list(GROUPINGS.values()), ids=list(GROUPINGS))
def test_no_value_is_not_recorded_and_labelled_so(grouping: Grouping):
    assert grouping.group_of(None) == NOT_RECORDED
    assert grouping.group_of("  ") == NOT_RECORDED
    assert grouping.label(NOT_RECORDED) == "Not recorded"


def test_sex():
    assert [SEX.label(SEX.group_of(sex)) for sex in Sex] == ["Female", "Male", "Prefer not to say"]
    assert SEX.all_groups() == ["female", "male", "prefer_not_to_say", NOT_RECORDED]


def test_every_ons_2021_ethnic_group_falls_in_the_broad_group_its_label_names():
    for key, label in ETHNICITIES.items():
        group = BROAD_ETHNICITY.group_of(key)
        if key == "prefer_not_to_say":
            assert group == NOT_RECORDED
        else:
            # "Asian or Asian British: Indian" is in "Asian or Asian British", and so on.
            assert label.split(":", 1)[0].startswith(BROAD_ETHNICITY.label(group)), key
    groups = {BROAD_ETHNICITY.group_of(key) for key in ETHNICITIES}
    assert groups == {*BROAD_ETHNIC_GROUPS, NOT_RECORDED}
    assert len(BROAD_ETHNICITY.all_groups()) == 5 + 1


def test_the_detailed_ethnic_groups_keep_the_census_order_and_labels():
    assert ETHNICITY_DETAILED.all_groups() == [*ETHNICITIES, NOT_RECORDED]
    assert ETHNICITY_DETAILED.label("white_roma") == "White: Roma"
    assert len(ETHNICITIES) == 19 + 1


def test_a_value_the_grouping_does_not_know_is_not_recorded():
    assert BROAD_ETHNICITY.group_of("martian") == NOT_RECORDED
    assert SEX.group_of("unknown") == NOT_RECORDED


@pytest.mark.parametrize(
    ("age", "band"),
    [
        (None, None),
        (14, None),
        (15, "15-17"),
        (17, "15-17"),
        (18, "18-20"),
        (20, "18-20"),
        (21, "21-24"),
        (29, "25-29"),
        (30, "30-39"),
        (59, "50-59"),
        (69, "60-69"),
        (70, "70+"),
        (101, "70+"),
    ],
)
def test_age_bands(age: int | None, band: str | None):
    assert age_band(age) == band
    if band is not None:
        assert AGE.group_of(band) == band


def test_age_band_labels():
    assert AGE.label("70+") == "70 and over"
    assert AGE.label("18-20") == "18 to 20"


@pytest.mark.parametrize(
    ("months", "band"),
    [
        (None, None),
        (-1, None),
        (0, "under_12_months"),
        (11, "under_12_months"),
        (12, "12_months_to_4_years"),
        (47, "12_months_to_4_years"),
        (48, "4_years_or_more"),
        (300, "4_years_or_more"),
    ],
)
def test_sentence_bands(months: int | None, band: str | None):
    assert sentence_band(months) == band
    if band is not None:
        assert SENTENCE.label(SENTENCE.group_of(band))


def test_religion():
    assert RELIGION.label(RELIGION.group_of("no_religion")) == "No religion"
    assert RELIGION.all_groups()[-1] == NOT_RECORDED


def test_each_location_is_a_group_labelled_as_recorded():
    hostile = "[bold]Wing A[/]"
    assert LOCATION.group_of(hostile) == hostile
    assert LOCATION.label(hostile) == hostile  # literal text: the report escapes it
    assert LOCATION.ordered(["wing b", NOT_RECORDED, "Wing A"]) == [
        "Wing A",
        "wing b",
        NOT_RECORDED,
    ]
    assert LOCATION.all_groups() == []


def test_groups_in_report_order_not_recorded_last():
    assert BROAD_ETHNICITY.ordered([NOT_RECORDED, "white", "asian"]) == [
        "asian",
        "white",
        NOT_RECORDED,
    ]


def test_another_vocabulary_keeps_the_grouping():
    site = with_labels(RELIGION, {"christian_anglican": "Christian: Anglican"})
    assert site.key == "religion"
    assert site.group_of("christian_anglican") == "christian_anglican"
    assert site.group_of("christian") == NOT_RECORDED
