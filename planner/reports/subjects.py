"""The people a report counts, read from the store without validating their records.

A report selects its people from the caseload's summaries (release date, state,
location, readiness counts: the index the caseload is listed from), then reads only
those people's stored records, as parsed JSON and never validated (see
:mod:`planner.domain.raw_case`), for what the summaries do not hold: the equality fields,
the circumstances an outcome measure applies to, and the release outcome. A value of an
unexpected shape reads as not recorded. What a :class:`Subject` keeps is what the report
counts: never a name or a prison number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import ValidationError

from planner.domain import raw_case
from planner.domain.assessment import SectionTally
from planner.domain.equality import age_band
from planner.domain.sentence import SentenceBand, SentenceLength, sentence_band
from planner.reports.groups import EVERYONE_KEY
from planner.store.interface import CaseRepository
from planner.store.lazy import LazyDocument
from planner.store.summary import CaseSummary

ACTIVE = "active"
RELEASED = "released"


@dataclass(frozen=True, slots=True)
class Subject:
    """One person as a report counts them.

    `values` holds what each grouping reads (see :data:`planner.reports.groups.FIELD_OF`):
    a code, or None when not recorded. `answers` the recorded answer to each outcome
    measure (release-day and follow-up), `measures` the template key they answer.
    """

    values: Mapping[str, str | None]
    circumstances: frozenset[str]
    day: date | None  # the release day: planned (readiness) or actual (outcomes)
    sections: tuple[SectionTally, ...] = ()
    applicable: int = 0
    resolved: int = 0
    answers: Mapping[str, str] | None = None  # None: no outcome recorded
    measures: str | None = None
    template_key: str = ""  # the plan's template, "id@version"


def _document(doc: Mapping[str, Any]) -> Mapping[str, Any]:
    """A stored record parsed once and not kept (a report reads each record once)."""
    return doc.read() if isinstance(doc, LazyDocument) else doc


def _sentence(value: object) -> str | None:
    if not isinstance(value, Mapping):
        return None
    years, months, days = (value.get(unit, 0) for unit in ("years", "months", "days"))
    if days == 0 and type(years) is int and type(months) is int and years * 12 + months > 0:
        whole = years * 12 + months  # whole months: the band by the calendar needs no dates
        if whole < 12:
            return SentenceBand.UNDER_12_MONTHS.value
        return (SentenceBand.UP_TO_4_YEARS if whole < 48 else SentenceBand.FOUR_YEARS_OR_MORE).value
    try:
        length = SentenceLength.model_validate(dict(value))
    except (ValidationError, TypeError, ValueError):
        return None
    band = sentence_band(length)
    return None if band is None else band.value


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


_WING_END = re.compile(r"[-/.]")


def wing_of(location: str) -> str | None:
    """The part of a location a report groups by: up to its first "-", "/" or "." (the wing
    or house block of a cell such as "B-2-014"), as recorded otherwise ("Healthcare")."""
    text = _text(location)
    if text is None:
        return None
    head = _WING_END.split(text.strip(), maxsplit=1)[0].strip()
    return head or text.strip()


ALL_FIELDS = (EVERYONE_KEY, "sex", "ethnicity", "religion", "age", "sentence", "location")


def _age(person: Mapping[str, Any], day: date | None) -> str | None:
    band = age_band(raw_case.iso_date(person.get("date_of_birth")), day)
    return None if band is None else band.value


def _values(
    person: Mapping[str, Any], location: str, day: date | None, fields: Sequence[str]
) -> dict[str, str | None]:
    """What each of `fields` (see :data:`planner.reports.groups.FIELD_OF`) holds."""
    found: dict[str, str | None] = {}
    for field in fields:
        if field == EVERYONE_KEY:
            found[field] = "all"
        elif field == "age":
            found[field] = _age(person, day)
        elif field == "sentence":
            found[field] = _sentence(person.get("sentence"))
        elif field == "location":
            found[field] = wing_of(location)
        else:
            found[field] = _text(person.get(field))
    return found


def _circumstances(person: Mapping[str, Any]) -> frozenset[str]:
    found = person.get("circumstances")
    if not isinstance(found, Mapping):
        return frozenset()
    return frozenset(name for name, on in found.items() if on is True)


def due_out(
    store: CaseRepository, today: date, days: int, fields: Sequence[str] = ALL_FIELDS
) -> list[Subject]:
    """Active people due for release from `today` up to `days` ahead, with their
    checklist's section tallies (the stored assessment, parsed and let go) and what
    `fields` hold of them."""
    chosen = [s for s in store.summaries() if s.state == ACTIVE and s.releases_within(today, days)]
    records = store.raw_records(s.number for s in chosen)
    subjects: list[Subject] = []
    for summary in chosen:
        doc = records.get(summary.number)
        if doc is None:  # removed since the summaries were read
            continue
        person = raw_case.person(_document(doc))
        assessment = summary.read_assessment()
        subjects.append(
            Subject(
                values=_values(person, summary.location, summary.release_date, fields),
                circumstances=_circumstances(person),
                day=summary.release_date,
                sections=assessment.sections,
                applicable=summary.applicable,
                resolved=summary.resolved,
                template_key=summary.template_key,
            )
        )
    return subjects


def _outcome(doc: Mapping[str, Any]) -> tuple[date | None, dict[str, str], str | None] | None:
    outcome = doc.get("outcome")
    if not isinstance(outcome, Mapping):
        return None
    answers: dict[str, str] = {}
    given = outcome.get("answers")
    if isinstance(given, Mapping):
        answers.update((k, v) for k, v in given.items() if isinstance(v, str))
    later = outcome.get("follow_ups")
    if isinstance(later, Mapping):
        for measure, follow_up in later.items():
            if isinstance(follow_up, Mapping) and isinstance(follow_up.get("answer"), str):
                answers[measure] = follow_up["answer"]
    measures = outcome.get("measures")
    return (
        raw_case.iso_date(outcome.get("released_on")),
        answers,
        measures if isinstance(measures, str) else None,
    )


def released_between(
    store: CaseRepository, first: date, last: date, fields: Sequence[str] = ALL_FIELDS
) -> list[Subject]:
    """People released from `first` to `last`: by the day their release outcome records,
    or, with none recorded, by their release date (every measure then unknown); with what
    `fields` hold of them."""
    chosen: Sequence[CaseSummary] = [s for s in store.summaries() if s.state == RELEASED]
    records = store.raw_records(s.number for s in chosen)
    subjects: list[Subject] = []
    for summary in chosen:
        stored = records.get(summary.number)
        if stored is None:
            continue
        doc = _document(stored)
        outcome = _outcome(doc)
        day = summary.release_date if outcome is None or outcome[0] is None else outcome[0]
        if day is None or not first <= day <= last:
            continue
        person = raw_case.person(doc)
        subjects.append(
            Subject(
                values=_values(person, summary.location, day, fields),
                circumstances=_circumstances(person),
                day=day,
                answers=None if outcome is None else outcome[1],
                measures=None if outcome is None else outcome[2],
            )
        )
    return subjects


def templates_used(subjects: Iterable[Subject]) -> list[str]:
    """The template keys the subjects' outcomes answer, most used first."""
    counts: dict[str, int] = {}
    for subject in subjects:
        if subject.measures:
            counts[subject.measures] = counts.get(subject.measures, 0) + 1
    return sorted(counts, key=lambda key: (-counts[key], key))
