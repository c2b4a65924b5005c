"""The caseload as a spreadsheet (CSV): release date, readiness, each section, flag counts."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Select

from planner.export.files import ExportError, OutputExists, OutputTarget
from planner.export.service import export_caseload
from planner.store.errors import StoreError
from planner.tui.literal import literal_text, toast
from planner.tui.screens.export_dialog import ExportDialog, cli_words_removed
from planner.tui.screens.file_picker import save_picker
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
            ("Due for release in the next 28 days", "28"),
            ("Due for release in the next 12 weeks", "84"),
        ]
        name = self.file_name
        with VerticalScroll(classes="dialog export") as box:
            box.border_title = "Export the caseload (CSV)"
            box.border_subtitle = "Ctrl+S exports · Esc goes back"
            yield ChoiceField("who", "Who", who, EVERYONE, allow_blank=False)
            path = TextField("path", "Save as", str(self.folder / name), required=True)
            path.add_class("path")
            yield path
            yield from self.compose_result()

    def on_mount(self) -> None:
        self.query_one("#field-path", TextField).focus_input()

    def action_export(self, replace: bool) -> None:
        if self.running:
            return
        target = self.read_target("path")
        who = self.query_one("#field-who Select", Select).value
        if target is None or not isinstance(who, str):
            return
        self.running = True
        self.say("Writing…")
        self._write(target, None if who == EVERYONE else int(who), replace)

    @property
    def file_name(self) -> str:
        return f"caseload-{self.session.today.isoformat()}.csv"

    def action_choose(self) -> None:
        def chosen(path: Path | None) -> None:
            if path is not None:
                self.set_path("path", path)

        self.app.push_screen(save_picker(self.typed_folder("path"), self.file_name), chosen)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def _write(self, target: OutputTarget, within_days: int | None, replace: bool) -> None:
        session = self.session
        path = target.file(self.file_name)
        try:
            target.make_folder()
            written = export_caseload(
                session.store, path, today=session.today, force=replace, within_days=within_days
            )
        except OutputExists:
            message = f"{path.name} is already in {path.parent}"
            self.app.call_from_thread(self.offer_replace, message)
        except (ExportError, StoreError) as exc:
            self.app.call_from_thread(self.failed, cli_words_removed(str(exc)))
        else:
            self.remember(written.parent)
            self.app.call_from_thread(self._written, written)

    def _written(self, path: Path) -> None:
        self.written = path
        self.offer_replace(None)
        self.say(Text.assemble(("Caseload written to ", "bold green"), literal_text(path, "bold")))
        toast(self, f"Caseload written to {path}", timeout=10)
