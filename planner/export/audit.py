"""Every export is noted in the audit log, by whom and when (the entry's own officer and
time), as a report run is (:mod:`planner.reports.audit`).

* One person's record written out (a handover summary in any format, the person's own
  plan) is noted in their history: what was written and where. A batch notes each person
  whose summary it wrote, in one change.
* Rows of many people (the caseload CSV, a view of it) are noted once for the database:
  what, how many people and the folder of the file, never who (a note about the database
  outlives a purge, so it holds no personal data: not even the file's name).

A path is noted with any control character shown as its code (``<U+000A>``).

A database open read-only notes nothing: its officer can change nothing, this included.
The file is written first; if the note then cannot be made, `ExportNotNoted` says the file
was written and why the note was not.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from planner.domain.text import visible
from planner.export.files import ExportError, ExportFormat
from planner.store.errors import StoreError
from planner.store.interface import CaseRepository

ON_STANDARD_OUTPUT = "standard output"  # where an export to `-o -` went, as its note says
CASELOAD_CSV = "the caseload CSV"
VIEW_CSV = "a caseload view as CSV"  # the rows and columns of a list or of the UI's table
TABLE_FIELD = "export.rows"  # a note about the database: rows of many people written out

_WRITTEN = {
    ExportFormat.PDF: "handover summary (PDF)",
    ExportFormat.MARKDOWN: "handover summary (Markdown)",
    ExportFormat.JSON: "handover summary (JSON)",
    ExportFormat.NOTE: "handover summary (case-note text)",
    ExportFormat.PLAN: "the person's own plan (PDF)",
}


class ExportNotNoted(ExportError):
    """The export was written, but the audit log could not note it."""


def export_description(
    fmt: ExportFormat, where: str, *, redacted: bool = False, with_health: bool = False
) -> str:
    """'handover summary (PDF) to /exports/A1234BC.pdf'; a redacted summary, or a plan
    with health detail, says so."""
    written = f"{'redacted ' if redacted else ''}{_WRITTEN[fmt]}"
    return f"{written}{', with health detail,' if with_health else ''} to {visible(where)}"


def note_case_exports(
    store: CaseRepository,
    numbers: Sequence[str],
    fmt: ExportFormat,
    where: str,
    *,
    redacted: bool = False,
    with_health: bool = False,
) -> None:
    """Note in each person's history of `numbers` that `fmt` was written to `where`."""
    if store.read_only or not numbers:
        return
    description = export_description(fmt, where, redacted=redacted, with_health=with_health)
    with _noting(where):
        store.note_exported(numbers, description)


def note_rows_export(store: CaseRepository, what: str, people: int, where: Path | None) -> None:
    """Note for the database that `what` (the caseload CSV, a view) of `people` people was
    written to the file `where` (None: standard output). The note names the file's folder,
    not the file: the name an officer gives it can name a person ("kowalski.csv")."""
    if store.read_only:
        return
    shown = "1 person" if people == 1 else f"{people} people"
    place = ON_STANDARD_OUTPUT if where is None else f"a file in {visible(str(where.parent))}"
    with _noting(str(where or ON_STANDARD_OUTPUT)):
        store.admin.record_event(TABLE_FIELD, f"{what} of {shown} to {place}")


@contextmanager
def _noting(where: str) -> Iterator[None]:
    try:
        yield
    except StoreError as exc:
        raise ExportNotNoted(
            f"wrote {visible(where)}, but could not note the export in the audit log: {exc}"
        ) from None
