"""How a case's documents are kept in the server's cases table, and read back.

The file store keeps three documents per case (see :mod:`planner.store.documents`): the
full record, its index entry and its assessment. On the server they are one row: the
record as JSONB, the index entry as the summary columns the caseload lists, and the
assessment as JSON text parsed only when its flags are wanted. The caseload is then one
query over the summary columns, and a summary is made from a row exactly as from an entry.
"""

from __future__ import annotations

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
    " template_key, assigned_to, engine, applicable, resolved, quiet_rules, quiet, assessment"
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


def summary_from_row(row: tuple[Any, ...], reassess: Callable[[str], Assessment]) -> CaseSummary:
    """A case's summary from a row of SUMMARY_COLUMNS (DatabaseCorrupt when damaged)."""
    (number, surname, forename, prison, location, release, kind, state, rev, template,
     assigned, engine, applicable, resolved, quiet_rules, quiet, assessment) = row  # fmt: skip
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
    return summary_from_entry(number, entry, LazyDocument(assessment), reassess)
