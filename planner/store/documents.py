"""What the store keeps for a case, and how it is read back.

Each case is two documents: its full record in the cases table, and its entry in the
index table. The entry holds what the caseload lists (a few fields of the person) and the
case's assessment (stage one of the gap engine), so listing and flagging 20,000 people
never parses a full record.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from pydantic import ValidationError

from planner.domain.assessment import Assessment, assess, stored_assessment_is_current
from planner.domain.case import Case
from planner.domain.template import Template
from planner.domain.validated import STORED_RECORD
from planner.store.errors import DatabaseCorrupt
from planner.store.summary import CaseSummary


def case_documents(case: Case, template: Template) -> tuple[dict[str, Any], dict[str, Any]]:
    """What the store keeps for a case: the full record, and its entry in the index.

    The record leaves defaults out (an untouched item is not stored at all); validation
    restores them. The index entry holds what the caseload lists, and the case's assessment
    (stage one of the gap engine), so listing and flagging never parse full records.
    """
    return case.model_dump(mode="json", exclude_defaults=True), index_entry(case, template)


def index_entry(case: Case, template: Template) -> dict[str, Any]:
    """A case's entry in the index: the person as the caseload lists them, and its
    assessment by the current gap engine."""
    p = case.person
    return {
        "person": [
            p.surname,
            p.forename,
            p.prison,
            p.location,
            p.release_date.isoformat() if p.release_date else None,
            p.release_kind.value,
            p.state.value,
        ],
        "template": f"{case.checklist.template_id}@{case.checklist.template_version}",
        "rev": case.rev,
        "assigned": case.assigned_to,
        "assessment": assess(case, template).to_json(),
    }


def case_from_doc(doc: Mapping[str, Any]) -> Case:
    """A stored record as a validated case; DatabaseCorrupt when it does not validate.

    A record is read back with the rules it was saved under: text or a date that a newer
    rule refuses is shown as it is (control characters as codes) and must be put right at
    its next change, rather than locking the officer out of the record.
    """
    try:
        return Case.model_validate(dict(doc), context=STORED_RECORD)
    except ValidationError as exc:
        person = doc.get("person")
        number = person.get("number", "?") if isinstance(person, dict) else "?"
        raise DatabaseCorrupt(
            f"the record for {number} does not validate: {exc.errors()[0]['msg']}"
        ) from None
    except (ValueError, TypeError):  # stored JSON text that does not parse
        raise DatabaseCorrupt("a stored record is damaged; run 'planner doctor'") from None


def summary_from_entry(
    number: str, entry: dict[str, Any], reassess: Callable[[str], Assessment]
) -> CaseSummary:
    """The caseload's view of a case from its index entry.

    An assessment made by another gap engine (or for another template) is not used:
    `reassess` assesses the full record again. DatabaseCorrupt when the entry is damaged
    or its case has no record.
    """
    try:
        stored = entry["assessment"]
        if stored_assessment_is_current(stored, entry["template"]):
            assessment = Assessment.from_json(number, stored)
        else:  # written by an older gap engine: assess again from the full record
            assessment = reassess(number)
        surname, forename, prison, location, release, kind, state = entry["person"]
        assigned = entry.get("assigned", "")  # entries made before assignment have none
        texts = (surname, forename, prison, location, kind, state, assigned)
        if not all(isinstance(t, str) for t in texts) or not isinstance(entry["rev"], int):
            raise TypeError("an index entry holds a value of the wrong type")
        return CaseSummary(
            number=number,
            surname=surname,
            forename=forename,
            prison=prison,
            location=location,
            release_date=date.fromisoformat(release) if release else None,
            release_kind=kind,
            state=state,
            rev=entry["rev"],
            assessment=assessment,
            assigned_to=assigned,
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        raise DatabaseCorrupt(
            f"the caseload entry for {number} is damaged; run 'planner doctor'"
        ) from None


def stale_assessments(entries: Mapping[str, Any]) -> list[str]:
    """The numbers of index entries whose stored assessment is out of date: made by an
    older gap engine (or for another template). Entries too damaged to tell are left out,
    for :func:`summary_from_entry` to report."""
    stale: list[str] = []
    for number, entry in entries.items():
        try:
            if not stored_assessment_is_current(entry["assessment"], entry["template"]):
                stale.append(number)
        except (KeyError, TypeError, AttributeError):
            continue
    return stale


class SummaryCache:
    """The caseload's summaries, re-made only for index entries that changed.

    An entry is the same while it is the same object: the storage replaces an entry's
    object whenever a change (in any process) writes it.
    """

    def __init__(self) -> None:
        self._made: dict[str, tuple[object, CaseSummary]] = {}

    def summaries(
        self, entries: Mapping[str, dict[str, Any]], reassess: Callable[[str], Assessment]
    ) -> list[CaseSummary]:
        made = self._made
        fresh: dict[str, tuple[object, CaseSummary]] = {}
        for number, entry in entries.items():
            hit = made.get(number)
            if hit is not None and hit[0] is entry:
                fresh[number] = hit
            else:
                fresh[number] = (entry, summary_from_entry(number, entry, reassess))
        self._made = fresh
        return [summary for _entry, summary in fresh.values()]

    def released_between(
        self,
        entries: Mapping[str, dict[str, Any]],
        reassess: Callable[[str], Assessment],
        first: date,
        last: date,
    ) -> list[CaseSummary]:
        """Summaries of the cases released from `first` to `last` only, made (and kept)
        without making the others: the caseload shows its default window first."""
        low, high = first.isoformat(), last.isoformat()
        made = self._made
        out: list[CaseSummary] = []
        for number, entry in entries.items():
            try:
                release = entry["person"][4]
            except (KeyError, IndexError, TypeError):
                out.append(summary_from_entry(number, entry, reassess))  # DatabaseCorrupt
                continue
            if not (isinstance(release, str) and low <= release <= high):
                continue
            hit = made.get(number)
            if hit is None or hit[0] is not entry:
                hit = made[number] = (entry, summary_from_entry(number, entry, reassess))
            out.append(hit[1])
        return out
