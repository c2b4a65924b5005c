"""CaseStore: the one way the rest of planner reads and changes cases.

Every public method takes the database lock, brings the in-memory view up to date with
what other processes wrote, and for changes: writes the audit entries, then commits the
new documents to the journal, fsync'd before it returns. Cases are keyed by prison number.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout
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
from planner.store.changes import case_changes
from planner.store.codec import Codec
from planner.store.errors import (
    CaseExists,
    CaseNotFound,
    DatabaseCorrupt,
    DatabaseLocked,
    StaleEdit,
    StoreError,
    WriteFailed,
)
from planner.store.journal import DatabaseFiles, JournalStorage

CASES = "cases"
TEMPLATES = "templates"
INDEX = "index"


class KeyedTable(Table):
    """A TinyDB table whose document ids are prison numbers, never sequence numbers.

    TinyDB's type hints assume integer ids; these methods are the typed way in.
    """

    document_id_class = str  # type: ignore[assignment]

    def by_key(self, key: str) -> dict[str, Any] | None:
        return self.get(doc_id=key)  # type: ignore[call-overload, no-any-return]

    def has_key(self, key: str) -> bool:
        return self.contains(doc_id=key)  # type: ignore[arg-type]

    def put_many(self, docs: dict[str, dict[str, Any] | None]) -> None:
        """Insert, replace or (None) remove documents in one table write."""

        def update(table: dict[str, Any]) -> None:
            for key, doc in docs.items():
                if doc is None:
                    table.pop(key, None)
                else:
                    table[key] = doc

        self._update_table(update)  # type: ignore[arg-type]


class _TinyDB(TinyDB):
    table_class = KeyedTable


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class CaseSummary:
    """What the caseload view needs of one case, without validating the whole record."""

    number: str
    surname: str
    forename: str
    prison: str
    location: str
    release_date: date | None
    release_kind: str
    state: str
    rev: int
    assessment: Assessment

    @property
    def display_name(self) -> str:
        return f"{self.forename} {self.surname}"


@dataclass(frozen=True, slots=True)
class TemplateRecord:
    template: Template
    fingerprint: str


class CaseStore:
    """A database of cases on disk. Use as a context manager, or call close()."""

    def __init__(
        self,
        path: Path,
        *,
        officer: str = "",
        codec: Codec | None = None,
        create: bool = True,
        clock: Callable[[], datetime] = utc_now,
        lock_timeout: float = 15.0,
    ) -> None:
        self.path = Path(path)
        self.files = DatabaseFiles(self.path)
        self.officer = officer
        self._clock = clock
        self._lock_timeout = lock_timeout
        self._mutex = threading.RLock()
        self._depth = 0
        self._storage = JournalStorage(self.files, codec, lazy_tables={CASES})
        self._summaries: dict[str, tuple[object, CaseSummary]] = {}
        self._templates: dict[str, TemplateRecord] = {}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file_lock = FileLock(
            self.files.lock,
            timeout=lock_timeout,
            mode=0o600,
            thread_local=False,
            fallback_to_soft=False,
            preserve_lock_file=True,
            poll_interval=0.005,
        )
        with self._file_lock_held():
            if not self._storage.exists():
                if not create:
                    raise StoreError(f"no database at {self.path}")
                self._storage.create()
                AuditLog(self.files.audit, self._storage.codec, self._storage.db_id).create()
            self._storage.refresh()
        self._audit = AuditLog(self.files.audit, self._storage.codec, self._storage.db_id)
        self._db = _TinyDB(storage=_Borrowed, storage_object=self._storage)
        self._cases: KeyedTable = self._db.table(CASES, cache_size=0)  # type: ignore[assignment]
        self._template_table: KeyedTable = self._db.table(TEMPLATES, cache_size=0)  # type: ignore[assignment]
        self._index: KeyedTable = self._db.table(INDEX, cache_size=0)  # type: ignore[assignment]

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
            doc = self._cases.by_key(number)
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
                template = Template.model_validate(doc["template"])
                record = TemplateRecord(template, str(doc["fingerprint"]))
                self._templates[key] = record
            return record.template

    def stored_templates(self) -> dict[str, str]:
        """Stored template keys and their content fingerprints."""
        with self._locked():
            return {
                key: str(doc["fingerprint"])
                for key, doc in self._storage.read().get(TEMPLATES, {}).items()
            }

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
                )
            if old.person == person:
                return old
            new = self._touched(old, person=person)
            self._commit([(old, new)])
            return new

    def update_notes(self, number: str, notes: str) -> Case:
        with self._locked():
            old = self.get(number)
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
            self._storage.compact()

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
        ops: list[tuple[str, str]] = [(CASES, number) for number in docs]
        ops += [(INDEX, number) for number in index]
        new_template = None
        if template is not None and not self._template_table.has_key(template.key):
            new_template = template
            ops.append((TEMPLATES, template.key))
        try:
            self._audit.append(storage.seq + 1, self._clock(), self.officer, entries)
            with storage.changing(ops):
                self._apply(docs, index, new_template)
            storage.compact_if_due()
        except OSError as exc:
            raise WriteFailed(
                f"could not save to {self.path} ({exc.strerror or exc}); nothing was changed"
            ) from exc

    def _apply(
        self,
        docs: dict[str, dict[str, Any] | None],
        index: dict[str, dict[str, Any] | None],
        new_template: Template | None,
    ) -> None:
        """Change the tables; inside `storage.changing` this is one journal record."""
        if new_template is not None:
            self._template_table.put_many(
                {
                    new_template.key: {
                        "template": new_template.model_dump(mode="json", by_alias=True),
                        "fingerprint": new_template.fingerprint(),
                    }
                }
            )
        self._cases.put_many(docs)
        self._index.put_many(index)

    def _summary(self, number: str, entry: dict[str, Any]) -> CaseSummary:
        stored = entry["assessment"]
        if stored_assessment_is_current(stored, entry["template"]):
            assessment = Assessment.from_json(number, stored)
        else:  # written by an older gap engine: assess again from the full record
            case = self.get(number)
            assessment = assess(case, self.template_for(case))
        surname, forename, prison, location, release, kind, state = entry["person"]
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

    @contextlib.contextmanager
    def _file_lock_held(self) -> Iterator[None]:
        try:
            self._file_lock.acquire()
        except Timeout:
            raise DatabaseLocked(
                f"{self.path.name} is busy: another planner has held it for over "
                f"{self._lock_timeout:.0f} s; try again"
            ) from None
        try:
            yield
        finally:
            self._file_lock.release()

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
            with self._file_lock_held():
                self._storage.refresh()
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
        number = doc.get("person", {}).get("number", "?")
        raise DatabaseCorrupt(
            f"the record for {number} does not validate: {exc.errors()[0]['msg']}"
        ) from None
