"""Exports as one call each, for the command line and the terminal UI alike.

* `export_case` writes one person's handover summary in one format;
* `export_batch` writes one summary per person into a folder, rendering PDFs in a small
  process pool, and reports each file to a progress callback;
* `export_caseload` writes the caseload CSV.

Each notes what it wrote in the audit log (:mod:`planner.export.audit`).

None of them needs a terminal; each raises `ExportError` (or the store's `CaseNotFound`)
with a one-line message. A PDF that cannot draw some character of a summary is not
written: `export_case` raises `UndrawableText` naming the field; `export_batch` writes
everyone else's and then raises it, naming each person left out and the field.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import closing
from datetime import date, datetime
from itertools import islice
from pathlib import Path

from planner import __version__
from planner.domain.gaps import evaluate
from planner.export.audit import CASELOAD_CSV, ExportNotNoted, note_case_exports, note_rows_export
from planner.export.case_note import note_file_text, render_case_note
from planner.export.caseload_csv import caseload_table, render_caseload_csv
from planner.export.files import (
    BatchFolder,
    ExportError,
    ExportFormat,
    InvalidExport,
    OutputExists,
    check_writable,
    make_private_folder,
    summary_file_name,
    write_file,
)
from planner.export.json_export import render_json
from planner.export.markdown import render_markdown
from planner.export.pdf_text import UndrawableText
from planner.export.plan import PersonPlan, build_plan
from planner.export.summary import HandoverSummary, build_summary
from planner.store.errors import CaseNotFound
from planner.store.interface import CaseRepository
from planner.store.summary import releasing_within

Progress = Callable[[int, int, Path], None]
"""Called after each file: (files done, files in all, the file just written)."""

# Below this many PDFs, starting worker processes costs more than it saves.
POOL_THRESHOLD = 24
_CHUNK = 8  # summaries sent to a rendering process at a time
_CHUNKS_PER_WORKER = 2  # chunks queued per rendering process


def render(summary: HandoverSummary, fmt: ExportFormat) -> bytes:
    """The bytes of one summary in one format."""
    if fmt is ExportFormat.PLAN:
        raise InvalidExport("the person's own plan is not a handover summary: use render_plan")
    if fmt is ExportFormat.PDF:
        from planner.export.pdf import render_pdf  # fpdf2 loads only when a PDF is wanted

        return render_pdf(summary)
    if fmt is ExportFormat.MARKDOWN:
        return render_markdown(summary).encode("utf-8")
    if fmt is ExportFormat.JSON:
        return render_json(summary)
    return note_file_text(render_case_note(summary)).encode("utf-8")


def summary_for(
    store: CaseRepository,
    number: str,
    *,
    officer: str,
    today: date,
    redact: bool,
    generated_at: datetime | None = None,
    planner_version: str = __version__,
) -> HandoverSummary:
    """The handover summary of one stored case as of `today`."""
    case = store.get(number)
    template = store.template_for(case)
    return build_summary(
        case,
        template,
        evaluate(case, template, today),
        officer=officer,
        generated_at=generated_at or datetime.now().astimezone(),
        redact=redact,
        planner_version=planner_version,
    )


def plan_for(
    store: CaseRepository, number: str, *, today: date, include_health: bool
) -> PersonPlan:
    """The person's own plan of one stored case as of `today`."""
    case = store.get(number)
    return build_plan(case, store.template_for(case), today=today, include_health=include_health)


def render_plan(store: CaseRepository, number: str, *, today: date, include_health: bool) -> bytes:
    """The person's own plan as PDF bytes."""
    from planner.export.plan_pdf import render_plan_pdf  # fpdf2 loads only when wanted

    plan = plan_for(store, number, today=today, include_health=include_health)
    return render_plan_pdf(plan, created=datetime.now().astimezone())


def render_case(
    store: CaseRepository,
    number: str,
    fmt: ExportFormat,
    *,
    officer: str,
    today: date,
    redact: bool = False,
    include_health: bool = False,
) -> bytes:
    """One summary's bytes (or the person's own plan's), for standard output rather than a
    file."""
    if fmt is ExportFormat.PLAN:
        return render_plan(store, number, today=today, include_health=include_health)
    summary = summary_for(store, number, officer=officer, today=today, redact=redact)
    return render(summary, fmt)


