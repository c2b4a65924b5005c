"""CaseRepository: what the UI, the commands, the exports and the reports use of a store.

Two stores satisfy it: :class:`planner.store.repository.CaseStore` (a database file, the
default and the offline choice) and :class:`planner.server.store.ServerStore` (a
PostgreSQL server, for a team). Everything above the store is written against this
protocol, so it works unchanged on either; mypy checks that both satisfy it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from planner.domain.case import Case
from planner.domain.checklist import EvidenceValue
from planner.domain.gaps import Evaluation, Flag
from planner.domain.person import Person
from planner.domain.release_outcome import ReleaseOutcome
from planner.domain.status import ItemStatus
from planner.domain.template import Template
from planner.store.audit import AuditEntry
from planner.store.backup_folders import Backup
from planner.store.codec import Codec
from planner.store.integrity import Problem
from planner.store.retention import DEFAULT_STATES, PurgePlan
from planner.store.summary import CaseSummary

__all__ = ["CaseRepository", "RepositoryAdmin"]


class RepositoryAdmin(Protocol):
    """The administration of a store as a whole (``store.admin``)."""

    def record_event(self, field: str, description: str) -> None: ...

    def plan_purge(self, before: date, states: Iterable[str] = DEFAULT_STATES) -> PurgePlan: ...

    def purge(self, plan: PurgePlan) -> int: ...

    def backup(self, folder: Path | None = None) -> Backup: ...

    def backups(self) -> list[Backup]: ...


class CaseRepository(Protocol):
    """A store of cases keyed by prison number, every change audited and durable when the
    call returns; a change made from a stale view raises StaleEdit."""

    officer: str

    @property
    def path(self) -> Path:
        """Where the cases are: the database file, or the server database's name (its last
        part names it in messages)."""
        ...

    @property
    def read_only(self) -> bool: ...

    @property
    def records_are_local(self) -> bool:
        """True when raw_records reads memory (a database file's cases are held in
        memory); False when each read asks a server."""
        ...

    @property
    def integrity_problem(self) -> Problem | None: ...

    @property
    def backup_problem(self) -> str | None: ...

    @property
    def encrypted(self) -> bool: ...

    @property
    def codec(self) -> Codec: ...

    @property
    def change_number(self) -> int:
        """Rises with every committed change, by anyone."""
        ...

    @property
    def admin(self) -> RepositoryAdmin: ...

    def close(self) -> None: ...

    def __enter__(self) -> CaseRepository: ...

    def __exit__(self, *exc: object) -> None: ...

    def __len__(self) -> int: ...

    def numbers(self) -> list[str]: ...

    def find(self, number: str) -> Case | None: ...

    def get(self, number: str) -> Case: ...

    def cases(self) -> list[Case]: ...

    def summaries(self) -> list[CaseSummary]: ...

    def summaries_released_between(self, first: date, last: date) -> list[CaseSummary]: ...

    def template(self, key: str) -> Template: ...

    def stored_templates(self) -> dict[str, str]: ...

    def template_for(self, case: Case) -> Template: ...

    def outcome_template(self, case: Case) -> Template | None: ...

    def evaluate(self, case: Case, today: date) -> Evaluation: ...

    def all_flags(self, today: date) -> list[Flag]: ...

    def history(self, number: str | None = None) -> list[AuditEntry]: ...

    def add(self, person: Person, template: Template) -> Case: ...

    def add_many(self, people: Iterable[Person], template: Template) -> list[Case]: ...

    def update_people(self, people: Iterable[Person]) -> list[Case]: ...

    def update_person(self, person: Person, *, expected: Person | None = None) -> Case: ...

    def update_notes(self, number: str, notes: str, *, expected: str | None = None) -> Case: ...

    def save_item(
        self,
        number: str,
        item_id: str,
        *,
        status: ItemStatus | None = None,
        evidence: dict[str, EvidenceValue | None] | None = None,
        reason: str | None = None,
        notes: str | None = None,
        expected_rev: int | None = None,
    ) -> Case: ...

    def record_outcome(
        self,
        number: str,
        outcome: ReleaseOutcome,
        measures: Template,
        *,
        expected: Any = ...,
    ) -> Case: ...

    def record_outcomes(
        self, outcomes: Mapping[str, ReleaseOutcome], measures: Template
    ) -> int: ...

    def assign(self, numbers: Iterable[str], officer: str) -> list[Case]: ...

    def note_exported(self, numbers: Sequence[str], description: str) -> None:
        """Note in each person's history that their record was written out of planner
        (`description`: what and where), as the store's officer, now; no record changes.
        A number not in the database (or not this officer's to see) is left out."""
        ...

    def raw_records(self, numbers: Iterable[str] | None = None) -> dict[str, Mapping[str, Any]]: ...

    def remove(self, numbers: Iterable[str]) -> int: ...
