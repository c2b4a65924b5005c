"""The groupings a report is asked for by name (`--by sex`), and the group of each person.

The groupings and their labels are :mod:`planner.domain.report_groups`; religion is
labelled with the vocabulary the records use (:data:`planner.domain.equality.RELIGIONS`).
No grouping at all (`everyone`) counts everybody in one group.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from planner.domain.equality import RELIGIONS
from planner.domain.errors import InvalidInput
from planner.domain.report_groups import (
    AGE,
    BROAD_ETHNICITY,
    ETHNICITY_DETAILED,
    LOCATION,
    RELIGION,
    SENTENCE,
    SEX,
    Grouping,
    with_labels,
)

EVERYONE_KEY = "everyone"
EVERYONE = Grouping(EVERYONE_KEY, "Everyone", MappingProxyType({"all": "All people"}))

BY: Mapping[str, Grouping] = MappingProxyType(
    {
        EVERYONE_KEY: EVERYONE,
        "sex": SEX,
        "ethnicity": BROAD_ETHNICITY,
        "ethnicity_detailed": ETHNICITY_DETAILED,
        "age": AGE,
        "sentence": SENTENCE,
        "religion": with_labels(RELIGION, RELIGIONS),
        # the wing or unit: "B-2-014" is counted in B (planner.reports.subjects.wing_of)
        "location": Grouping(LOCATION.key, "Location (wing or unit)", open=True),
    }
)
# What each grouping reads of a person (see planner.reports.subjects.Subject.values).
FIELD_OF: Mapping[str, str] = MappingProxyType(
    {
        EVERYONE_KEY: EVERYONE_KEY,
        "sex": "sex",
        "ethnicity": "ethnicity",
        "ethnicity_detailed": "ethnicity",
        "age": "age",
        "sentence": "sentence",
        "religion": "religion",
        "location": "location",
    }
)


def grouping(name: str) -> Grouping:
    """The grouping called `name` (`ethnicity-detailed` as well as `ethnicity_detailed`);
    InvalidInput listing the choices otherwise."""
    key = name.strip().lower().replace("-", "_")
    found = BY.get(key)
    if found is None:
        choices = ", ".join(k.replace("_", "-") for k in BY)
        raise InvalidInput(f"{name!r} is not a grouping; one of {choices}")
    return found


def choices() -> tuple[str, ...]:
    return tuple(k.replace("_", "-") for k in BY)