def default_name(summary: HandoverSummary, fmt: ExportFormat) -> str:
    p = summary.person
    return summary_file_name(p.prison_number, p.surname, summary.release.date, fmt)


def export_case(
    store: CaseRepository,
    number: str,
    fmt: ExportFormat,
    path: Path | None = None,
    *,
    officer: str,
    today: date,
    redact: bool = False,
    force: bool = False,
    include_health: bool = False,
) -> Path:
    """Write one summary (or, for `ExportFormat.PLAN`, the person's own plan, with health
    detail only when `include_health`); `path` may be a file, a folder, or None for the
    current folder.

    Returns the file written. Raises `OutputExists` if it exists and `force` is not set.
    """
    if fmt is ExportFormat.PLAN:
        case = store.get(number)
        person = case.person
        name = summary_file_name(person.number, person.surname, person.release_date, fmt)
        if path is None:
            path = Path.cwd() / name
        elif path.is_dir():
            path = path / name
        check_writable(path, force=force)
        data = render_plan(store, number, today=today, include_health=include_health)
        written = write_file(path, data, force=force)
        note_case_exports(store, [number], fmt, str(written.absolute()), with_health=include_health)
        return written
    summary = summary_for(store, number, officer=officer, today=today, redact=redact)
    if path is None:
        path = Path.cwd() / default_name(summary, fmt)
    elif path.is_dir():
        path = path / default_name(summary, fmt)
    check_writable(path, force=force)
    written = write_file(path, render(summary, fmt), force=force)
    note_case_exports(store, [number], fmt, str(written.absolute()), redacted=redact)
    return written


def due_for_release(store: CaseRepository, today: date, within_days: int) -> list[str]:
    """Prison numbers of active cases released from today to `within_days` ahead, soonest
    first."""
    return [s.number for s in releasing_within(store.summaries(), today, within_days)]


def export_batch(
    store: CaseRepository,
    numbers: Sequence[str],
    fmt: ExportFormat,
    folder: Path,
    *,
    officer: str,
    today: date,
    redact: bool = False,
    force: bool = False,
    progress: Progress | None = None,
    stop: Callable[[], bool] | None = None,
    workers: int | None = None,
) -> list[Path]:
    """Write one summary per person into `folder` (created if missing), named predictably.

    Nothing is written when any target exists and `force` is not set. `stop`, checked
    between files, ends the batch early (the files already written stay). `workers` is the
    number of processes rendering PDFs; by default one per CPU.
    """
    if fmt is ExportFormat.PLAN:
        raise InvalidExport("the person's own plan is written one person at a time")
    numbers = list(dict.fromkeys(numbers))  # one file per person, however often named
    known = {s.number: s for s in store.summaries()}
    for number in numbers:
        if number not in known:
            raise CaseNotFound(f"no person with prison number {number} in this database")
    paths = [
        folder / summary_file_name(n, known[n].surname, known[n].release_date, fmt) for n in numbers
    ]
    existing = [p for p in paths if p.exists()]
    if existing and not force:
        raise OutputExists(existing[0], existing=len(existing), total=len(paths))
    try:
        # Owner-only: the file names alone (prison number, surname, release date) are
        # personal data.
        make_private_folder(folder)
    except OSError as exc:
        raise ExportError(f"could not create folder {folder}: {exc.strerror or exc}") from None
    generated_at = datetime.now().astimezone()
    # Built one by one as rendering needs them (see _rendered): never all held at once.
    summaries = (
        summary_for(
            store, n, officer=officer, today=today, redact=redact, generated_at=generated_at
        )
        for n in numbers
    )
    written: list[Path] = []
    exported: list[str] = []
    left_out: list[str] = []
    where = f"folder {folder.absolute()}"
    try:
        # Each file is written whole; the folder is made durable once, as the block ends.
        with (
            BatchFolder(folder) as batch,
            closing(_rendered(summaries, fmt, workers, len(paths))) as rendered,
        ):
            for result, path, number in zip(rendered, paths, numbers, strict=True):
                if isinstance(result, UndrawableText):
                    left_out.append(f"{number}: {'; '.join(result.problems)}")
                else:
                    written.append(batch.write(path, result, force=force))
                    exported.append(number)
                    if progress is not None:
                        progress(len(written), len(paths), path)
                if stop is not None and stop():
                    break
    except BaseException:
        # Whatever ended the batch early (a file it could not write, an interrupt), the
        # summaries already written are noted; the error that ended it is the one raised.
        with contextlib.suppress(ExportNotNoted):
            note_case_exports(store, exported, fmt, where, redacted=redact)
        raise
    note_case_exports(store, exported, fmt, where, redacted=redact)
    if left_out:
        raise UndrawableText(
            [
                f"wrote {len(written)} of {len(paths)} summaries to {folder}; "
                f"not written: {left_out[0]}",
                *left_out[1:],
            ],
            summaries=len(left_out),
        )
    return written


