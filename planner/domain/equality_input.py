"""Equality and sentence fields as officers type them, for the CLI, the import and the form.

Each reads a choice by its code (``black_caribbean``) or its words ("Black, Black British,
Caribbean or African: Caribbean"), ignoring case, spaces, hyphens and underscores; a
blank value is "not recorded" (None). A value that is none of them is an InvalidInput
naming `what` (the option, column or field) and the codes it may be, never the value's
meaning guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from planner.domain.equality import ETHNICITIES, RELIGIONS, SEX_LABELS, Sex
from planner.domain.errors import InvalidInput
from planner.domain.person import Person
from planner.domain.sentence import SentenceLength, parse_sentence

# Person fields that are special category data (with the sentence, which the reports
# group by): optional, and left out of redacted exports.
EQUALITY_FIELDS = ("sex", "ethnicity", "religion", "sentence")


def _key(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", text.casefold())


def parse_code(raw: str | None, choices: Mapping[str, str], what: str) -> str | None:
    """The code of the choice `raw` names (by code or words); None for blank."""
    if raw is None or not raw.strip():
        return None
    wanted = _key(raw)
    for code, label in choices.items():
        if wanted in (_key(code), _key(label)):
            return code
    shown = raw.strip()
    shown = shown if len(shown) <= 40 else shown[:39] + "…"
    raise InvalidInput(f"{what}: {shown!r} is not one of: {', '.join(choices)}")


def parse_sex(raw: str | None, what: str = "sex") -> Sex | None:
    code = parse_code(raw, SEX_LABELS, what)
    return None if code is None else Sex(code)


def parse_ethnicity(raw: str | None, what: str = "ethnicity") -> str | None:
    return parse_code(raw, ETHNICITIES, what)


def parse_religion(raw: str | None, what: str = "religion") -> str | None:
    return parse_code(raw, RELIGIONS, what)


def parse_optional_sentence(raw: str | None, what: str = "sentence") -> SentenceLength | None:
    if raw is None or not raw.strip():
        return None
    return parse_sentence(raw, what)


def parse_equality(values: Mapping[str, str | None], names: Mapping[str, str]) -> dict[str, object]:
    """The equality fields given in `values` (field -> text; "" clears, None is absent),
    parsed; errors name each field as `names` does (an option, a column)."""
    parsers: dict[str, Callable[[str | None, str], object]] = {
        "sex": parse_sex,
        "ethnicity": parse_ethnicity,
        "religion": parse_religion,
        "sentence": parse_optional_sentence,
    }
    parsed: dict[str, object] = {}
    for field in EQUALITY_FIELDS:
        raw = values.get(field)
        if raw is not None:
            parsed[field] = parsers[field](raw, names.get(field, field))
    return parsed


def equality_facts(person: Person) -> list[tuple[str, str]]:
    """The equality fields recorded for one person, in words, for that person's own view
    (`planner show`, the details screen): never for a list or a log."""
    facts: list[tuple[str, str]] = []
    if person.sex is not None:
        facts.append(("sex", SEX_LABELS.get(person.sex, person.sex)))
    if person.ethnicity is not None:
        facts.append(("ethnicity", ETHNICITIES.get(person.ethnicity, person.ethnicity)))
    if person.religion is not None:
        facts.append(("religion", RELIGIONS.get(person.religion, person.religion)))
    band = person.age_band_on(person.release_date)
    if band is not None:
        facts.append(("age on release", band.label))
    if person.sentence is not None:
        sentence_band = person.sentence_band
        about = f" ({sentence_band.label})" if sentence_band else ""
        facts.append(("sentence", person.sentence.text + about))
    return facts
