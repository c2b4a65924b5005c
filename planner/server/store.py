"""ServerStore: the cases of a team on a PostgreSQL server, behind CaseStore's interface.

The guarantees are the file store's, kept by the server's own mechanisms:

* a change is one transaction: the rows it reads are locked (``SELECT ... FOR UPDATE``),
  an item's revision is checked in that transaction (StaleEdit exactly as the file store
  raises it), the case rows, the audit rows and the change counter are written, and it is
  committed before the call returns;
* the audit table is append-only for the application's role (grants and a trigger, see
  :mod:`planner.server.migrations`);
* each change raises the change counter, and every changed row carries the counter's new
  value, so an open caseload fetches only the rows changed since it last looked;
* the caseload is one query over the summary columns, never the full records;
* which cases an officer sees and changes is the server's row-level security, not a
  filter here.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
import psycopg
import psycopg.errors
from psycopg.types.json import Jsonb

from planner.domain.assessment import Assessment, assess
from planner.domain.bulk import bulk_parsing
from planner.domain.case import Case
from planner.domain.checklist import EvidenceValue
from planner.domain.gaps import Evaluation, Flag, FlagRules, evaluate, flag_order
from planner.domain.person import Person
from planner.domain.release_outcome import ReleaseOutcome
from planner.domain.status import ItemStatus
from planner.domain.template import STORED_COPY, Template
from planner.server.connect import (
    CommitUncertain,
    PasswordSource,
    ServerUnreachable,
    database_name,
    describe,
    first_line,
    needs_password,
    unreachable,
)
from planner.server.connections import Connections
from planner.server.migrations import check_schema
from planner.server.rows import (
    SUMMARY_COLUMNS,
    WRITE_COLUMNS,
    AssessmentBatch,
    row_values,
    summary_from_row,
)
from planner.store.audit import AuditEntry
from planner.store.case_edits import (
    UNCHECKED,
    Unchecked,
    assigned,
    new_case,
    with_notes,
    with_outcome,
    with_person,
)
from planner.store.codec import Codec, PlainCodec
from planner.store.commit import case_change, exported
from planner.store.database import Change
from planner.store.documents import case_from_doc
from planner.store.errors import (
    CaseExists,
    CaseNotFound,
    DatabaseCorrupt,
    ReadOnlyDatabase,
    StoreError,
)
from planner.store.integrity import Problem
from planner.store.item_edit import edited_case
from planner.store.lazy import LazyDocument
from planner.store.stored_templates import template_document
from planner.store.summary import CaseSummary
from planner.store.tables import ASSESSMENTS, CASES, INDEX, TEMPLATES

if TYPE_CHECKING:
    from planner.server.admin import ServerAdmin  # it imports this module

__all__ = ["ServerStore", "ServerUnreachable"]

Cursor = psycopg.Cursor[Any]


def utc_now() -> datetime:
    return datetime.now(UTC)


def _configure(conn: psycopg.Connection[Any]) -> None:
    conn.execute("SET TIME ZONE 'UTC'")
    conn.commit()


class ServerStore:
    """The cases on a PostgreSQL server (`url`: ``postgresql://...``). Use as a context
    manager, or call close().

    `password` is asked only when the server wants one that neither PGPASSWORD nor
    ~/.pgpass gave. Opening checks the schema (applying migrations when this role may;
    NewerSchema for a newer server) and raises ServerUnreachable, one line, when the
    server cannot be reached. Every later call that cannot reach it raises
    ServerUnreachable too, with nothing changed.
    """

    def __init__(
        self,
        url: str,
        *,
        officer: str = "",
        clock: Callable[[], datetime] = utc_now,
        password: PasswordSource | None = None,
        read_only: bool | None = None,
        connect_timeout: float = 5.0,
        pool_size: int = 4,
    ) -> None:
        self.url = url
        self.officer = officer
        self._clock = clock
        self._read_only = bool(read_only)
        self._timeout = connect_timeout
        self._mutex = threading.RLock()
        self._templates: dict[str, tuple[Template, str]] = {}
        self._summaries: dict[str, CaseSummary] = {}
        self._seen = -1  # the change counter the summaries are up to date with
        self.backup_problem: str | None = None
        # Why the last call could not reach the server (None once one has): the UI's
        # banner says so while what is on screen stays readable.
        self.connection_problem: str | None = None
        kwargs: dict[str, Any] = {"connect_timeout": max(1, int(connect_timeout))}
        first = self._first_connection(password, kwargs)
        try:
            check_schema(first)
            first.commit()
            row = first.execute("SELECT value FROM planner.meta WHERE key = 'db_id'").fetchone()
            self._db_id = str(row[0]) if row else ""
        except psycopg.OperationalError as exc:
            first.close()
            raise unreachable(url, exc) from None
        except BaseException:
            first.close()
            raise
        self._pool = Connections(lambda: self._new_connection(kwargs), keep=pool_size)
        self._pool.give_back(first)

    def _new_connection(self, kwargs: dict[str, Any]) -> psycopg.Connection[Any]:
        conn = psycopg.connect(self._conninfo, **kwargs)
        _configure(conn)
        return conn

    def _first_connection(
        self, password: PasswordSource | None, kwargs: dict[str, Any]
    ) -> psycopg.Connection[Any]:
        self._conninfo = self.url
        try:
            conn = psycopg.connect(self.url, **kwargs)
        except psycopg.OperationalError as exc:
            if password is None or not needs_password(exc):
                raise unreachable(self.url, exc) from None
            kwargs["password"] = password()
            try:
                conn = psycopg.connect(self.url, **kwargs)
            except psycopg.OperationalError as again:
                raise unreachable(self.url, again) from None
        _configure(conn)
        return conn

    # --- lifecycle ------------------------------------------------------------------------

    def close(self) -> None:
        self._pool.close()

    def __enter__(self) -> ServerStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def path(self) -> Path:
        return Path(database_name(self.url))

    @property
    def where(self) -> str:
        """The server database in words, without a password."""
        return describe(self.url)

    @property
    def db_id(self) -> str:
        return self._db_id

    @property
    def records_are_local(self) -> bool:
        """Each raw_records call is a query: the caseload fetches only what it needs."""
        return False

    @property
    def read_only(self) -> bool:
        return self._read_only

    @property
    def integrity_problem(self) -> Problem | None:
        return None  # the server's own transactions keep the history whole

    @property
    def codec(self) -> Codec:
        return PlainCodec()

    @property
    def encrypted(self) -> bool:
        return False  # on the server, at rest, the server's own business; TLS in transit

    @property
    def change_number(self) -> int:
        with self._connection() as conn:
            row = conn.execute("SELECT value FROM planner.change_counter").fetchone()
            return int(row[0]) if row else 0

    @property
    def admin(self) -> ServerAdmin:
        from planner.server.admin import ServerAdmin

        return ServerAdmin(self)

    @contextlib.contextmanager
    def _connection(self) -> Iterator[psycopg.Connection[Any]]:
        """A connection from the pool (autocommit off: leaving commits, an error rolls
        back); ServerUnreachable when the server cannot be reached."""
        try:
            with self._pool.connection() as conn:
                yield conn
            self.connection_problem = None
        except psycopg.OperationalError as exc:
            error = unreachable(self.url, exc)
            self.connection_problem = first_line(exc)
            raise error from None
        except psycopg.errors.UniqueViolation:
            raise CaseExists("a prison number given is already in this database") from None
        except psycopg.Error as exc:
            raise self.translate(exc) from None

    @contextlib.contextmanager
    def _changing(self) -> Iterator[Cursor]:
        """One transaction of a change, committed when the block ends without error."""
        if self._read_only:
            raise ReadOnlyDatabase("this server database is open read-only; nothing was changed")
        committing = False
        try:
            with self._connection() as conn, conn.transaction(), conn.cursor() as cur:
                yield cur
                committing = True  # the change is made: leaving the block commits it
        except ServerUnreachable as exc:
            if not committing:
                raise
            # Lost during COMMIT itself: saying "nothing was changed" could be untrue.
            raise CommitUncertain(
                f"{str(exc).removesuffix('; nothing was changed')}, while the change was "
                "being committed: it may or may not have been saved; look at the record "
                "again before making it again"
            ) from None

    # --- reading --------------------------------------------------------------------------

    def __len__(self) -> int:
        with self._connection() as conn:
            row = conn.execute("SELECT count(*) FROM planner.cases").fetchone()
            return int(row[0]) if row else 0

    def numbers(self) -> list[str]:
        with self._connection() as conn:
            rows = conn.execute("SELECT number FROM planner.cases ORDER BY number").fetchall()
            return [str(r[0]) for r in rows]

    def find(self, number: str) -> Case | None:
        with self._connection() as conn, conn.cursor() as cur:
            return self._find(cur, number)

    def _find(self, cur: Cursor, number: str, *, lock: bool = False) -> Case | None:
        sql = "SELECT record::text FROM planner.cases WHERE number = %s"
        row = cur.execute(sql + (" FOR UPDATE" if lock else ""), (number,)).fetchone()
        if row is None:
            return None
        try:
            doc = orjson.loads(row[0])
        except orjson.JSONDecodeError:
            raise DatabaseCorrupt(f"the record for {number} is damaged") from None
        return case_from_doc(doc)

    def _get(self, cur: Cursor, number: str, *, lock: bool = False) -> Case:
        case = self._find(cur, number, lock=lock)
        if case is None:
            raise CaseNotFound(f"no person with prison number {number} in this database")
        return case

    def get(self, number: str) -> Case:
        case = self.find(number)
        if case is None:
            raise CaseNotFound(f"no person with prison number {number} in this database")
        return case

    def cases(self) -> list[Case]:
        with self._connection() as conn:
            rows = conn.execute("SELECT record::text FROM planner.cases").fetchall()
            return [case_from_doc(orjson.loads(r[0])) for r in rows]

    def summaries(self) -> list[CaseSummary]:
        """Every case the role may see, from the summary columns; after the first call only
        the rows changed since (by the change counter) are fetched again."""
        with self._mutex, self._connection() as conn:
            with conn.transaction():
                conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                counter_row = conn.execute("SELECT value FROM planner.change_counter").fetchone()
                counter = int(counter_row[0]) if counter_row else 0
                if counter == self._seen:
                    return list(self._summaries.values())
                rows = conn.execute(
                    f"SELECT {SUMMARY_COLUMNS} FROM planner.cases WHERE changed > %s",
                    (self._seen,),
                ).fetchall()
                total_row = conn.execute("SELECT count(*) FROM planner.cases").fetchone()
                total = int(total_row[0]) if total_row else 0
                made = self._summaries
                batch = AssessmentBatch(self._assessments)
                for row in rows:
                    made[row[0]] = summary_from_row(row, self._reassess, batch)
                if len(made) != total:  # removed, or moved to a prison this role cannot see
                    present = {
                        r[0] for r in conn.execute("SELECT number FROM planner.cases").fetchall()
                    }
                    for number in [n for n in made if n not in present]:
                        del made[number]
            self._seen = counter
            return list(made.values())

    def _assessments(self, numbers: list[str]) -> dict[str, str]:
        """Stored assessments (JSON text) of `numbers`, in one query."""
        with self._connection() as conn:
            rows = conn.execute(
                "SELECT number, assessment FROM planner.cases WHERE number = ANY(%s)",
                (numbers,),
            ).fetchall()
        return {str(n): str(text) for n, text in rows}

    def summaries_released_between(self, first: date, last: date) -> list[CaseSummary]:
        """The summaries of cases released from `first` to `last`. Before the caseload was
        first listed, one query of those rows alone (the caseload's first screen shows
        its default window before everyone else is counted in)."""
        if self._seen < 0:
            # The assessments in the same query: the first screen shows the flags of
            # nearly everyone in its window.
            with self._connection() as conn:
                rows = conn.execute(
                    f"SELECT {SUMMARY_COLUMNS}, assessment FROM planner.cases"
                    " WHERE release_date BETWEEN %s AND %s",
                    (first, last),
                ).fetchall()
            batch = AssessmentBatch(self._assessments, {row[0]: row[-1] for row in rows})
            return [summary_from_row(row[:-1], self._reassess, batch) for row in rows]
        return [
            s
            for s in self.summaries()
            if s.release_date is not None and first <= s.release_date <= last
        ]

    def template(self, key: str) -> Template:
        """A template version as stored with the cases that use it (never changes once
        stored, so it is read once per process)."""
        cached = self._templates.get(key)
        if cached is not None:
            return cached[0]
        with self._connection() as conn, conn.cursor() as cur:
            return self._template(cur, key)

    def _template(self, cur: Cursor, key: str) -> Template:
        cached = self._templates.get(key)
        if cached is not None:
            return cached[0]
        row = cur.execute(
            "SELECT document::text, fingerprint FROM planner.templates WHERE key = %s", (key,)
        ).fetchone()
        if row is None:
            raise StoreError(f"template {key} is not stored in this database")
        try:
            doc = orjson.loads(row[0])
            template = Template.model_validate(doc["template"], context=STORED_COPY)
        except (KeyError, TypeError, ValueError):
            raise DatabaseCorrupt(f"the stored template {key} is damaged") from None
        self._templates[key] = (template, str(row[1]))
        return template

    def stored_templates(self) -> dict[str, str]:
        with self._connection() as conn:
            rows = conn.execute("SELECT key, fingerprint FROM planner.templates").fetchall()
            return {str(k): str(f) for k, f in rows}

    def template_for(self, case: Case) -> Template:
        return self.template(f"{case.checklist.template_id}@{case.checklist.template_version}")

    def outcome_template(self, case: Case) -> Template | None:
        return None if case.outcome is None else self.template(case.outcome.measures)

    def evaluate(self, case: Case, today: date) -> Evaluation:
        return evaluate(case, self.template_for(case), today)

    def all_flags(self, today: date) -> list[Flag]:
        flags: list[Flag] = []
        rules: dict[str, FlagRules] = {}
        with bulk_parsing():
            for summary in sorted(self.summaries(), key=lambda s: s.number):
                key = summary.template_key
                rule = rules.get(key)
                if rule is None:
                    rule = rules[key] = FlagRules(self.template(key), today)
                flags.extend(summary.flags(rule))
        flags.sort(key=flag_order)
        return flags

    def history(self, number: str | None = None) -> list[AuditEntry]:
        if number is None:
            return self._audit_entries("", ())
        return self._audit_entries(" WHERE case_number = %s", (number,))

    def histories(self, numbers: Sequence[str]) -> dict[str, list[AuditEntry]]:
        """The audit entries of each of `numbers`, oldest first, in one query."""
        found: dict[str, list[AuditEntry]] = {number: [] for number in numbers}
        for entry in self._audit_entries(" WHERE case_number = ANY(%s)", (list(numbers),)):
            found.setdefault(entry.case or "", []).append(entry)
        return found

    def _audit_entries(self, where: str, params: tuple[Any, ...]) -> list[AuditEntry]:
        """The audit table's rows `where` selects (SQL, with `params`), oldest first."""
        sql = (
            "SELECT seq, at, by, case_number, item, field, old, new, copied_change"
            " FROM planner.audit" + where + " ORDER BY id"
        )
        with self._connection() as conn:
            rows = conn.execute(sql, params).fetchall()
        return [
            AuditEntry(int(seq), at.astimezone(UTC), by, case, item, field, old, new, copied)
            for seq, at, by, case, item, field, old, new, copied in rows
        ]

    def raw_records(self, numbers: Iterable[str] | None = None) -> dict[str, Mapping[str, Any]]:
        with self._connection() as conn:
            if numbers is None:
                rows = conn.execute("SELECT number, record::text FROM planner.cases").fetchall()
            else:
                rows = conn.execute(
                    "SELECT number, record::text FROM planner.cases WHERE number = ANY(%s)",
                    (list(numbers),),
                ).fetchall()
        return {str(n): LazyDocument(text) for n, text in rows}

    # --- changing -------------------------------------------------------------------------

    def add(self, person: Person, template: Template) -> Case:
        return self.add_many([person], template)[0]

    def add_many(self, people: Iterable[Person], template: Template) -> list[Case]:
        """Open cases in one transaction; refuses (CaseExists) if any already exists."""
        now = self._clock()
        people = list(people)
        with self._changing() as cur:
            template = self._stored_version(cur, template)
            numbers = [p.number for p in people]
            taken = cur.execute(
                "SELECT number FROM planner.cases WHERE number = ANY(%s) LIMIT 1", (numbers,)
            ).fetchone()
            if taken is not None:
                raise CaseExists(f"prison number {taken[0]} is already in this database")
            pairs: list[tuple[Case | None, Case | None]] = []
            for person in people:
                pairs.append((None, new_case(person, template, now)))
            self._commit(cur, pairs, template)
        return [case for _, case in pairs if case is not None]

    def update_people(self, people: Iterable[Person]) -> list[Case]:
        with self._changing() as cur:
            pairs: list[tuple[Case | None, Case | None]] = []
            for person in people:
                old = self._get(cur, person.number, lock=True)
                new = with_person(old, person, self._clock(), expected=None)
                if new is not None:
                    pairs.append((old, new))
            if pairs:
                self._commit(cur, pairs)
        return [new for _, new in pairs if new is not None]

    def update_person(self, person: Person, *, expected: Person | None = None) -> Case:
        with self._changing() as cur:
            old = self._get(cur, person.number, lock=True)
            new = with_person(old, person, self._clock(), expected=expected)
            if new is None:
                return old
            self._commit(cur, [(old, new)])
        return new

    def update_notes(self, number: str, notes: str, *, expected: str | None = None) -> Case:
        with self._changing() as cur:
            old = self._get(cur, number, lock=True)
            new = with_notes(old, notes, self._clock(), expected=expected)
            if new is None:
                return old
            self._commit(cur, [(old, new)])
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
        """Change one checklist item; its revision is checked against `expected_rev` in the
        transaction that saves it (the case's row is locked meanwhile)."""
        with self._changing() as cur:
            old = self._get(cur, number, lock=True)
            template = self._template(cur, _key_of(old))
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
            self._commit(cur, [(old, new)])
        return new

    def record_outcome(
        self,
        number: str,
        outcome: ReleaseOutcome,
        measures: Template,
        *,
        expected: ReleaseOutcome | Unchecked | None = UNCHECKED,
    ) -> Case:
        with self._changing() as cur:
            old = self._get(cur, number, lock=True)
            stored = self._stored_version(cur, measures)
            new = with_outcome(old, outcome, stored, self._clock(), expected=expected)
            if new is None:
                return old
            self._commit(cur, [(old, new)], measures=stored)
        return new

    def record_outcomes(self, outcomes: Mapping[str, ReleaseOutcome], measures: Template) -> int:
        with self._changing() as cur:
            stored = self._stored_version(cur, measures)
            pairs: list[tuple[Case | None, Case | None]] = []
            for number, outcome in outcomes.items():
                old = self._get(cur, number, lock=True)
                new = with_outcome(old, outcome, stored, self._clock())
                if new is not None:
                    pairs.append((old, new))
            if pairs:
                self._commit(cur, pairs, measures=stored)
        return len(pairs)

    def assign(self, numbers: Iterable[str], officer: str) -> list[Case]:
        with self._changing() as cur:
            pairs: list[tuple[Case | None, Case | None]] = []
            for number in dict.fromkeys(numbers):
                old = self._get(cur, number, lock=True)
                new = assigned(old, officer, self._clock())
                if new is not None:
                    pairs.append((old, new))
            if pairs:
                self._commit(cur, pairs)
        return [new for _old, new in pairs if new is not None]

    def note_exported(self, numbers: Sequence[str], description: str) -> None:
        with self._changing() as cur:
            wanted = list(dict.fromkeys(numbers))
            rows = cur.execute(
                "SELECT number, prison FROM planner.cases WHERE number = ANY(%s)", (wanted,)
            ).fetchall()
            prisons = {str(number): str(prison) for number, prison in rows}
            present = [number for number in wanted if number in prisons]
            if present:
                self.apply_change(cur, exported(present, description), prisons, at=self._clock())

    def remove(self, numbers: Iterable[str]) -> int:
        with self._changing() as cur:
            pairs: list[tuple[Case | None, Case | None]] = []
            for number in dict.fromkeys(numbers):
                case = self._find(cur, number, lock=True)
                if case is not None:
                    pairs.append((case, None))
            if pairs:
                self._commit(cur, pairs)
        return len(pairs)

    # --- internals ------------------------------------------------------------------------

    def _stored_version(self, cur: Cursor, template: Template) -> Template:
        """The stored copy of this template version if there is one (see
        :meth:`planner.store.stored_templates.StoredTemplates.stored_version`)."""
        try:
            return self._template(cur, template.key)
        except StoreError as exc:
            if isinstance(exc, DatabaseCorrupt):
                raise
            return template

    def _commit(
        self,
        cur: Cursor,
        pairs: Sequence[tuple[Case | None, Case | None]],
        template: Template | None = None,
        *,
        measures: Template | None = None,
    ) -> None:
        """Write a set of case changes and their audit rows in the caller's transaction,
        as the next change number. `template`: the one new cases were made with;
        `measures`: an outcome's; either is stored if it is not yet."""
        if template is None:
            change = case_change(pairs, lambda case: self._template(cur, _key_of(case)))
        else:
            made_with = template
            change = case_change(pairs, lambda _case: made_with)
        prisons = {
            case.number: case.person.prison for pair in pairs for case in pair if case is not None
        }
        new_templates = [t for t in (template, measures) if t is not None]
        self.apply_change(cur, change, prisons, new_templates, at=self._clock())

    def apply_change(
        self,
        cur: Cursor,
        change: Change,
        prisons: Mapping[str, str],
        templates: Sequence[Template] = (),
        *,
        at: datetime,
        by: str | None = None,
        seq: int | None = None,
    ) -> int:
        """Write `change` (documents and audit entries) in the caller's transaction;
        returns its change number."""
        if seq is None:
            row = cur.execute(
                "UPDATE planner.change_counter SET value = value + 1 RETURNING value"
            ).fetchone()
            assert row is not None
            seq = int(row[0])
        for template in templates:
            if template.key in self._templates:
                continue
            made = template_document(template)
            cur.execute(
                "INSERT INTO planner.templates (key, document, fingerprint) VALUES (%s, %s, %s)"
                " ON CONFLICT (key) DO NOTHING",
                (template.key, Jsonb(made), made["fingerprint"]),
            )
        docs = change.documents.get(CASES, {})
        index = change.documents.get(INDEX, {})
        assessments = change.documents.get(ASSESSMENTS, {})
        removed = [number for number, doc in docs.items() if doc is None]
        written = []
        for number, doc in docs.items():
            entry = index.get(number)
            if doc is not None and entry is not None:
                written.append(row_values(number, doc, entry, assessments.get(number), seq))
        if removed:
            cur.execute("DELETE FROM planner.cases WHERE number = ANY(%s)", (removed,))
        if written:
            columns = ", ".join(WRITE_COLUMNS)
            marks = ", ".join(["%s"] * len(WRITE_COLUMNS))
            updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in WRITE_COLUMNS[1:])
            cur.executemany(
                f"INSERT INTO planner.cases ({columns}) VALUES ({marks})"
                f" ON CONFLICT (number) DO UPDATE SET {updates}",
                written,
            )
        for key, stored in change.documents.get(TEMPLATES, {}).items():
            if stored is not None:
                cur.execute(
                    "INSERT INTO planner.templates (key, document, fingerprint)"
                    " VALUES (%s, %s, %s) ON CONFLICT (key) DO NOTHING",
                    (key, Jsonb(stored), stored["fingerprint"]),
                )
        who = self.officer if by is None else by
        audit_rows = [
            (
                seq,
                at,
                who,
                prisons.get(e["case"]) if e.get("case") else None,
                e.get("case"),
                e.get("item"),
                e["field"],
                Jsonb(e.get("old")),
                Jsonb(e.get("new")),
            )
            for e in change.entries
        ]
        if audit_rows:
            cur.executemany(
                "INSERT INTO planner.audit (seq, at, by, prison, case_number, item, field,"
                " old, new) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                audit_rows,
            )
        return seq

    def _reassess(self, number: str) -> Assessment:
        case = self.get(number)
        return assess(case, self.template_for(case))

    def translate(self, exc: psycopg.Error) -> StoreError:
        """A database error as one line for the officer."""
        if isinstance(exc, psycopg.OperationalError):
            return unreachable(self.url, exc)
        return StoreError(f"the server refused the change: {first_line(exc)}; nothing was changed")


def _key_of(case: Case) -> str:
    return f"{case.checklist.template_id}@{case.checklist.template_version}"