def _render_or_refuse(summary: HandoverSummary, fmt: ExportFormat) -> bytes | UndrawableText:
    """`render`, with the error a summary's text can cause returned rather than raised, so
    one person's summary cannot stop a batch."""
    try:
        return render(summary, fmt)
    except UndrawableText as exc:
        return exc


def _chunks(items: Iterable[HandoverSummary], size: int) -> Iterator[list[HandoverSummary]]:
    """`items` in lists of `size` (the last may be shorter), taken as they are asked for."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _render_chunk(
    summaries: Sequence[HandoverSummary], fmt: ExportFormat
) -> list[bytes | UndrawableText]:
    """A few summaries rendered in one call to a worker process (fewer round trips)."""
    return [_render_or_refuse(summary, fmt) for summary in summaries]


def _rendered(
    summaries: Iterable[HandoverSummary], fmt: ExportFormat, workers: int | None, total: int
) -> Generator[bytes | UndrawableText, None, None]:
    """Each summary's bytes (or why it cannot be drawn), in order; PDFs of a large batch
    render in worker processes."""
    count = workers or os.cpu_count() or 1
    if fmt is not ExportFormat.PDF or count < 2 or total < POOL_THRESHOLD:
        yield from (_render_or_refuse(s, fmt) for s in summaries)
        return
    # spawn, not fork: the UI calls this from a thread, and forking a threaded process
    # can copy a held lock into the child.
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=count, mp_context=context)
    # Executor.map would build and submit every summary before the first is written;
    # a bounded window of chunks keeps a few per worker in flight, so memory stays flat
    # however big the batch and a stopped batch has little left to cancel.
    in_flight: deque[Future[list[bytes | UndrawableText]]] = deque()
    try:
        for chunk in _chunks(summaries, _CHUNK):
            in_flight.append(pool.submit(_render_chunk, chunk, fmt))
            if len(in_flight) >= count * _CHUNKS_PER_WORKER:
                yield from in_flight.popleft().result()
        while in_flight:
            yield from in_flight.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)  # a stopped batch renders no more


def export_caseload(
    store: CaseRepository,
    path: Path,
    *,
    today: date,
    force: bool = False,
    within_days: int | None = None,
) -> Path:
    """Write the caseload CSV: every case, or those due for release within `within_days`."""
    check_writable(path, force=force)
    data, people = caseload_csv_rows(store, today, within_days)
    written = write_file(path, data, force=force)
    note_rows_export(store, CASELOAD_CSV, people, written.absolute())
    return written


def caseload_csv_rows(
    store: CaseRepository, today: date, within_days: int | None = None
) -> tuple[bytes, int]:
    """The caseload CSV's bytes (every case, or those due for release within
    `within_days`) and how many people it lists."""
    summaries = store.summaries()
    if within_days is None:
        cases = {case.number: case for case in store.cases()}
    else:
        wanted = set(due_for_release(store, today, within_days))
        summaries = [s for s in summaries if s.number in wanted]
        cases = {number: store.get(number) for number in wanted}
    header, rows = caseload_table(summaries, store.template, today, cases)
    return render_caseload_csv(header, rows), len(rows)
