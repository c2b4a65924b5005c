"""CaseStore: the one way the rest of planner reads and changes cases.

Every public method takes the database lock, brings the in-memory view up to date with
what other processes wrote and checks that the files still vouch for each other, and for
changes: commits the new documents and the change's audit record, fsync'd before it
returns (see :mod:`planner.store.database`). Cases are keyed by prison number. A database
whose history does not hold together (see :mod:`planner.store.integrity`) can be read but
refuses every change: :attr:`CaseStore.integrity_problem` says why.

Opening a database also: finishes any passphrase change or restore a crash interrupted;
unlocks an encrypted database (a wrong passphrase is refused before anything is read or
written); opens it read-only when its file or folder cannot be written; refuses a damaged
or foreign file without touching it, naming the newest good backup; and, on the first open
of a day, takes a verified backup (see :mod:`planner.store.opening`).

What the store keeps for a case is in :mod:`planner.store.documents`, its tables in
:mod:`planner.store.tables`, and the template versions cases use in
:mod:`planner.store.stored_templates`. Administration of the database as a whole (purges,
passphrase changes, backups) is :class:`planner.store.admin.StoreAdmin`, reached as
`store.admin`.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.domain.assessment import Assessment, assess
from planner.domain.bulk import bulk_parsing
from planner.domain.case import Case
from planner.domain.checklist import EvidenceValue
from planner.domain.gaps import Evaluation, Flag, FlagRules, evaluate, flag_order
from planner.domain.person import Person
from planner.domain.release_outcome import ReleaseOutcome
from planner.domain.status import ItemStatus
from planner.domain.template import Template
from planner.store import layout
from planner.store.admin import StoreAdmin
from planner.store.audit import AuditEntry
from planner.store.backup import extent_of, take_backup
from planner.store.backup_folders import Backup
from planner.store.case_edits import (
    UNCHECKED,
    Unchecked,
    assigned,
    new_case,
    with_notes,
    with_outcome,
    with_person,
)
from planner.store.codec import Codec, is_plain
from planner.store.commit import case_change, exported, reassessed
from planner.store.compaction import Fold, Staged, write_staged
from planner.store.crypto import PassphraseSource
from planner.store.database import Change, Database
from planner.store.documents import (
    SummaryCache,
    case_from_doc,
    index_entry,
    quiet_entry,
    split_entry,
    stale_entries,
)
from planner.store.errors import (
    CaseExists,
    CaseNotFound,
    DatabaseCorrupt,
    StoreError,
    WriteFailed,
)
from planner.store.holiday_cache import use_holiday_cache_file
from planner.store.integrity import Problem
from planner.store.item_edit import edited_case
from planner.store.layout import DatabaseFiles
from planner.store.locking import is_writable
from planner.store.opening import daily_backup, open_database
from planner.store.stored_templates import StoredTemplates, template_document
from planner.store.summary import CaseSummary
from planner.store.tables import (
    ASSESSMENTS,
    CASES,
    INDEX,
    TEMPLATES,
    keyed_tables,
)

if TYPE_CHECKING:
    from planner.store.transfers import StoreTransfers

__all__ = ["DEFAULT_BACKUPS_KEEP", "CaseStore", "utc_now"]

DEFAULT_BACKUPS_KEEP = 14
# An upgrade of this many index entries is folded into the snapshot at once: every open
# would otherwise replay it from the journal until the next fold (at 20,000 people, 170 ms
# an open, against half a second once).
FOLD_UPGRADES_OF = 1000


def utc_now() -> datetime:
    return datetime.now(UTC)


class CaseStore:
    """A database of cases on disk. Use as a context manager, or call close().

    Options beyond the path:

    * `codec`: a codec already unlocked this run (no second key derivation); `passphrase`
      (a string, or a function asked only if the database turns out to be encrypted)
      unlocks an encrypted database otherwise. Without either, an encrypted database
      raises PassphraseNeeded; a wrong passphrase raises WrongPassphrase. Nothing is read
      or written before the passphrase is checked.
    * `encrypt`: when the database is created here, encrypt it with `passphrase`.
    * `read_only`: None detects it (the file or folder cannot be written); True forces
      it. A read-only store raises ReadOnlyDatabase on every change.
    * `backups_keep` / `auto_backup`: the first open of a day takes a verified backup into
      ``NAME.backups`` and keeps the newest `backups_keep`. A failed backup never stops
      the open: it is described in :attr:`backup_problem`.
    * `background_folds`: fold the journal into a new snapshot in a thread when it has
      grown (False: in the save that finds it due, as tests of the fold itself want).
    """

    def __init__(
        self,
        path: Path,
        *,
        officer: str = "",
        codec: Codec | None = None,
        create: bool = True,
        clock: Callable[[], datetime] = utc_now,
        lock_timeout: float = 15.0,
        passphrase: str | PassphraseSource | None = None,
        encrypt: bool = False,
        read_only: bool | None = None,
        backups_keep: int = DEFAULT_BACKUPS_KEEP,
        auto_backup: bool = True,
        background_folds: bool = True,
    ) -> None:
        use_holiday_cache_file()  # deadlines count working days: keep the calendar
        self.path = Path(path)
        self.files = DatabaseFiles(self.path)
        layout.opened(self.files)
        self.officer = officer
        self._clock = clock
        self._mutex = threading.RLock()
        self._depth = 0
        self._shared = False
        self._folding: threading.Thread | None = None
        self._background_folds = background_folds
        self._backups_keep = backups_keep
        self._read_only = bool(read_only) or not is_writable(self.path)
        self.backup_problem: str | None = None
        self.last_backup: Backup | None = None
        self._db = Database(self.path, read_only=self._read_only, lock_timeout=lock_timeout)
        self._storage = self._db.storage
        self._summaries = SummaryCache()
        tables = keyed_tables(self._storage)
        self._cases = tables.cases
        self._templates = StoredTemplates(tables.templates)
        created = open_database(
            self._db,
            create=create,
            codec=codec,
            passphrase=passphrase,
            encrypt=encrypt,
            at=clock(),
            by=officer,
        )
        if self._read_only:
            return
        if auto_backup and not created:
            # Copying the files needs only that nobody changes them meanwhile: a shared
            # lock, which lets other readers in.
            with self._locked(shared=True):
                self.last_backup, self.backup_problem = daily_backup(
                    self._db, clock=self._clock, keep=self._backups_keep
                )
        self._store_new_assessments()

    def _store_new_assessments(self) -> None:
        """Store again, in one change, the index entries an older gap engine assessed,
        that hold their assessment inside (from before the assessments table), or that
        hold no quiet day (from before entries did: only the entry is written again).

        Otherwise every open would assess those people again from their full records
        (`summaries` does, in memory). Their records are not touched. Never on a read-only
        open; a failure is left for the next open to try again.
        """
        if self._db.problem is not None:
            return
        with self._locked():
            entries: dict[str, dict[str, Any] | None] = {}
            assessments: dict[str, dict[str, Any] | None] = {}
            tables = self._storage.read()
            index, stored = tables.get(INDEX, {}), tables.get(ASSESSMENTS, {})
            for number in stale_entries(index):
                try:
                    # Only the quiet day missing: the entry alone is written again.
                    quieted = quiet_entry(number, index[number], stored.get(number), self.template)
                    if quieted is not None:
                        entries[number] = quieted
                        continue
                    split = split_entry(index[number])  # still current: no need to read the record
                    if split is None:
                        case = self.get(number)
                        split = index_entry(case, self.template_for(case))
                    elif quieted := quiet_entry(number, split[0], split[1], self.template):
                        split = quieted, split[1]
                except StoreError:  # a damaged record: summaries() reports it
                    continue
                entries[number], assessments[number] = split
            if entries:
                change = reassessed(entries, assessments)
                with contextlib.suppress(OSError, StoreError):
                    self._db.commit(change, at=self._clock(), by=self.officer)
                    if len(entries) >= FOLD_UPGRADES_OF:
                        self._db.compact()

    def _take_backup(self, *, root: Path | None = None, folder: Path | None = None) -> Backup:
        extent = extent_of(self._db)
        return take_backup(self.files, extent, taken=self._clock(), root=root, folder=folder)

    # --- lifecycle ------------------------------------------------------------------------

    def close(self) -> None:
        self.wait_for_fold()  # its snapshot is written: put it in place before leaving
        with self._mutex:
            self._storage.close()
        layout.closed(self.files)

    def __enter__(self) -> CaseStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def db_id(self) -> str:
        return self._storage.db_id

    @property
    def records_are_local(self) -> bool:
        """A database file's cases are held in memory: raw_records reads no disk."""
        return True

    @property
    def read_only(self) -> bool:
        """True when changes cannot be saved (the file or folder is not writable)."""
        return self._read_only

    @property
    def integrity_problem(self) -> Problem | None:
        """Why the database refuses changes although it can be read: its snapshot, journal
        and audit log do not vouch for each other (None when they do). As of the last
        operation; `planner doctor` says how to recover."""
        return self._db.problem

    @property
    def codec(self) -> Codec:
        """The codec the files are sealed with (to open this database's backups)."""
        return self._storage.codec

    @property
    def encrypted(self) -> bool:
        return not is_plain(self._storage.codec)

    @property
    def change_number(self) -> int:
        """Rises with every committed change, by any process."""
        with self._locked(shared=True):
            return self._storage.seq

    # --- reading --------------------------------------------------------------------------

    def __len__(self) -> int:
        with self._locked(shared=True):
            return len(self._storage.read().get(CASES, {}))

    def numbers(self) -> list[str]:
        with self._locked(shared=True):
            return sorted(self._storage.read().get(CASES, {}))

    def find(self, number: str) -> Case | None:
        with self._locked(shared=True):
            try:
                doc = self._cases.by_key(number)
            except (ValueError, TypeError):  # a stored record that is not JSON text
                raise DatabaseCorrupt(f"the record for {number} is damaged") from None
            return None if doc is None else case_from_doc(doc)

    def get(self, number: str) -> Case:
        case = self.find(number)
        if case is None:
            raise CaseNotFound(f"no person with prison number {number} in this database")
        return case

    def cases(self) -> list[Case]:
        with self._locked(shared=True):
            return [case_from_doc(doc) for doc in self._storage.read().get(CASES, {}).values()]

    def summaries(self) -> list[CaseSummary]:
        """Every case, light enough to list 20,000 of them; re-parsed only when changed.

        Built from the index table (a few fields of the person and the readiness counts);
        each summary's assessment is parsed when first asked for. The full records are
        never parsed to list the caseload.
        """
        entries, assessments = self._listing_tables()
        with self._mutex:  # the summary cache is this process's own
            return self._summaries.summaries(entries, assessments, self._reassess)

    def summaries_released_between(self, first: date, last: date) -> list[CaseSummary]:
        """The summaries of cases released from `first` to `last` (any state), without
        making the others: 4,000 of a 20,000 caseload cost a fifth of all of them."""
        entries, assessments = self._listing_tables()
        with self._mutex:
            return self._summaries.released_between(
                entries, assessments, self._reassess, first, last
            )

    def _listing_tables(self) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
        """The index and assessments tables as they stand, copied under the lock (a few
        milliseconds at 20,000 people) so that the summaries are built after it is let
        go: another process's save never waits while this one lists the caseload.
        Documents are replaced whole by a change, never changed in place, so the copies
        hold each document as it was."""
        with self._locked(shared=True):
            tables = self._storage.read()
            return dict(tables.get(INDEX, {})), dict(tables.get(ASSESSMENTS, {}))

    def template(self, key: str) -> Template:
        """A template version as stored with the cases that use it.

        Once read, a version is served without taking the database lock: what is stored
        under a key is never changed, and the lock and reload cost every caller that asks
        once per person.
        """
        cached = self._templates.parsed(key)
        if cached is not None:
            return cached
        with self._locked(shared=True):
            return self._templates.get(key)

    def stored_templates(self) -> dict[str, str]:
        """Stored template keys and their content fingerprints."""
        with self._locked(shared=True):
            return self._templates.fingerprints()

    def template_for(self, case: Case) -> Template:
        return self.template(f"{case.checklist.template_id}@{case.checklist.template_version}")

    def outcome_template(self, case: Case) -> Template | None:
        """The template version whose measures the case's release outcome answers (None
        until one is recorded)."""
        return None if case.outcome is None else self.template(case.outcome.measures)

    def evaluate(self, case: Case, today: date) -> Evaluation:
        return evaluate(case, self.template_for(case), today)

    def all_flags(self, today: date) -> list[Flag]:
        """Every flag across the caseload as of `today`, most urgent first.

        The lock is held only to copy the caseload's tables (see :meth:`summaries`);
        flagging 20,000 people does not keep another process's save waiting.
        """
        flags: list[Flag] = []
        rules: dict[str, FlagRules] = {}
        # Each assessment is parsed, flagged and let go (see CaseSummary.flags): the
        # caseload's parsed assessments held at once would double the memory the open
        # store needs. People with nothing that can flag today are not parsed at all.
        with bulk_parsing():
            for summary in sorted(self.summaries(), key=_by_number):
                key = summary.template_key
                rule = rules.get(key)
                if rule is None:
                    rule = rules[key] = FlagRules(self.template(key), today)
                flags.extend(summary.flags(rule))
        flags.sort(key=flag_order)
        return flags

    def history(self, number: str | None = None) -> list[AuditEntry]:
        with self._locked(shared=True):
            return self._db.history(number)

    # --- changing -------------------------------------------------------------------------

    def add(self, person: Person, template: Template) -> Case:
        """Open a new case; refuses a prison number that is already in the database."""
        now = self._clock()
        with self._locked():
            template = self._templates.stored_version(template)
            if self._cases.has_key(person.number):
                raise CaseExists(f"prison number {person.number} is already in this database")
            case = new_case(person, template, now)
            self._commit([(None, case)], template)
            return case

    def add_many(self, people: Iterable[Person], template: Template) -> list[Case]:
        """Open many cases in one commit (import); refuses if any already exists."""
        now = self._clock()
        with self._locked():
            template = self._templates.stored_version(template)
            pairs: list[tuple[Case | None, Case]] = []
            for person in people:
                if self._cases.has_key(person.number):
                    raise CaseExists(f"prison number {person.number} is already in this database")
                pairs.append((None, new_case(person, template, now)))
            self._commit(pairs, template)
            return [case for _, case in pairs]

    def update_people(self, people: Iterable[Person]) -> list[Case]:
        """Replace several people's details in one commit (re-import)."""
        with self._locked():
            pairs: list[tuple[Case | None, Case | None]] = []
            for person in people:
                old = self.get(person.number)
                new = with_person(old, person, self._clock(), expected=None)
                if new is not None:
                    pairs.append((old, new))
            if pairs:
                self._commit(pairs)
            return [new for _, new in pairs if new is not None]

    def update_person(self, person: Person, *, expected: Person | None = None) -> Case:
        """Replace a person's details; with `expected`, refuse if someone changed them first."""
        with self._locked():
            old = self.get(person.number)
            new = with_person(old, person, self._clock(), expected=expected)
            if new is None:
                return old
            self._commit([(old, new)])
            return new

    def update_notes(self, number: str, notes: str, *, expected: str | None = None) -> Case:
        """Replace the case notes; with `expected` (the notes as the officer opened them),
        refuse with StaleEdit if someone changed them first."""
        with self._locked():
            old = self.get(number)
            new = with_notes(old, notes, self._clock(), expected=expected)
            if new is None:
                return old
            self._commit([(old, new)])
            return new

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
    ) -> Case:
        """Change one checklist item. Evidence is merged: a None value clears a field.

        With `expected_rev` (the item's `rev` when the officer opened it), a change made
        meanwhile by someone else raises StaleEdit carrying both versions.
        """
        with self._locked():
            old = self.get(number)
            template = self.template_for(old)
            new = edited_case(
                old,
                template,
                item_id,
                status=status,
                evidence=evidence,
                reason=reason,
                notes=notes,
                expected_rev=expected_rev,
                officer=self.officer,
                at=self._clock(),
            )
            if new is None:
                return old
            self._commit([(old, new)])
            return new

    def record_outcome(
        self,
        number: str,
        outcome: ReleaseOutcome,
        measures: Template,
        *,
        expected: ReleaseOutcome | Unchecked | None = UNCHECKED,
    ) -> Case:
        """Record (or change) what happened on and after release day, and mark the case
        released if it is not already, as one audited change.

        `measures` is the template version whose outcome measures `outcome` answers (see
        :func:`planner.domain.release_outcome.record_outcome`); it is stored with the
        database if no case uses it yet, without changing the plan the case was made on.
        With `expected` (the outcome as the officer opened it, None for none), a change
        made meanwhile by someone else raises StaleEdit carrying both.
        """
        with self._locked():
            old = self.get(number)
            stored = self._templates.stored_version(measures)
            new = with_outcome(old, outcome, stored, self._clock(), expected=expected)
            if new is None:
                return old
            self._save_outcomes([(old, new)], stored)
            return new

    def record_outcomes(self, outcomes: Mapping[str, ReleaseOutcome], measures: Template) -> int:
        """Record many people's release outcomes in one change (the sample caseload, an
        import); returns how many cases changed. Any one that does not fit its measures
        refuses them all (InvalidInput), with nothing written."""
        with self._locked():
            stored = self._templates.stored_version(measures)
            pairs: list[tuple[Case | None, Case | None]] = []
            for number, outcome in outcomes.items():
                old = self.get(number)
                new = with_outcome(old, outcome, stored, self._clock())
                if new is not None:
                    pairs.append((old, new))
            if pairs:
                self._save_outcomes(pairs, stored)
            return len(pairs)

    def _save_outcomes(
        self, pairs: Sequence[tuple[Case | None, Case | None]], measures: Template
    ) -> None:
        """Commit outcome changes, storing the measures' template version if no case uses
        it yet; each case is still assessed against its own plan's template."""
        change = case_change(pairs, self.template_for)
        if not self._templates.has(measures.key):
            change.documents[TEMPLATES] = {measures.key: template_document(measures)}
        self._save(change)

    def assign(self, numbers: Iterable[str], officer: str) -> list[Case]:
        """Put cases in `officer`'s caseload ("" leaves them unassigned), in one audited
        change; returns the cases that changed. CaseNotFound names an unknown number."""
        with self._locked():
            pairs: list[tuple[Case | None, Case | None]] = []
            for number in dict.fromkeys(numbers):
                old = self.get(number)
                new = assigned(old, officer, self._clock())
                if new is not None:
                    pairs.append((old, new))
            if pairs:
                self._commit(pairs)
            return [new for _old, new in pairs if new is not None]

    def note_exported(self, numbers: Sequence[str], description: str) -> None:
        """Note in each person's history that their record was written out (`description`:
        what and where), in one change; no record changes. A number no longer here (purged
        or sent away meanwhile) is left out: nothing is noted about someone not here."""
        with self._locked():
            present = [number for number in numbers if self.find(number) is not None]
            if present:
                self._save(exported(present, description))

    def raw_records(self, numbers: Iterable[str] | None = None) -> dict[str, Mapping[str, Any]]:
        """The stored records of `numbers` (every case when None) as they are stored, JSON
        parsed on first read and never validated: for filtering thousands of cases by their
        evidence, where validating each would cost more than the rest together. Read only;
        a number with no record is left out."""
        with self._locked(shared=True):
            stored = self._storage.read().get(CASES, {})
            wanted = stored if numbers is None else {n: stored[n] for n in numbers if n in stored}
            return dict(wanted)

    def remove(self, numbers: Iterable[str]) -> int:
        """Delete cases in one commit; returns how many were removed."""
        with self._locked():
            pairs: list[tuple[Case | None, Case | None]] = []
            for number in numbers:
                case = self.find(number)
                if case is not None:
                    pairs.append((case, None))
            if pairs:
                self._commit(pairs)
            return len(pairs)

    def compact(self) -> None:
        """Fold the journal into a new snapshot now (planner also does it by itself)."""
        with self._locked():
            try:
                self._db.compact()
            except OSError as exc:
                raise WriteFailed(
                    f"could not write a new snapshot of {self.path.name} "
                    f"({exc.strerror or exc}); nothing was lost, the journal still holds "
                    "every change"
                ) from exc

    @property
    def transfers(self) -> StoreTransfers:
        """Transfers of people between prisons: what a transfer file carries, marking a
        person sent, receiving one (see :class:`planner.store.transfers.StoreTransfers`)."""
        from planner.store.transfers import StoreTransfers

        return StoreTransfers(self)

    @property
    def admin(self) -> StoreAdmin:
        """The database as a whole: retention purges, passphrase changes, backups and
        events about the database (see :class:`planner.store.admin.StoreAdmin`)."""
        return StoreAdmin(self)

    # --- internals ------------------------------------------------------------------------

    def _commit(
        self, pairs: Sequence[tuple[Case | None, Case | None]], template: Template | None = None
    ) -> None:
        """Commit a set of case changes, with their audit record, as one durable change.

        `pairs` holds (old, new) cases: old None for a new case, new None for a removal.
        `template` is the one new cases were made with; it is stored if it is not yet.
        """
        if template is None:
            change = case_change(pairs, self.template_for)
        else:
            made_with = template
            change = case_change(pairs, lambda _case: made_with)
        if template is not None and not self._templates.has(template.key):
            change.documents[TEMPLATES] = {template.key: template_document(template)}
        self._save(change)

    def _save(self, change: Change) -> None:
        try:
            self._db.commit(change, at=self._clock(), by=self.officer)
        except OSError as exc:
            raise self._write_failed(exc) from exc
        self._fold_if_due()

    # --- folding the journal in the background ---------------------------------------------

    def _fold_if_due(self) -> None:
        """Start folding the journal into a new snapshot in a thread when it has grown
        enough (see :mod:`planner.store.compaction`): the save that finds it due, and every
        save after it, only appends. The caller holds the lock."""
        folding = self._folding
        if folding is not None and folding.is_alive():
            return
        fold = self._db.fold_due()
        if fold is None:
            return
        if not self._background_folds:
            self._fold(fold)
            return
        self._folding = threading.Thread(
            target=self._fold, args=(fold,), name="planner-fold", daemon=True
        )
        self._folding.start()

    def _fold(self, fold: Fold) -> None:
        """Write the fold's snapshot with no lock held, then install it under the lock. A
        fold that fails (a full disk, a passphrase changed) is left: the journal holds
        every change, and the next save that finds it due tries again."""
        staged: Staged | None = None
        try:
            staged = write_staged(self._storage, fold)
            with self._locked():
                self._db.install_fold(staged, fold)
        except (OSError, StoreError):
            if staged is not None:
                staged.close(remove=True)

    @property
    def folding(self) -> bool:
        """True while a fold of the journal runs in the background."""
        return self._folding is not None and self._folding.is_alive()

    def wait_for_fold(self) -> None:
        """Until a fold running in the background has finished (closing waits too)."""
        folding = self._folding
        if folding is not None:
            folding.join()

    def _write_failed(self, exc: OSError) -> WriteFailed:
        return WriteFailed(
            f"could not save to {self.path} ({exc.strerror or exc}); nothing was changed "
            "and everything saved before is intact"
        )

    def _reassess(self, number: str) -> Assessment:
        """A case's assessment from its full record (its stored one is out of date)."""
        case = self.get(number)
        return assess(case, self.template_for(case))

    @contextlib.contextmanager
    def _locked(self, *, shared: bool = False) -> Iterator[None]:
        """Hold the database's lock (exclusively to change it, `shared` to read it) with
        memory brought up to date and checked. Within one, a nested call holds it as it is
        (a change inside a read is refused: reads never take the writer's lock)."""
        with self._mutex:
            if self._depth:
                if self._shared and not shared:
                    raise StoreError("a change was asked for while only reading the database")
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            # a large new snapshot is read before the lock, not in it
            with self._db.locked_after_preload(shared=shared):
                self._shared = shared
                try:
                    self._db.refresh()
                except OSError as exc:
                    raise StoreError(
                        f"cannot read {self.path.name} ({exc.strerror or exc}); nothing was changed"
                    ) from None
                self._depth = 1
                try:
                    yield
                finally:
                    self._depth = 0


def _by_number(summary: CaseSummary) -> str:
    return summary.number
