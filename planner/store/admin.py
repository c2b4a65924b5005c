"""Administration of a database as a whole, apart from the everyday work on cases.

Retention purges, passphrase changes, backups and events about the database itself are
rare, deliberate acts, mostly from the command line; keeping them here leaves
:class:`~planner.store.repository.CaseStore` the API of cases. Every call takes the
store's lock as a change of a case does.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from planner.store.backup import rotate
from planner.store.backup_folders import Backup, backups_root, list_backups
from planner.store.codec import Codec
from planner.store.commit import note
from planner.store.errors import WriteFailed
from planner.store.rekey import RekeyReport, rekey_database, reseal_backups
from planner.store.retention import DEFAULT_STATES, PurgePlan, plan_purge, purge_cases

if TYPE_CHECKING:
    from planner.store.repository import CaseStore


class StoreAdmin:
    """The administration of one open store (``store.admin``)."""

    def __init__(self, store: CaseStore) -> None:
        self._store = store

    def record_event(self, field: str, description: str) -> None:
        """Audit an event about the database as a whole (a restore, a passphrase change).

        `description` must hold no personal data: it is kept when people are purged.
        """
        store = self._store
        with store._locked():
            try:
                store._db.commit(note(field, description), at=store._clock(), by=store.officer)
            except OSError as exc:
                raise store._write_failed(exc) from exc

    # --- retention and encryption ---------------------------------------------------------

    def plan_purge(self, before: date, states: Iterable[str] = DEFAULT_STATES) -> PurgePlan:
        """Who a retention purge would remove: state in `states`, released before `before`."""
        store = self._store
        return plan_purge(store.summaries(), before, states)

    def purge(self, plan: PurgePlan) -> int:
        """Remove the people of `plan` (re-checked now: anyone whose record changed so the
        rule no longer applies is kept), their checklists and every audit entry about them,
        and note the purge in the audit log without personal data. Returns how many went.

        The database is rewritten as a new snapshot with an empty journal, so no copy of
        their records is left in the database files. Backups taken before still hold them.
        """
        store = self._store
        with store._locked():
            store._db.require_sound()
            numbers = plan_purge(store.summaries(), plan.before, plan.states).numbers
            numbers &= plan.numbers
            if not numbers:
                return 0
            purge_cases(store._db, plan, numbers, at=store._clock(), by=store.officer)
            return len(numbers)

    def change_passphrase(self, codec: Codec) -> RekeyReport:
        """Seal every file (database, journal, audit log, backups) with `codec`.

        `codec` is usually ``AesGcmCodec.create(new_passphrase)``; on a plain database this
        encrypts it. A crash at any instant leaves a database that opens with the old or
        the new passphrase. Other planners that have the database open must open it again.
        """
        store = self._store
        with store._locked():
            old = store._storage.codec
            rekey_database(store._db, codec, at=store._clock(), by=store.officer)
            return reseal_backups(store.path, old, codec)

    # --- backups --------------------------------------------------------------------------

    def backup(self, folder: Path | None = None) -> Backup:
        """Take a verified backup now: into `folder` (a new folder), or beside the database
        (then the oldest beyond `backups_keep` are removed)."""
        store = self._store
        with store._locked():
            if folder is None:
                store._db.require_sound()
            elif store._db.problem is not None:
                raise store._db.problem.error()
            root = backups_root(store.path)
            try:
                if folder is not None:
                    return store._take_backup(folder=Path(folder))
                backup = store._take_backup(root=root)
                rotate(root, store._backups_keep)
            except OSError as exc:
                raise WriteFailed(
                    f"could not write the backup ({exc.strerror or exc}); the database is unharmed"
                ) from exc
            return backup

    def backups(self) -> list[Backup]:
        """The backups beside the database, newest first."""
        store = self._store
        return list_backups(backups_root(store.path))
