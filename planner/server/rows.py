"""How a case's documents are kept in the server's cases table, and read back.

The file store keeps three documents per case (see :mod:`planner.store.documents`): the
full record, its index entry and its assessment. On the server they are one row: the
record as JSONB, the index entry as the summary columns the caseload lists, and the
assessment as JSON text parsed only when its flags are wanted. The caseload is then one
query over the summary columns, and a summary is made from a row exactly as from an entry.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

import orjson

from planner.domain.assessment import Assessment
from planner.domain.gaps import QUIET_RULES
from planner.store.documents import QUIET_KEY, summary_from_entry
from planner.store.lazy import LazyDocument
from planner.store.summary import CaseSummary

SUMMARY_COLUMNS = (
    "number, surname, forename, prison, location, release_date, release_kind, state, rev,"
    " template_key, assigned_to, engine, applicable, resolved, quiet_rules, quiet"
)
WRITE_COLUMNS = (
    "number",
    "prison",
    "record",
    "rev",
    "surname",
    "forename",
    "location",
    "release_date",
    "release_kind",
    "state",
    "assigned_to",
    "template_key",
    "engine",
    "applicable",
    "resolved",
    "quiet_rules",
    "quiet",
    "assessment",
    "changed",
)


def row_values(
    number: str, record: Mapping[str, Any], entry: Mapping[str, Any], assessment: Any, seq: int
) -> tuple[Any, ...]:
    """The values of WRITE_COLUMNS for a case's three documents, committed as change `seq`."""
    surname, forename, prison, location, release, kind, state = entry["person"]
    applicable, resolved = entry["counts"]
    quiet = entry.get(QUIET_KEY)
    return (
        number,
        prison,
        orjson.dumps(record).decode(),
        entry["rev"],
        surname,
        forename,
        location,
        release,
        kind,
        state,
        entry.get("assigned", ""),
        entry["template"],
        entry["engine"],
        applicable,
        resolved,
        QUIET_RULES if quiet is not None else None,
        quiet,
        orjson.dumps(assessment).decode(),
        seq,
    )


class AssessmentBatch:
    """The assessments of the rows one caseload query fetched, read from the server in
    one query the first time any of them is wanted (its flags, its gaps): listing
    everyone needs only the summary columns, a fraction of the bytes. `texts`: the
    assessments already fetched with the rows (the first screen shows the flags of
    nearly everyone it lists)."""

    def __init__(
        self, fetch: Callable[[list[str]], dict[str, str]], texts: dict[str, str] | None = None
    ) -> None:
        self._fetch = fetch
        self._numbers: list[str] = []
        self._texts = texts
        self._lock = threading.Lock()

    def document(self, number: str) -> DeferredAssessment:
        self._numbers.append(number)
        return DeferredAssessment(self, number)

    def text(self, number: str) -> str:
        with self._lock:
            if self._texts is None:
                self._texts = self._fetch(self._numbers)
            text = self._texts.get(number)
        if text is None:  # removed since: read on its own (an empty object if gone)
            text = self._fetch([number]).get(number, "{}")
        return text


class DeferredAssessment(LazyDocument):
    """A stored assessment whose JSON text is fetched with its batch when first read."""

    __slots__ = ("_batch", "_number")

    def __init__(self, batch: AssessmentBatch, number: str) -> None:
        super().__init__("")
        self._batch = batch
        self._number = number
        self._raw = None  # type: ignore[assignment]  # fetched on first read

    def _fetched(self) -> None:
        if self._raw is None:
            self._raw = self._batch.text(self._number)

    def read(self) -> dict[str, Any]:
        self._fetched()
        return super().read()

    def raw_json(self) -> bytes:
        self._fetched()
        return super().raw_json()


def summary_from_row(
    row: tuple[Any, ...], reassess: Callable[[str], Assessment], batch: AssessmentBatch
) -> CaseSummary:
    """A case's summary from a row of SUMMARY_COLUMNS (DatabaseCorrupt when damaged); its
    assessment is read with `batch` when first wanted."""
    (number, surname, forename, prison, location, release, kind, state, rev, template,
     assigned, engine, applicable, resolved, quiet_rules, quiet) = row  # fmt: skip
    entry: dict[str, Any] = {
        "person": [
            surname,
            forename,
            prison,
            location,
            release.isoformat() if release is not None else None,
            kind,
            state,
        ],
        "template": template,
        "rev": rev,
        "assigned": assigned,
        "engine": engine,
        "counts": [applicable, resolved],
    }
    if quiet is not None and quiet_rules == QUIET_RULES:
        entry[QUIET_KEY] = quiet
    return summary_from_entry(number, entry, batch.document(number), reassess)
