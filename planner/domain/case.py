"""A case: the person, their checklist and bookkeeping, as one stored unit."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from planner.domain.checklist import Checklist
from planner.domain.person import Person


class Case(BaseModel):
    """One person's resettlement plan. Stored keyed by prison number."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    person: Person
    checklist: Checklist
    notes: str = ""
    created_at: datetime
    updated_at: datetime
    rev: int = 1

    @property
    def number(self) -> str:
        return self.person.number
