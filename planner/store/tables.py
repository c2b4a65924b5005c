"""The store's TinyDB tables: cases, their index entries and templates, keyed by name.

TinyDB numbers documents; planner keys cases by prison number and templates by
``id@version``. `KeyedTable` is a TinyDB table whose document ids are those strings, and
`keyed_tables` opens the three tables over a `JournalStorage` the store has already
opened, for reading. Changes never go through TinyDB's write path, which rebuilds every
key of a table on each write: the store commits the documents a change touches to the
storage directly (:meth:`planner.store.journal.JournalStorage.commit`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tinydb import TinyDB
from tinydb.table import Table

from planner.store.journal import JournalStorage

CASES = "cases"  # the full record of each case, by prison number (kept as JSON text)
INDEX = "index"  # what the caseload lists of each case
ASSESSMENTS = "assessments"  # each case's assessment by the gap engine (kept as JSON text)
TEMPLATES = "templates"  # each template version cases use, by id@version
# A person's history kept at other prisons, and the points their record crossed between
# databases, by prison number (see planner.store.transfers).
TRANSFER_HISTORY = "transfer_history"
TRANSFER_POINTS = "transfer_points"
PERSON_TABLES = (CASES, TRANSFER_HISTORY, TRANSFER_POINTS)  # what a purge removes of a person


class KeyedTable(Table):
    """A TinyDB table whose document ids are prison numbers, never sequence numbers.

    TinyDB's type hints assume integer ids; these methods are the typed way in.
    """

    document_id_class = str  # type: ignore[assignment]

    def by_key(self, key: str) -> dict[str, Any] | None:
        return self.get(doc_id=key)  # type: ignore[call-overload, no-any-return]

    def has_key(self, key: str) -> bool:
        # TinyDB's contains(doc_id=...) builds the whole document, which for a lazily
        # stored case means parsing its record just to learn that it exists.
        return key in self._read_table()


@dataclass(frozen=True)
class KeyedTables:
    cases: KeyedTable
    index: KeyedTable
    templates: KeyedTable


class _TinyDB(TinyDB):
    table_class = KeyedTable


class _Borrowed:
    """Hands TinyDB an already-built storage object instead of constructing one."""

    def __new__(cls, *, storage_object: JournalStorage) -> JournalStorage:  # type: ignore[misc]
        return storage_object


def keyed_tables(storage: JournalStorage) -> KeyedTables:
    """The store's tables over `storage`, with no query cache (other processes write)."""
    db = _TinyDB(storage=_Borrowed, storage_object=storage)
    return KeyedTables(
        cases=db.table(CASES, cache_size=0),  # type: ignore[arg-type]
        index=db.table(INDEX, cache_size=0),  # type: ignore[arg-type]
        templates=db.table(TEMPLATES, cache_size=0),  # type: ignore[arg-type]
    )
