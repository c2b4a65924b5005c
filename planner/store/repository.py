"""CaseStore: the one way the rest of planner reads and changes cases.

Every public method takes the database lock, brings the in-memory view up to date with
what other processes wrote, and for changes: writes the audit entries, then commits the
new documents to the journal, fsync'd before it returns. Cases are keyed by prison number.

Opening a database also: finishes any passphrase change or restore a crash interrupted;
unlocks an encrypted database (a wrong passphrase is refused before anything is read or
written); opens it read-only when its file or folder cannot be written; refuses a damaged
or foreign file without touching it, naming the newest good backup; and, on the first open
of a day, takes a verified backup (see :mod:`planner.store.backup`).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from tinydb import TinyDB
from tinydb.table import Table

from planner.domain.assessment import Assessment, assess, stored_assessment_is_current
from planner.domain.case import Case
from planner.domain.checklist import Checklist, EvidenceValue
from planner.domain.gaps import Evaluation, Flag, FlagRules, evaluate, flag_order
from planner.domain.person import Person
from planner.domain.status import ItemStatus
from planner.domain.template import Template
from planner.store.audit import AuditEntry, AuditLog
from planner.store.backup import (
    Backup,
    Extent,
    backup_due,
    backups_root,
    list_backups,
    newest_good_backup,
    rotate,
    take_backup,
)
from planner.store.changes import case_changes
from planner.store.codec import Codec, PlainCodec, is_plain
from planner.store.codec import accepts as codec_accepts
from planner.store.crypto import AesGcmCodec, PassphraseSource, codec_for
from planner.store.errors import (
    CaseExists,
    CaseNotFound,
    DatabaseCorrupt,
    ReadOnlyDatabase,
    StaleEdit,
    StoreError,
    WriteFailed,
)
from planner.store.journal import DatabaseFiles, JournalStorage
from planner.store.locking import DatabaseLock, is_writable
from planner.store.recovery import finish_interrupted, interrupted
from planner.store.rekey import RekeyReport, reseal, reseal_backup
from planner.store.retention import DEFAULT_STATES, PurgePlan, plan_purge, purge_note
from planner.store.snapshot import read_snapshot_header
from planner.store.summary import CaseSummary

CASES = "cases"
TEMPLATES = "templates"
INDEX = "index"
DEFAULT_BACKUPS_KEEP = 14


class KeyedTable(Table):
    """A TinyDB table whose document ids are prison numbers, never sequence numbers.

    TinyDB's type hints assume integer ids; these methods are the typed way in.
    """

    document_id_class = str  # type: ignore[assignment]

    def by_key(self, key: str) -> dict[str, Any] | None:
        return self.get(doc_id=key)  # type: ignore[call-overload, no-any-return]

    def has_key(self, key: str) -> bool:
        return self.contains(doc_id=key)  # type: ignore[arg-type]


class _TinyDB(TinyDB):
    table_class = KeyedTable


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class TemplateRecord:
    template: Template
    fingerprint: str


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
    ) -> None:
        self.path = Path(path)
        self.files = DatabaseFiles(self.path)
        self.officer = officer
        self._clock = clock
        self._lock_timeout = lock_timeout
        self._mutex = threading.RLock()
        self._depth = 0
        self._backups_keep = backups_keep
        self._read_only = bool(read_only) or not is_writable(self.path)
        self.backup_problem: str | None = None
        self.last_backup: Backup | None = None
        self._storage = JournalStorage(
            self.files, codec, lazy_tables={CASES}, read_only=self._read_only
        )
        self._summaries: dict[str, tuple[object, CaseSummary]] = {}
        self._templates: dict[str, TemplateRecord] = {}
        if not self._read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = DatabaseLock(self.files.lock, timeout=lock_timeout, shared=self._read_only)
        with self._lock.held():
            created = self._open(create=create, codec=codec, passphrase=passphrase, encrypt=encrypt)
            self._audit = AuditLog(self.files.audit, self._storage.codec, self._storage.db_id)
            if auto_backup and not created and not self._read_only:
                self._daily_backup()
        self._db = _TinyDB(storage=_Borrowed, storage_object=self._storage)
        self._cases: KeyedTable = self._db.table(CASES, cache_size=0)  # type: ignore[assignment]
        self._template_table: KeyedTable = self._db.table(TEMPLATES, cache_size=0)  # type: ignore[assignment]
        self._index: KeyedTable = self._db.table(INDEX, cache_size=0)  # type: ignore[assignment]

    def _open(
        self,
        *,
        create: bool,
        codec: Codec | None,
        passphrase: str | PassphraseSource | None,
        encrypt: bool,
    ) -> bool:
        """Create or unlock and load the database under the lock; True if created."""
        name = self.path.name
        if self._read_only:
            unfinished = interrupted(self.path)
            if unfinished:
                raise ReadOnlyDatabase(
                    f"{name} is read-only and {unfinished[0]}: open it once where it can be "
                    "written to finish"
                )
        else:
            finish_interrupted(self.path)
        storage = self._storage
        created = False
        if not storage.exists():
            if not create:
                raise StoreError(f"no database at {self.path}")
            if self._read_only:
                raise ReadOnlyDatabase(
                    f"no database at {self.path}, and its folder cannot be written to make one"
                )
            self._refuse_orphans()
            if codec is None and encrypt:
                if passphrase is None:
                    raise ValueError("encrypt=True needs a passphrase")
                text = passphrase if isinstance(passphrase, str) else passphrase()
                codec = AesGcmCodec.create(text)
            storage.codec = codec or PlainCodec()
            storage.create()
            AuditLog(self.files.audit, storage.codec, storage.db_id).create()
            created = True
        try:
            header, _ = read_snapshot_header(self.path)
            storage.codec = codec_for(header.codec, what=name, given=codec, passphrase=passphrase)
            storage.refresh()
        except DatabaseCorrupt as exc:
            raise DatabaseCorrupt(f"{exc}; {self._backup_hint()}") from None
        except OSError as exc:
            raise StoreError(f"cannot read {name} ({exc.strerror or exc})") from None
        return created

    def _refuse_orphans(self) -> None:
        """Never start a new database over the remains of one (its journal, log, backups)."""
        name = self.path.name
        for part in (self.files.journal, self.files.audit):
            if part.exists():
                raise DatabaseCorrupt(
                    f"{name} is missing but {part.name} is still there, so it was not meant to "
                    f"be empty; {self._backup_hint()}"
                )
        if list_backups(backups_root(self.path)):
            raise DatabaseCorrupt(
                f"{name} is missing but {backups_root(self.path).name} holds backups of it; "
                f"{self._backup_hint()}, or move the backups folder away to start a new database"
            )

    def _backup_hint(self) -> str:
        try:
            good = newest_good_backup(backups_root(self.path))
        except OSError:
            good = None
        if good is None:
            return "there is no good backup beside it: keep every file and run 'planner doctor'"
        return (
            f"the newest good backup is {good.folder} from {good.when()}: "
            f"run 'planner restore {good.folder}' (it keeps the current files aside)"
        )

    def _daily_backup(self) -> None:
        if self._storage.seq == 0:
            return  # nothing to keep yet
        root = backups_root(self.path)
        try:
            if backup_due(root, self._clock()):
                self.last_backup = self._take_backup(root=root)
                rotate(root, self._backups_keep)
        except (OSError, StoreError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            self.backup_problem = (
                f"today's backup of {self.path.name} could not be made ({reason}); "
                "the database itself is unharmed"
            )

    def _take_backup(self, *, root: Path | None = None, folder: Path | None = None) -> Backup:
        storage = self._storage
        extent = Extent(
            db_id=storage.db_id,
            seq=storage.seq,
            journal_length=storage.journal_length,
            audit_length=self._audit.complete_length(),
        )
        return take_backup(self.files, extent, taken=self._clock(), root=root, folder=folder)

    # --- lifecycle ------------------------------------------------------------------------

    def close(self) -> None:
        with self._mutex:
            self._storage.close()

    def __enter__(self) -> CaseStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def db_id(self) -> str:
        return self._storage.db_id

    @property
    def read_only(self) -> bool:
        """True when changes cannot be saved (the file or folder is not writable)."""
        return self._read_only

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
        with self._locked():
            return self._storage.seq

    # --- reading --------------------------------------------------------------------------

    def __len__(self) -> int:
        with self._locked():
            return len(self._storage.read().get(CASES, {}))

    def numbers(self) -> list[str]:
        with self._locked():
            return sorted(self._storage.read().get(CASES, {}))

    def find(self, number: str) -> Case | None:
        with self._locked():
            try:
                doc = self._cases.by_key(number)
            except (ValueError, TypeError):  # a stored record that is not JSON text
                raise DatabaseCorrupt(f"the record for {number} is damaged") from None
            return None if doc is None else _case_from_doc(doc)

    def get(self, number: str) -> Case:
        case = self.find(number)
        if case is None:
            raise CaseNotFound(f"no person with prison number {number} in this database")
        return case

    def cases(self) -> list[Case]:
        with self._locked():
            return [_case_from_doc(doc) for doc in self._storage.read().get(CASES, {}).values()]

    def summaries(self) -> list[CaseSummary]:
        """Every case, light enough to list 20,000 of them; re-parsed only when changed.

        Built from the index table (a few fields of the person and the stored assessment),
        so the full records are never parsed to list the caseload.
        """
        with self._locked():
            docs = self._storage.read().get(INDEX, {})
            cache = self._summaries
            fresh: dict[str, tuple[object, CaseSummary]] = {}
            for number, doc in docs.items():
                hit = cache.get(number)
                if hit is not None and hit[0] is doc:
                    fresh[number] = hit
                else:
                    fresh[number] = (doc, self._summary(number, doc))
            self._summaries = fresh
            return [entry[1] for entry in fresh.values()]

    def template(self, key: str) -> Template:
        """A template version as stored with the cases that use it."""
        with self._locked():
            record = self._templates.get(key)
            if record is None:
                doc = self._template_table.by_key(key)
                if doc is None:
                    raise StoreError(f"template {key} is not stored in this database")
                try:
                    template = Template.model_validate(doc["template"])
                    record = TemplateRecord(template, str(doc["fingerprint"]))
                except (KeyError, TypeError, ValueError):  # ValidationError is a ValueError
                    raise DatabaseCorrupt(f"the stored template {key} is damaged") from None
                self._templates[key] = record
            return record.template

    def stored_templates(self) -> dict[str, str]:
        """Stored template keys and their content fingerprints."""
        with self._locked():
            stored = self._storage.read().get(TEMPLATES, {})
            try:
                return {key: str(doc["fingerprint"]) for key, doc in stored.items()}
            except (KeyError, TypeError):
                raise DatabaseCorrupt("a stored template is damaged") from None

    def template_for(self, case: Case) -> Template:
        return self.template(f"{case.checklist.template_id}@{case.checklist.template_version}")

    def evaluate(self, case: Case, today: date) -> Evaluation:
        return evaluate(case, self.template_for(case), today)

    def all_flags(self, today: date) -> list[Flag]:
        """Every flag across the caseload as of `today`, most urgent first."""
        flags: list[Flag] = []
        with self._locked():
            rules: dict[str, FlagRules] = {}
            for summary in sorted(self.summaries(), key=_by_number):
                key = summary.assessment.template_key
                rule = rules.get(key) or rules.setdefault(key, FlagRules(self.template(key), today))
                flags.extend(rule.flags(summary.assessment, sort=False))
        flags.sort(key=flag_order)
        return flags

    def history(self, number: str | None = None) -> list[AuditEntry]:
        with self._locked():
            return self._audit.entries(self._storage.seq, number)

    # --- changing -------------------------------------------------------------------------

    def add(self, person: Person, template: Template) -> Case:
        """Open a new case; refuses a prison number that is already in the database."""
        now = self._clock()
        with self._locked():
            template = self._stored_version(template)
            if self._cases.has_key(person.number):
                raise CaseExists(f"prison number {person.number} is already in this database")
            case = Case(
                person=person,
                checklist=Checklist(template_id=template.id, template_version=template.version),
                created_at=now,
                updated_at=now,
            )
            self._commit([(None, case)], template)
            return case

    def add_many(self, people: Iterable[Person], template: Template) -> list[Case]:
        """Open many cases in one commit (import); refuses if any already exists."""
        now = self._clock()
        with self._locked():
            template = self._stored_version(template)
            pairs: list[tuple[Case | None, Case]] = []
            for person in people:
                if self._cases.has_key(person.number):
                    raise CaseExists(f"prison number {person.number} is already in this database")
                checklist = Checklist(template_id=template.id, template_version=template.version)
                case = Case(person=person, checklist=checklist, created_at=now, updated_at=now)
                pairs.append((None, case))
            self._commit(pairs, template)
            return [case for _, case in pairs]

    def update_people(self, people: Iterable[Person]) -> list[Case]:
        """Replace several people's details in one commit (re-import)."""
        with self._locked():
            pairs = []
            for person in people:
                old = self.get(person.number)
                if old.person != person:
                    pairs.append((old, self._touched(old, person=person)))
            if pairs:
                self._commit(pairs)
            return [new for _, new in pairs]

    def update_person(self, person: Person, *, expected: Person | None = None) -> Case:
        """Replace a person's details; with `expected`, refuse if someone changed them first."""
        with self._locked():
            old = self.get(person.number)
            if expected is not None and old.person != expected:
                raise StaleEdit(
                    f"{person.number}'s details were changed by someone else since you opened them",
                    current=old.person,
                    attempted=person,
                    number=person.number,
                )
            if old.person == person:
                return old
            new = self._touched(old, person=person)
            self._commit([(old, new)])
            return new

    def update_notes(self, number: str, notes: str, *, expected: str | None = None) -> Case:
        """Replace the case notes; with `expected` (the notes as the officer opened them),
        refuse with StaleEdit if someone changed them first."""
        with self._locked():
            old = self.get(number)
            if expected is not None and old.notes != expected:
                raise StaleEdit(
                    f"the notes for {number} were changed by someone else since you opened them",
                    current=old.notes,
                    attempted=notes,
                    number=number,
                )
            if old.notes == notes:
                return old
            new = self._touched(old, notes=notes)
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
            if not template.has_item(item_id):
                raise StoreError(f"{item_id} is not an item of template {template.key}")
            current = old.checklist.item(item_id)
            merged = dict(current.evidence)
            for name, value in (evidence or {}).items():
                if value is None:
                    merged.pop(name, None)
                else:
                    merged[name] = value
            updated = current.model_copy(
                update={
                    "status": current.status if status is None else status,
                    "evidence": merged,
                    "reason": current.reason if reason is None else reason,
                    "notes": current.notes if notes is None else notes,
                }
            )
            if expected_rev is not None and current.rev != expected_rev:
                raise StaleEdit(
                    f"{item_id} for {number} was changed by {current.changed_by or 'someone else'} "
                    "since you opened it",
                    current=current,
                    attempted=updated,
                    number=number,
                    item=item_id,
                )
            if updated == current:
                return old
            updated = updated.model_copy(
                update={
                    "changed_by": self.officer,
                    "changed_at": self._clock(),
                    "rev": current.rev + 1,
                }
            )
            items = {**old.checklist.items, item_id: updated}
            new = self._touched(old, checklist=old.checklist.model_copy(update={"items": items}))
            self._commit([(old, new)])
            return new

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
        with self._locked():
            self._require_writable()
            self._storage.compact()

    def record_event(self, field: str, description: str) -> None:
        """Audit an event about the database as a whole (a restore, a passphrase change).

        `description` must hold no personal data: it is kept when people are purged.
        """
        with self._locked():
            self._require_writable()
            entry = {"case": None, "item": None, "field": field, "old": None, "new": description}
            try:
                self._audit.append(self._storage.seq + 1, self._clock(), self.officer, [entry])
                self._storage.commit({})
            except OSError as exc:
                raise self._write_failed(exc) from exc

    # --- retention and encryption ---------------------------------------------------------

    def plan_purge(self, before: date, states: Iterable[str] = DEFAULT_STATES) -> PurgePlan:
        """Who a retention purge would remove: state in `states`, released before `before`."""
        return plan_purge(self.summaries(), before, states)

    def purge(self, plan: PurgePlan) -> int:
        """Remove the people of `plan` (re-checked now: anyone whose record changed so the
        rule no longer applies is kept), their checklists and every audit entry about them,
        and note the purge in the audit log without personal data. Returns how many went.

        The database is rewritten as a new snapshot with an empty journal, so no copy of
        their records is left in the database files. Backups taken before still hold them.
        """
        with self._locked():
            self._require_writable()
            storage = self._storage
            numbers = plan_purge(self.summaries(), plan.before, plan.states).numbers
            numbers &= plan.numbers
            if not numbers:
                return 0
            tables = {name: dict(docs) for name, docs in storage.read().items()}
            for table in (CASES, INDEX):
                for number in numbers:
                    tables.get(table, {}).pop(number, None)
            note = purge_note(
                plan, len(numbers), seq=storage.seq + 1, at=self._clock(), by=self.officer
            )
            try:
                self._audit.rewrite_without(numbers, note)
                storage.replace_all(tables)
            except OSError as exc:
                raise WriteFailed(
                    f"the purge did not finish ({exc.strerror or exc}); nobody's record was "
                    "lost: run it again"
                ) from exc
            return len(numbers)

    def change_passphrase(self, codec: Codec) -> RekeyReport:
        """Seal every file (database, journal, audit log, backups) with `codec`.

        `codec` is usually ``AesGcmCodec.create(new_passphrase)``; on a plain database this
        encrypts it. A crash at any instant leaves a database that opens with the old or
        the new passphrase. Other planners that have the database open must open it again.
        """
        with self._locked():
            self._require_writable()
            storage = self._storage
            old = storage.codec
            seq = storage.seq + 1
            what = "encrypted" if is_plain(old) else "passphrase changed"
            entry = {"case": None, "item": None, "field": "database.encryption", "old": None}
            note = {
                "seq": seq,
                "at": self._clock().isoformat(),
                "by": self.officer,
                "entries": [{**entry, "new": what}],
            }
            try:
                reseal(self.files, storage, self._audit, codec, seq=seq, extra_records=[note])
            except OSError as exc:
                finish_interrupted(self.path)
                header, _ = read_snapshot_header(self.path)
                which = "new" if codec_accepts(codec, header.codec) else "old"
                raise WriteFailed(
                    f"the passphrase change did not finish ({exc.strerror or exc}); "
                    f"the {which} passphrase opens the database"
                ) from exc
            storage.adopt(codec)
            self._audit = AuditLog(self.files.audit, codec, storage.db_id)
            report = RekeyReport()
            for backup in list_backups(backups_root(self.path)):
                problem = reseal_backup(backup, old, codec)
                if problem is None:
                    report.backups_done.append(backup.folder)
                else:
                    report.backups_skipped.append((backup.folder, problem))
            report.asides = sorted(self.path.parent.glob(f"{self.path.name}*.before-restore-*"))
            return report

    # --- backups --------------------------------------------------------------------------

    def backup(self, folder: Path | None = None) -> Backup:
        """Take a verified backup now: into `folder` (a new folder), or beside the database
        (then the oldest beyond `backups_keep` are removed)."""
        with self._locked():
            if folder is None:
                self._require_writable()
            root = backups_root(self.path)
            try:
                if folder is not None:
                    return self._take_backup(folder=Path(folder))
                backup = self._take_backup(root=root)
                rotate(root, self._backups_keep)
            except OSError as exc:
                raise WriteFailed(
                    f"could not write the backup ({exc.strerror or exc}); the database is unharmed"
                ) from exc
            return backup

    def backups(self) -> list[Backup]:
        """The backups beside the database, newest first."""
        return list_backups(backups_root(self.path))

    # --- internals ------------------------------------------------------------------------

    def _stored_version(self, template: Template) -> Template:
        """The copy of this template version cases already use, if one is stored.

        A template edited on disk without a new version number must not give new cases a
        different checklist from older cases that claim the same version.
        """
        if self._template_table.has_key(template.key):
            return self.template(template.key)
        return template

    def _touched(self, case: Case, **changes: Any) -> Case:
        return case.model_copy(update={**changes, "updated_at": self._clock(), "rev": case.rev + 1})

    def _commit(self, pairs: list[Any], template: Template | None = None) -> None:
        """Audit, then journal, a set of case changes as one durable change.

        `pairs` holds (old, new) cases: old None for a new case, new None for a removal.
        """
        storage = self._storage
        entries: list[dict[str, Any]] = []
        docs: dict[str, dict[str, Any] | None] = {}
        index: dict[str, dict[str, Any] | None] = {}
        for old, new in pairs:
            entries.extend(case_changes(old, new))
            if new is None:
                docs[old.number] = index[old.number] = None
            else:
                docs[new.number], index[new.number] = case_documents(
                    new, template or self.template_for(new)
                )
        documents = {CASES: docs, INDEX: index}
        if template is not None and not self._template_table.has_key(template.key):
            documents[TEMPLATES] = {
                template.key: {
                    "template": template.model_dump(mode="json", by_alias=True),
                    "fingerprint": template.fingerprint(),
                }
            }
        self._require_writable()
        try:
            self._audit.append(storage.seq + 1, self._clock(), self.officer, entries)
            storage.commit(documents)
        except OSError as exc:
            raise self._write_failed(exc) from exc
        # The change is committed; a compaction that fails (a full disk) is retried later.
        with contextlib.suppress(OSError):
            storage.compact_if_due()

    def _write_failed(self, exc: OSError) -> WriteFailed:
        return WriteFailed(
            f"could not save to {self.path} ({exc.strerror or exc}); nothing was changed "
            "and everything saved before is intact"
        )

    def _require_writable(self) -> None:
        if self._read_only:
            raise ReadOnlyDatabase(
                f"{self.path.name} is read-only (the file or its folder cannot be written): "
                "changes cannot be saved"
            )

    def _summary(self, number: str, entry: dict[str, Any]) -> CaseSummary:
        try:
            stored = entry["assessment"]
            if stored_assessment_is_current(stored, entry["template"]):
                assessment = Assessment.from_json(number, stored)
            else:  # written by an older gap engine: assess again from the full record
                case = self.get(number)
                assessment = assess(case, self.template_for(case))
            surname, forename, prison, location, release, kind, state = entry["person"]
            texts = (surname, forename, prison, location, kind, state)
            if not all(isinstance(t, str) for t in texts) or not isinstance(entry["rev"], int):
                raise TypeError("an index entry holds a value of the wrong type")
            return CaseSummary(
                number=number,
                surname=surname,
                forename=forename,
                prison=prison,
                location=location,
                release_date=date.fromisoformat(release) if release else None,
                release_kind=kind,
                state=state,
                rev=entry["rev"],
                assessment=assessment,
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            raise DatabaseCorrupt(
                f"the caseload entry for {number} is damaged; run 'planner doctor'"
            ) from None

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        with self._mutex:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            with self._lock.held():
                try:
                    self._storage.refresh()
                except OSError as exc:
                    raise StoreError(
                        f"cannot read {self.path.name} ({exc.strerror or exc}); nothing was changed"
                    ) from None
                self._depth = 1
                try:
                    yield
                finally:
                    self._depth = 0


class _Borrowed:
    """Hands TinyDB an already-built storage object instead of constructing one."""

    def __new__(cls, *, storage_object: JournalStorage) -> JournalStorage:  # type: ignore[misc]
        return storage_object


def _by_number(summary: CaseSummary) -> str:
    return summary.number


def case_documents(case: Case, template: Template) -> tuple[dict[str, Any], dict[str, Any]]:
    """What the store keeps for a case: the full record, and its entry in the index.

    The record leaves defaults out (an untouched item is not stored at all); validation
    restores them. The index entry holds what the caseload lists, and the case's assessment
    (stage one of the gap engine), so listing and flagging never parse full records.
    """
    doc = case.model_dump(mode="json", exclude_defaults=True)
    p = case.person
    key = f"{case.checklist.template_id}@{case.checklist.template_version}"
    entry = {
        "person": [
            p.surname,
            p.forename,
            p.prison,
            p.location,
            p.release_date.isoformat() if p.release_date else None,
            p.release_kind.value,
            p.state.value,
        ],
        "template": key,
        "rev": case.rev,
        "assessment": assess(case, template).to_json(),
    }
    return doc, entry


def _case_from_doc(doc: Mapping[str, Any]) -> Case:
    try:
        return Case.model_validate(dict(doc))
    except ValidationError as exc:
        person = doc.get("person")
        number = person.get("number", "?") if isinstance(person, dict) else "?"
        raise DatabaseCorrupt(
            f"the record for {number} does not validate: {exc.errors()[0]['msg']}"
        ) from None
    except (ValueError, TypeError):  # stored JSON text that does not parse
        raise DatabaseCorrupt("a stored record is damaged; run 'planner doctor'") from None
