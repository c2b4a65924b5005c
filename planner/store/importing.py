"""Applying a parsed releases-due list to the database: add new people, update the rest.

The rules:

* all or nothing by default: if any row has a problem, nothing is imported (unless the
  caller asks to skip invalid rows); a problem with the whole file (encoding, header)
  always stops the import;
* new people are added in one commit (`CaseRepository.add_many`), people already in the
  database are updated in one commit (`CaseRepository.update_people`), so the audit log says
  exactly what each re-import changed and nobody is ever duplicated;
* an update merges only the details the list gave (``person.model_fields_set``, cells with
  a value): circumstances, equality fields, state and anything else an officer recorded
  are kept, a contact keeps every part the list does not give (a list with a COM Email
  column and no COM Phone keeps the phone), and a blank cell never clears a value;
* a dry run works out the same report and writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from planner.domain.person import Contact, Person
from planner.domain.releases_csv import ParsedReleases, RowProblem
from planner.domain.template import Template
from planner.store.interface import CaseRepository


@dataclass(frozen=True)
class ImportReport:
    """What an import did (or, for a dry run, would do)."""

    dry_run: bool
    imported: bool  # False when problems stopped the import: nothing was written
    added: list[str] = field(default_factory=list)  # prison numbers
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[RowProblem] = field(default_factory=list)  # bad rows, not imported
    warnings: list[RowProblem] = field(default_factory=list)
    rows: int = 0
    template: str = ""  # the template key new people were given

    @property
    def changed(self) -> int:
        return len(self.added) + len(self.updated)

    def summary(self) -> str:
        """One line for a person to read."""
        if not self.imported:
            bad = len(self.skipped)
            return f"{bad} problem{'s' if bad != 1 else ''} in the file; nothing was imported"
        add, update = ("would add", "would update") if self.dry_run else ("added", "updated")
        parts = [
            f"{add} {len(self.added)}",
            f"{update} {len(self.updated)}",
            f"{len(self.unchanged)} unchanged",
        ]
        if self.skipped:
            bad = len(self.skipped)
            parts.append(f"{bad} bad row{'s' if bad != 1 else ''} skipped")
        return ", ".join(parts)

    def to_json(self) -> dict[str, Any]:
        """The stable JSON shape of `planner import --json` (see its --help)."""
        return {
            "dry_run": self.dry_run,
            "imported": self.imported,
            "template": self.template,
            "rows": self.rows,
            "added": list(self.added),
            "updated": list(self.updated),
            "unchanged": list(self.unchanged),
            "skipped": [{"line": p.line, "message": p.message} for p in self.skipped],
            "warnings": [{"line": w.line, "message": w.message} for w in self.warnings],
        }


@dataclass(frozen=True)
class ImportPlan:
    """The people to add, and the merged records to write for people already present."""

    new: list[Person]
    changed: list[Person]
    unchanged: list[str]


def merge_person(existing: Person, incoming: Person) -> Person:
    """The existing record with only the details the list gave replaced; for a contact
    (an offender manager), only the parts the list gave (a COM's email, say)."""
    given = incoming.model_fields_set
    updates: dict[str, Any] = {}
    for name in given - {"number"}:
        value = getattr(incoming, name)
        if isinstance(value, Contact):
            stored = getattr(existing, name).model_dump()
            value = {**stored, **{part: getattr(value, part) for part in value.model_fields_set}}
        updates[name] = value
    if not updates:
        return existing
    # Validate the merged record as a whole rather than trusting model_copy.
    return Person.model_validate({**existing.model_dump(), **updates})


def plan_import(existing: Mapping[str, Person], parsed: ParsedReleases) -> ImportPlan:
    """Sort the parsed people into new, changed and unchanged against what is stored."""
    new: list[Person] = []
    changed: list[Person] = []
    unchanged: list[str] = []
    for _line, person in parsed.people:
        current = existing.get(person.number)
        if current is None:
            new.append(person)
            continue
        merged = merge_person(current, person)
        if merged == current:
            unchanged.append(person.number)
        else:
            changed.append(merged)
    return ImportPlan(new, changed, unchanged)


def apply_import(
    store: CaseRepository,
    parsed: ParsedReleases,
    template: Template,
    *,
    dry_run: bool,
    skip_invalid: bool,
) -> ImportReport:
    """Import a parsed list into the store; see the module docstring for the rules."""
    refused = refusal(parsed, template, dry_run=dry_run, skip_invalid=skip_invalid)
    if refused is not None:
        return refused
    existing = _stored_people(store, parsed)
    plan = plan_import(existing, parsed)
    if not dry_run:
        if plan.new:
            store.add_many(plan.new, template)
        if plan.changed:
            store.update_people(plan.changed)
    return report_for(plan, parsed, template, dry_run=dry_run)


def refusal(
    parsed: ParsedReleases, template: Template, *, dry_run: bool, skip_invalid: bool
) -> ImportReport | None:
    """The report of an import that problems stop, or None when it may go ahead."""
    if not parsed.problems or (skip_invalid and not parsed.whole_file_problem):
        return None
    return ImportReport(
        dry_run=dry_run,
        imported=False,
        skipped=list(parsed.problems),
        warnings=list(parsed.warnings),
        rows=parsed.rows,
        template=template.key,
    )


def report_for(
    plan: ImportPlan, parsed: ParsedReleases, template: Template, *, dry_run: bool
) -> ImportReport:
    """The report of a plan that is (or would be) carried out."""
    return ImportReport(
        dry_run=dry_run,
        imported=True,
        added=[p.number for p in plan.new],
        updated=[p.number for p in plan.changed],
        unchanged=list(plan.unchanged),
        skipped=list(parsed.problems),
        warnings=list(parsed.warnings),
        rows=parsed.rows,
        template=template.key,
    )


def _stored_people(store: CaseRepository, parsed: ParsedReleases) -> dict[str, Person]:
    wanted = {person.number for _line, person in parsed.people}
    present = wanted.intersection(store.numbers())
    return {number: store.get(number).person for number in present}
