"""A case: the person, their checklist and bookkeeping, as one stored unit."""

from __future__ import annotations

from datetime import datetime

from pydantic import ConfigDict

from planner.domain.checklist import Checklist
from planner.domain.person import Person
from planner.domain.release_outcome import ReleaseOutcome
from planner.domain.text import NameText, NotesText
from planner.domain.validated import ValidatedModel


class Case(ValidatedModel):
    """One person's resettlement plan. Stored keyed by prison number."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    person: Person
    checklist: Checklist
    notes: NotesText = ""
    assigned_to: NameText = ""  # the officer whose caseload it is in ("" while unassigned)
    outcome: ReleaseOutcome | None = None  # what happened on and after release day
    created_at: datetime
    updated_at: datetime
    rev: int = 1

    @property
    def number(self) -> str:
        return self.person.number
