"""Administration of a server database as a whole (``store.admin`` of a ServerStore).

Backups and passphrases are the server's own business on a server (pg_dump, and the
server's encryption at rest), so those calls say so instead of acting. A retention purge
removes people's cases and every audit row about them: the one delete the audit table
lets through, and only for an administrator's role (see :mod:`planner.server.migrations`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from planner.server.migrations import PURGE_SETTING
from planner.store.backup_folders import Backup
from planner.store.commit import note
from planner.store.errors import StoreError
from planner.store.retention import DEFAULT_STATES, PurgePlan, plan_purge, purge_note

if TYPE_CHECKING:
    from planner.server.store import ServerStore


class ServerAdmin:
    def __init__(self, store: ServerStore) -> None:
        self._store = store

    def record_event(self, field: str, description: str) -> None:
        """Audit an event about the database as a whole; `description` holds no personal data."""
        store = self._store
        with store._changing() as cur:
            store.apply_change(cur, note(field, description), {}, at=store._clock())

    def plan_purge(self, before: date, states: Iterable[str] = DEFAULT_STATES) -> PurgePlan:
        return plan_purge(self._store.summaries(), before, states)

    def purge(self, plan: PurgePlan) -> int:
        """Remove the people of `plan` (re-checked now), their cases and every audit row
        about them, and note the purge without personal data. Needs an administrator's
        role: an officer's is refused by the server, with nothing removed."""
        store = self._store
        numbers = plan_purge(store.summaries(), plan.before, plan.states).numbers & plan.numbers
        if not numbers:
            return 0
        with store._changing() as cur:
            cur.execute(f"SET LOCAL {PURGE_SETTING} = 'on'")
            listed = sorted(numbers)
            cur.execute(
                "SELECT number FROM planner.cases WHERE number = ANY(%s) FOR UPDATE", (listed,)
            )
            cur.execute("DELETE FROM planner.cases WHERE number = ANY(%s)", (listed,))
            cur.execute("DELETE FROM planner.audit WHERE case_number = ANY(%s)", (listed,))
            entry = purge_note(plan, len(numbers), seq=0, at=store._clock(), by=store.officer)
            change = note(entry["entries"][0]["field"], entry["entries"][0]["new"])
            store.apply_change(cur, change, {}, at=store._clock())
        return len(numbers)

    def backup(self, folder: Path | None = None) -> Backup:
        raise StoreError(
            "a server database is backed up by its administrator (pg_dump), not by planner; "
            "'planner migrate --to FILE' copies a prison's cases to a file"
        )

    def backups(self) -> list[Backup]:
        return []

    def change_passphrase(self, codec: object) -> None:
        raise StoreError(
            "a server database has no passphrase: its server protects it (TLS in transit, "
            "the server's own encryption at rest)"
        )
