"""Handover summaries for many people at once: one file each, into one folder.

Who: everyone due for release in the next 7, 14 or 28 days, or the people the caseload shows
now. The batch runs in a thread worker with a progress bar; Esc (or Cancel) stops it
after the file being written, and the files already written stay.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Container, Horizontal, VerticalScroll
from textual.widgets import Button, Checkbox, ProgressBar, Select, Static

from planner.export.audit import ExportNotNoted
from planner.export.files import ExportError, ExportFormat, OutputExists
from planner.export.service import due_for_release, export_batch
from planner.store.errors import StoreError
from planner.tui.literal import literal_text, toast
from planner.tui.screens.export_case import REDACT_HINT, SUMMARY_FORMATS
from planner.tui.screens.export_dialog import ExportDialog
from planner.tui.screens.file_picker import folder_picker
from planner.tui.session import Session
from planner.tui.widgets.evidence import ChoiceField, TextField
from planner.tui.widgets.tick_box import TickBox

SHOWN = "shown"


def start_resource_tracker() -> None:
    """Let a batch start its PDF process pool from inside the app.

    multiprocessing's spawn starts a resource tracker the first time, passing it
    sys.stderr's descriptor; while Textual runs, sys.stderr is its capture, whose
    fileno() is -1, and the spawn fails ("bad value(s) in fds_to_keep"). Started here,
    on the event loop (so nothing else writes meanwhile) with the real stderr, the
    tracker is running when the pool needs it.
    """
    from multiprocessing import resource_tracker

    captured = sys.stderr
    sys.stderr = sys.__stderr__
    try:
        resource_tracker.ensure_running()
    finally:
        sys.stderr = captured


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _people(count: int) -> str:
    return f"{count} {'person' if count == 1 else 'people'}"


class BatchExportScreen(ExportDialog):
    """Writes summaries into a folder; the caseload stays as it was."""

    OTHERWISE = "or choose another folder"

    def __init__(self, session: Session, shown: list[str], shown_label: str) -> None:
        super().__init__(session)
        self.shown = shown
        self.shown_label = shown_label
        self.stop = threading.Event()
        self.written: list[Path] = []

    def compose(self) -> ComposeResult:
        who = [
            ("Due for release in the next 7 days", "7"),
            ("Due for release in the next 14 days", "14"),
            ("Due for release in the next 28 days", "28"),
            (f"The {_people(len(self.shown))} shown", SHOWN),
        ]
        folder = self.folder / f"handover-summaries-{self.session.today.isoformat()}"
        with VerticalScroll(classes="dialog export batch") as box:
            box.border_title = "Export handover summaries"
            box.border_subtitle = "Ctrl+S exports · Esc cancels or goes back"
            with Container(classes="form-grid"):
                yield ChoiceField("who", "Who", who, "14", allow_blank=False)
                yield ChoiceField(
                    "format", "Format", SUMMARY_FORMATS, ExportFormat.PDF, allow_blank=False
                )
            with Horizontal(classes="redact"):
                yield TickBox("Redacted", id="redact")
                yield Static(REDACT_HINT, classes="hint")
            path = TextField(
                "folder",
                "Folder",
                str(folder),
                required=True,
                hint="Made if missing. One file each: NUMBER_SURNAME_RELEASE-DATE.",
            )
            path.add_class("path")
            yield path
            yield ProgressBar(id="batch-progress", show_eta=False)
            yield from self.compose_result()

    def on_mount(self) -> None:
        self.query_one(ProgressBar).display = False
        self.query_one("#field-who", ChoiceField).focus_input()

    @on(Select.Changed, "#field-who Select")
    def explain_shown(self, event: Select.Changed) -> None:
        if not self.running:
            self.say(f"Shown now: {self.shown_label}." if event.value == SHOWN else "")

    def _choice(self, field: str) -> object:
        return self.query_one(f"#field-{field} Select", Select).value

    # --- running --------------------------------------------------------------------------

    def action_export(self, replace: bool) -> None:
        if self.running:
            return
        target = self.read_target("folder")
        if target is None:
            return
        folder = target.path  # always a folder here
        fmt = self._choice("format")
        who = self._choice("who")
        if not isinstance(fmt, ExportFormat) or not isinstance(who, str):
            return
        redact = self.query_one("#redact", Checkbox).value
        if fmt is ExportFormat.PDF:
            start_resource_tracker()
        self.running = True
        self.stop.clear()
        self.say("Finding who is due…")
        self._set_running(True)
        self._run(who, fmt, redact, folder, replace)

    @work(
        thread=True,
        exclusive=True,
        group="batch",
        exit_on_error=False,
        description="writing summaries",  # not the repr of its arguments
    )
    def _run(self, who: str, fmt: ExportFormat, redact: bool, folder: Path, replace: bool) -> None:
        session = self.session

        def progress(done: int, total: int, path: Path) -> None:
            self.app.call_from_thread(self._progress, done, total, path)

        try:
            store = session.store
            numbers = self.shown
            if who != SHOWN:
                numbers = due_for_release(store, session.today, int(who))
            if not numbers:
                self.app.call_from_thread(self._finished, [], 0, folder)
                return
            self.app.call_from_thread(self._progress, 0, len(numbers), None)
            written = export_batch(
                store,
                numbers,
                fmt,
                folder,
                officer=session.officer,
                today=session.today,
                redact=redact,
                force=replace,
                progress=progress,
                stop=self.stop.is_set,
            )
        except OutputExists as exc:
            self.app.call_from_thread(self.offer_replace, str(exc))
        except (ExportError, StoreError) as exc:  # written, not noted: ExportNotNoted
            only_the_note = isinstance(exc, ExportNotNoted)
            self.app.call_from_thread(self.failed, str(exc), written=only_the_note)
        else:
            if written:
                self.remember(folder.parent)
            self.app.call_from_thread(self._finished, written, len(numbers), folder)
        finally:
            self.app.call_from_thread(self._set_running, False)

    def action_choose(self) -> None:
        def chosen(path: Path | None) -> None:
            if path is not None:
                self.set_path("folder", path)

        self.app.push_screen(folder_picker(self.typed_folder("folder")), chosen)

    def _set_running(self, running: bool) -> None:
        self.query_one("#export-run", Button).disabled = running
        self.query_one("#export-back", Button).label = "Cancel (Esc)" if running else "Back (Esc)"
        if running:
            self.query_one("#export-back", Button).focus()

    def _progress(self, done: int, total: int, path: Path | None) -> None:
        bar = self.query_one(ProgressBar)
        bar.display = True
        bar.update(total=total, progress=done)
        if self.stop.is_set():
            return
        if path is None:
            self.say(f"Writing {_plural(total, 'file')}…")
        else:
            self.say(f"{done} of {total} written · {path.name}")

    def offer_replace(self, message: str | None) -> None:
        super().offer_replace(message)
        if message is not None:
            self.query_one(ProgressBar).display = False

    def failed(self, message: str, *, written: bool = False) -> None:
        super().failed(message, written=written)
        self.query_one(ProgressBar).display = False

    def _finished(self, written: list[Path], total: int, folder: Path) -> None:
        self.offer_replace(None)
        self.written = written
        if not total:
            self.say(Text("No one to export there: nothing was written.", "bold yellow"))
            return
        files = _plural(len(written), "file")
        if len(written) < total:
            message = f"Stopped: {files} of {total} written to {folder}"
            self.say(literal_text(message, "bold yellow"))
            toast(self, message, severity="warning", timeout=10)
            return
        self.say(
            Text.assemble((f"{files} written to ", "bold green"), literal_text(folder, "bold"))
        )
        toast(self, f"{files} written to {folder}", timeout=10)

    def stop_before_quitting(self) -> None:
        """planner is closing: the batch ends after the file being written, and notes
        who it wrote (the app waits for it)."""
        self.stop.set()

    def action_back(self) -> None:
        if self.running:
            self.stop.set()  # the worker ends after the file being written
            self.say(Text("Stopping after the file being written…", "bold yellow"))
            return
        super().action_back()
