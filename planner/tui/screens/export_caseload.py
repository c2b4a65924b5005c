"""The caseload as a spreadsheet (CSV): release date, readiness, each section, flag counts."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Select

from planner.export.files import ExportError, OutputExists
from planner.export.service import export_caseload
from planner.store.errors import StoreError
from planner.tui.literal import literal_text, toast
from planner.tui.screens.export_dialog import ExportDialog, cli_words_removed, start_folder
from planner.tui.session import Session
from planner.tui.widgets.evidence import ChoiceField, TextField

EVERYONE = "all"


class CaseloadCsvScreen(ExportDialog):
    """Writes one CSV file (UTF-8 with a byte-order mark, ISO dates)."""

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.written: Path | None = None

    def compose(self) -> ComposeResult:
        who = [
            ("Everyone in the database", EVERYONE),
            ("Released in the next 28 days", "28"),
            ("Released in the next 12 weeks", "84"),
        ]
        name = f"caseload-{self.session.today.isoformat()}.csv"
        with VerticalScroll(classes="dialog export") as box:
            box.border_title = "Export the caseload (CSV)"
            box.border_subtitle = "Ctrl+S exports · Esc goes back"
            yield ChoiceField("who", "Who", who, EVERYONE, allow_blank=False)
            path = TextField("path", "Save as", str(start_folder() / name), required=True)
            path.add_class("path")
            yield path
            yield from self.compose_result()

    def on_mount(self) -> None:
        self.query_one("#field-path", TextField).focus_input()

    def action_export(self, replace: bool) -> None:
        if self.running:
            return
        path = self.read_path("path")
        who = self.query_one("#field-who Select", Select).value
        if path is None or not isinstance(who, str):
            return
        if path.is_dir():
            path = path / f"caseload-{self.session.today.isoformat()}.csv"
        self.running = True
        self.say("Writing…")
        self._write(path, None if who == EVERYONE else int(who), replace)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def _write(self, path: Path, within_days: int | None, replace: bool) -> None:
        session = self.session
        try:
            written = export_caseload(
                session.store, path, today=session.today, force=replace, within_days=within_days
            )
        except OutputExists:
            message = f"{path.name} is already in {path.parent}"
            self.app.call_from_thread(self.offer_replace, message)
        except (ExportError, StoreError) as exc:
            self.app.call_from_thread(self.failed, cli_words_removed(str(exc)))
        else:
            self.app.call_from_thread(self._written, written)

    def _written(self, path: Path) -> None:
        self.written = path
        self.offer_replace(None)
        self.say(Text.assemble(("Caseload written to ", "bold green"), literal_text(path, "bold")))
        toast(self, f"Caseload written to {path}", timeout=10)
