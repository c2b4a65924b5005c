"""The changes an officer makes to a case as a whole, as every store makes them.

The file store and the server store lock and commit in their own ways; what each change
is (a new case, new details, notes, release outcomes, an assignment), when it changes
nothing, and when it was made from a stale view, is here once. An item's edit is in
:mod:`planner.store.item_edit`.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from planner.domain.case import Case
from planner.domain.checklist import Checklist
from planner.domain.person import CaseState, Person
from planner.domain.release_outcome import ReleaseOutcome, check_outcome
from planner.domain.template import Template
from planner.store.errors import StaleEdit


class Unchecked(enum.Enum):
    """`expected` not given: the change is made whatever the case holds now."""

    UNCHECKED = enum.auto()


UNCHECKED = Unchecked.UNCHECKED


def new_case(person: Person, template: Template, at: datetime) -> Case:
    """A case opened now on `template`'s checklist, nothing done yet."""
    checklist = Checklist(template_id=template.id, template_version=template.version)
    return Case(person=person, checklist=checklist, created_at=at, updated_at=at)


def touched(case: Case, at: datetime, **changes: Any) -> Case:
    """`case` with `changes`, saved at `at`: its revision one more."""
    return case.model_copy(update={**changes, "updated_at": at, "rev": case.rev + 1})


def with_person(old: Case, person: Person, at: datetime, *, expected: Person | None) -> Case | None:
    """The case with `person`'s details, or None when they are the details it has.
    With `expected` (the details as the officer opened them), StaleEdit if they changed."""
    if expected is not None and old.person != expected:
        raise StaleEdit(
            f"{person.number}'s details were changed by someone else since you opened them",
            current=old.person,
            attempted=person,
            number=person.number,
        )
    return None if old.person == person else touched(old, at, person=person)


def with_notes(old: Case, notes: str, at: datetime, *, expected: str | None) -> Case | None:
    """The case with `notes`, or None when they are its notes. With `expected` (the notes
    as the officer opened them), StaleEdit if they changed."""
    if expected is not None and old.notes != expected:
        raise StaleEdit(
            f"the notes for {old.number} were changed by someone else since you opened them",
            current=old.notes,
            attempted=notes,
            number=old.number,
        )
    return None if old.notes == notes else touched(old, at, notes=notes)


def with_outcome(
    old: Case,
    outcome: ReleaseOutcome,
    measures: Template,
    at: datetime,
    *,
    expected: ReleaseOutcome | Unchecked | None = UNCHECKED,
) -> Case | None:
    """The case with `outcome` (checked against `measures`) and marked released; None
    when nothing changes. With `expected` (the outcome as the officer opened it, None for
    none), StaleEdit if it changed."""
    if expected is not UNCHECKED and old.outcome != expected:
        raise StaleEdit(
            f"the release outcomes of {old.number} were changed by someone else since you "
            "opened them",
            current=old.outcome,
            attempted=outcome,
            number=old.number,
        )
    check_outcome(outcome, measures, old.person)
    person = old.person
    if person.state is not CaseState.RELEASED:
        person = person.model_copy(update={"state": CaseState.RELEASED})
    if old.outcome == outcome and person == old.person:
        return None
    return touched(old, at, outcome=outcome, person=person)


def assigned(old: Case, officer: str, at: datetime) -> Case | None:
    """The case in `officer`'s caseload ("" for nobody's), or None when it is already."""
    return None if old.assigned_to == officer else touched(old, at, assigned_to=officer)
