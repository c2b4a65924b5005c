"""What the store keeps for a case, and how it is read back.

Each case is three documents: its full record in the cases table; its entry in the index
table (what the caseload lists: a few fields of the person, the readiness counts, which
gap engine assessed it), read with the caseload; and its assessment (stage one of the gap
engine) in the assessments table, kept as JSON text until its flags are wanted. So
listing and flagging 20,000 people never parses a full record, and opening the caseload
parses neither the records nor the assessments.

An index entry written before the assessments had a table of their own holds its
assessment inside; it is read as it is and written again the new way (see
:func:`stale_entries`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from pydantic import ValidationError

from planner.domain.assessment import (
    ENGINE_VERSION,
    Assessment,
    assess,
    stored_assessment_is_current,
)
from planner.domain.case import Case
from planner.domain.gaps import QUIET_RULES, quiet_until
from planner.domain.template import Template
from planner.domain.validated import STORED_RECORD
from planner.store.errors import DatabaseCorrupt
from planner.store.lazy import LazyDocument
from planner.store.summary import CaseSummary

# The index entry's key for the day its case is quiet until (quiet_until), named for the
# version of the rule that made it: a day stored by an older rule is not read.
QUIET_KEY = f"quiet{QUIET_RULES}"


def case_documents(
    case: Case, template: Template
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """What the store keeps for a case: the full record, its entry in the index, and its
    assessment by the current gap engine.

    The record leaves defaults out (an untouched item is not stored at all); validation
    restores them.
    """
    entry, assessment = index_entry(case, template)
    return case.model_dump(mode="json", exclude_defaults=True), entry, assessment


def index_entry(case: Case, template: Template) -> tuple[dict[str, Any], dict[str, Any]]:
    """A case's entry in the index (the person as the caseload lists them, its readiness
    counts) and its assessment by the current gap engine."""
    p = case.person
    assessment = assess(case, template)
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
        "engine": ENGINE_VERSION,
        "counts": [assessment.applicable, assessment.resolved],
        QUIET_KEY: quiet_until(assessment, template),
    }, assessment.to_json()


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
    number: str,
    entry: dict[str, Any],
    stored: Mapping[str, Any] | None,
    reassess: Callable[[str], Assessment],
) -> CaseSummary:
    """The caseload's view of a case from its index entry and its stored assessment.

    The assessment is parsed when first asked for. One made by another gap engine (or for
    another template) is not used: `reassess` assesses the full record again.
    DatabaseCorrupt when the entry is damaged. (20,000 of these are made to list a
    caseload: hence one function, with its checks written out.)
    """
    try:
        surname, forename, prison, location, release, kind, state = entry["person"]
        assigned = entry.get("assigned", "")  # entries made before assignment have none
        rev, template, counts = entry["rev"], entry["template"], entry.get("counts")
        if not (
            type(surname) is type(forename) is type(prison) is type(location) is str
            and type(kind) is type(state) is type(assigned) is type(template) is str
            and type(rev) is int
        ):
            raise TypeError("an index entry holds a value of the wrong type")
        loaded: Assessment | Callable[[bool], Assessment]
        quiet: int | None = None
        if "assessment" in entry or entry.get("engine") != ENGINE_VERSION or stored is None:
            loaded = _assessment(number, entry.get("assessment", stored), template, reassess)
            applicable, resolved = loaded.applicable, loaded.resolved
            stored = None
        else:
            quiet = entry.get(QUIET_KEY)
            if type(quiet) is not int:
                quiet = None  # written before entries held one, or damaged
            applicable, resolved = counts  # type: ignore[misc]  # checked just below
            if type(applicable) is not int or type(resolved) is not int:
                raise TypeError("an index entry's counts are not numbers")

            def loaded(keep: bool, stored: Mapping[str, Any] = stored) -> Assessment:
                try:
                    return _assessment(number, stored, template, reassess, keep=keep)
                except (KeyError, TypeError, ValueError, AttributeError):
                    raise _damaged(number) from None

        return CaseSummary(
            number=number,
            surname=surname,
            forename=forename,
            prison=prison,
            location=location,
            release_date=date.fromisoformat(release) if release else None,
            release_kind=kind,
            state=state,
            rev=rev,
            assessment=loaded,
            template_key=template,
            assigned_to=assigned,
            applicable=applicable,
            resolved=resolved,
            stored=stored,
            quiet=quiet,
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        raise _damaged(number) from None


def _assessment(
    number: str,
    stored: Any,
    template: str,
    reassess: Callable[[str], Assessment],
    *,
    keep: bool = True,
) -> Assessment:
    if isinstance(stored, LazyDocument):
        # One parse, then plain dict reads; kept with the document unless `keep` is off.
        stored = stored.parsed() if keep else stored.read()
    if stored is not None and stored_assessment_is_current(stored, template):
        return Assessment.from_json(number, stored)
    return reassess(number)  # written by an older gap engine: assess the full record again


def _damaged(number: str) -> DatabaseCorrupt:
    return DatabaseCorrupt(f"the caseload entry for {number} is damaged; run 'planner doctor'")


def stale_entries(entries: Mapping[str, Any]) -> list[str]:
    """The numbers of index entries to write again: assessed by an older gap engine,
    holding their assessment inside (written before the assessments table), or without a
    current quiet day (written before entries held one; see :func:`quiet_entry`). Entries
    too damaged to tell are left out, for :func:`summary_from_entry` to report."""
    stale: list[str] = []
    for number, entry in entries.items():
        try:
            if (
                "assessment" in entry
                or entry.get("engine") != ENGINE_VERSION
                or type(entry.get(QUIET_KEY)) is not int
            ):
                stale.append(number)
        except (TypeError, AttributeError):
            continue
    return stale


def quiet_entry(
    number: str,
    entry: Mapping[str, Any],
    stored: Mapping[str, Any] | None,
    template_for: Callable[[str], Template],
) -> dict[str, Any] | None:
    """An index entry written before entries held a quiet day, with the day its current
    stored assessment gives (the assessment itself stays as it is); None when there is no
    current assessment to read it from, or it cannot be read (then the record is assessed
    again)."""
    if "assessment" in entry or entry.get("engine") != ENGINE_VERSION or stored is None:
        return None
    try:
        data = stored.read() if isinstance(stored, LazyDocument) else stored
        template = entry["template"]
        if not stored_assessment_is_current(data, template):
            return None
        quiet = quiet_until(Assessment.from_json(number, data), template_for(template))
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    kept = {key: value for key, value in entry.items() if not key.startswith("quiet")}
    return {**kept, QUIET_KEY: quiet}  # a day an older rule stored is left out


def split_entry(entry: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """An index entry from before the assessments table, as the entry and assessment it is
    stored as now; None when its assessment is not current (then the record must be
    assessed again)."""
    stored = entry.get("assessment")
    if not isinstance(stored, dict) or not stored_assessment_is_current(stored, entry["template"]):
        return None
    core = {k: v for k, v in entry.items() if k != "assessment"}
    core["engine"] = ENGINE_VERSION
    core["counts"] = [stored["applicable"], stored["resolved"]]
    return core, stored


class SummaryCache:
    """The caseload's summaries, re-made only for cases whose documents changed.

    A document is the same while it is the same object: the storage replaces a
    document's object whenever a change (in any process) writes it.
    """

    def __init__(self) -> None:
        self._made: dict[str, tuple[object, object, CaseSummary]] = {}

    def _summary(
        self,
        number: str,
        entry: dict[str, Any],
        assessments: Mapping[str, Any],
        reassess: Callable[[str], Assessment],
    ) -> CaseSummary:
        stored = assessments.get(number)
        hit = self._made.get(number)
        if hit is not None and hit[0] is entry and hit[1] is stored:
            return hit[2]
        made = summary_from_entry(number, entry, stored, reassess)
        self._made[number] = (entry, stored, made)
        return made

    def summaries(
        self,
        entries: Mapping[str, dict[str, Any]],
        assessments: Mapping[str, Any],
        reassess: Callable[[str], Assessment],
    ) -> list[CaseSummary]:
        out = [self._summary(n, e, assessments, reassess) for n, e in entries.items()]
        if len(self._made) > len(entries):  # forget cases that were removed
            self._made = {n: self._made[n] for n in entries if n in self._made}
        return out

    def released_between(
        self,
        entries: Mapping[str, dict[str, Any]],
        assessments: Mapping[str, Any],
        reassess: Callable[[str], Assessment],
        first: date,
        last: date,
    ) -> list[CaseSummary]:
        """Summaries of the cases released from `first` to `last` only, made (and kept)
        without making the others: the caseload shows its default window first."""
        low, high = first.isoformat(), last.isoformat()
        out: list[CaseSummary] = []
        for number, entry in entries.items():
            try:
                release = entry["person"][4]
            except (KeyError, IndexError, TypeError):
                out.append(summary_from_entry(number, entry, None, reassess))  # DatabaseCorrupt
                continue
            if isinstance(release, str) and low <= release <= high:
                out.append(self._summary(number, entry, assessments, reassess))
        return out
