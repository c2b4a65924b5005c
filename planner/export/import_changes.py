"""What an import would change, person by person, for the officer to check first.

`planner import --dry-run` and the UI's "Check only" list who would be added and who
updated, each changed detail with its old and new value ("Release date: Fri 27 Nov 2026
-> Fri 11 Dec 2026"), before anything is written. The changes are worked out exactly as
the import works them out (`planner.store.importing.plan_import`); nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from planner.domain.calendar import format_day
from planner.domain.equality_input import EQUALITY_FIELDS
from planner.domain.history import contact_part_label
from planner.domain.person import CIRCUMSTANCE_LABELS, Person
from planner.domain.releases_csv import ParsedReleases
from planner.store.importing import plan_import
from planner.store.interface import CaseRepository

FIELD_LABELS: dict[str, str] = {
    "number": "Prison number",
    "date_of_birth": "Date of birth",
    "release_date": "Release date",
    "release_kind": "Release type",
    "hdc_eligible": "HDC eligible",
    "crn": "CRN",
    "pnc": "PNC",
    "prison_offender_manager": "POM",
    "community_offender_manager": "COM",
    "sentence": "Sentence length",
    **CIRCUMSTANCE_LABELS,
}
_CONTACTS = frozenset({"prison_offender_manager", "community_offender_manager"})
BLANK = "(blank)"


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str

    def __str__(self) -> str:
        return f"{self.label}: {self.old} -> {self.new}"


@dataclass(frozen=True)
class PersonChange:
    """One person an import adds (no `changes`) or updates (each changed detail)."""

    number: str
    name: str
    release_date: date | None
    changes: tuple[FieldChange, ...] = ()

    def added_line(self) -> str:
        release = format_day(self.release_date) if self.release_date else "no release date"
        return f"{self.number} {self.name}, release {release}"

    def updated_lines(self) -> Iterator[str]:
        yield f"{self.number} {self.name}"
        for change in self.changes:
            yield f"  {change}"


@dataclass(frozen=True)
class ImportChanges:
    added: tuple[PersonChange, ...]
    updated: tuple[PersonChange, ...]

    def lines(self, *, dry_run: bool = True) -> Iterator[str]:
        """'would add A1234BC Alex Example, release ...' for each person added, then
        'would update B2345CD Bea Brown' for each updated, with one indented line for
        each change: '  Release date: Fri 27 Nov 2026 -> Fri 11 Dec 2026'."""
        add, update = ("would add", "would update") if dry_run else ("added", "updated")
        for person in self.added:
            yield f"{add} {person.added_line()}"
        for person in self.updated:
            head, *changes = person.updated_lines()
            yield f"{update} {head}"
            yield from changes


def import_changes(store: CaseRepository | None, parsed: ParsedReleases) -> ImportChanges:
    """What importing `parsed` into `store` (None: an empty database) would change."""
    existing = _stored_people(store, parsed) if store is not None else {}
    plan = plan_import(existing, parsed)
    added = tuple(PersonChange(p.number, p.display_name, p.release_date) for p in plan.new)
    updated = tuple(
        PersonChange(
            merged.number,
            existing[merged.number].display_name,
            merged.release_date,
            tuple(person_differences(existing[merged.number], merged)),
        )
        for merged in plan.changed
    )
    return ImportChanges(added, updated)


def person_differences(old: Person, new: Person) -> Iterator[FieldChange]:
    """Each detail that differs, labelled as an officer reads it, in the model's order.

    Equality fields (special category data) are said to be recorded, changed or cleared,
    never shown: this is a list of many people.
    """
    hidden = {name: getattr(old, name) != getattr(new, name) for name in EQUALITY_FIELDS}
    before = _flat(old.model_dump(exclude=set(EQUALITY_FIELDS)))
    after = _flat(new.model_dump(exclude=set(EQUALITY_FIELDS)))
    for key, value in after.items():
        if before.get(key) != value:
            yield FieldChange(_label(key), _shown(before.get(key)), _shown(value))
    for name, differs in hidden.items():
        if differs:
            was, now = getattr(old, name), getattr(new, name)
            yield FieldChange(
                _label(name),
                BLANK if was is None else "recorded",
                "cleared" if now is None else ("recorded" if was is None else "changed"),
            )


def _flat(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flat(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def _label(key: str) -> str:
    parts = key.split(".")
    if len(parts) == 2 and parts[0] in _CONTACTS:
        return contact_part_label(parts[0], parts[1])  # "COM PDU", as the history reads
    words = [FIELD_LABELS.get(part, part.replace("_", " ")) for part in parts]
    if words[0] == "circumstances":
        words = words[1:]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def _shown(value: object) -> str:
    if value is None or value == "":
        return BLANK
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return format_day(value)
    return str(value)


def _stored_people(store: CaseRepository, parsed: ParsedReleases) -> dict[str, Person]:
    wanted = {person.number for _line, person in parsed.people}
    present = wanted.intersection(store.numbers())
    return {number: store.get(number).person for number in present}
