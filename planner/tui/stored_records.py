"""The stored records the caseload's filters on evidence read, kept with the rows shown.

From a database file every record is in memory already (the store holds them), so all
are taken with the rows: a filter reads them with no lock and no disk, and they are the
records of the rows on screen. From a server, reading every record would be the whole
caseload over the network at each change another officer makes: a record is fetched
the first time a filter needs it (in a worker, never on the event loop), and kept for as
long as its case's revision is the one the rows show.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # the caseload screen is drawn before the store's modules are loaded
    from planner.store.interface import CaseRepository

Record = Mapping[str, Any]


class RevisedRow(Protocol):
    @property
    def number(self) -> str: ...

    @property
    def rev(self) -> int: ...


class StoredRecords:
    """Records by prison number, as of the revisions of the rows they were kept with."""

    def __init__(
        self,
        store: CaseRepository | None = None,
        records: dict[str, Record] | None = None,
        revisions: dict[str, int] | None = None,
    ) -> None:
        self._store = store  # where missing records are fetched from; None: all are here
        self._records = records or {}
        self._revisions = revisions or {}  # the rows' revisions, by number

    def __len__(self) -> int:
        """How many records are held."""
        return len(self._records)

    def renewed(self, store: CaseRepository, rows: Sequence[RevisedRow]) -> StoredRecords:
        """The records for `rows`, read from `store` now (off the event loop): all of them
        from a file; from a server, those kept here whose case has not changed since."""
        revisions = {row.number: row.rev for row in rows}
        if store.records_are_local:
            return StoredRecords(None, store.raw_records(), revisions)
        # A copy first: a filter's worker may be adding to these records meanwhile.
        kept = {
            number: record
            for number, record in list(self._records.items())
            if self._revisions.get(number) == revisions.get(number)
        }
        return StoredRecords(store, kept, revisions)

    def at_hand(self, numbers: Iterable[str]) -> dict[str, Record] | None:
        """The records of `numbers` if every one is here already, else None (they would
        have to be fetched)."""
        records = self._records
        found: dict[str, Record] = {}
        for number in numbers:
            record = records.get(number)
            if record is None:
                if self._store is not None and number in self._revisions:
                    return None
                continue  # no such case: nothing to read
            found[number] = record
        return found

    def read(self, numbers: Iterable[str]) -> dict[str, Record]:
        """The records of `numbers`, fetching those not here yet (in a worker: this may ask
        the server)."""
        numbers = list(numbers)
        if self._store is not None:
            missing = [n for n in numbers if n not in self._records and n in self._revisions]
            if missing:
                self._records.update(self._store.raw_records(missing))
        records = self._records
        return {number: records[number] for number in numbers if number in records}
