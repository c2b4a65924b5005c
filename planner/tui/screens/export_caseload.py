"""The caseload as a spreadsheet (CSV): the view on screen, or the whole caseload.

"This view" writes the rows the caseload shows (its window, filter, search, and the
group needing action) in the columns it shows, with the same writer as `planner list
--csv` (planner.export.caseload_csv.view_csv); the others write the caseload spreadsheet
of `planner export --caseload` (every item's status and worst flag, the key evidence).
Written in a worker; the path is read by the export folder rule (export_dialog).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Input, Select

from planner.domain.columns import Column, ColumnReader
from planner.domain.filtering import CaseloadRow
from planner.export.audit import VIEW_CSV, ExportNotNoted, note_rows_export
from planner.export.caseload_csv import caseload_file_name, view_csv, view_file_name
from planner.export.files import ExportError, OutputExists, OutputTarget, write_file
from planner.export.service import export_caseload
from planner.store.errors import StoreError
from planner.tui.literal import literal_text, toast
from planner.tui.screens.export_dialog import ExportDialog
from planner.tui.screens.file_picker import save_picker
from planner.tui.session import Session
from planner.tui.widgets.evidence import ChoiceField, TextField

EVERYONE = "all"
VIEW = "view"


@dataclass(frozen=True, slots=True)
class ViewExport:
    """The caseload view on screen: its rows in order, its columns, and in words what it
    shows; `reader` reads the columns' values as `planner list` does."""

    rows: Sequence[CaseloadRow]
    columns: Sequence[Column]
    described: str
    reader: ColumnReader


class CaseloadCsvScreen(ExportDialog):
    """Writes one CSV file (UTF-8 with a byte-order mark, ISO dates)."""

    def __init__(self, session: Session, view: ViewExport | None = None) -> None:
        super().__init__(session)
        self.view = view
        self.written: Path | None = None

    def compose(self) -> ComposeResult:
        who = [
            ("Everyone in the database (every item)", EVERYONE),
            ("Due for release in the next 28 days (every item)", "28"),
            ("Due for release in the next 12 weeks (every item)", "84"),
        ]
        if self.view is not None:
            people = len(self.view.rows)
            label = (
                f"This view: {people:,} {'person' if people == 1 else 'people'}, "
                f"its {len(self.view.columns)} columns"
            )
            who.insert(0, (label, VIEW))
        name = self.file_name
        with VerticalScroll(classes="dialog export") as box:
            box.border_title = "Export the caseload (CSV)"
            box.border_subtitle = "Ctrl+S exports · Esc goes back"
            yield ChoiceField("who", "Who", who, who[0][1], allow_blank=False)
            path = TextField("path", "Save as", str(self.folder / name), required=True)
            path.add_class("path")
            yield path
            yield from self.compose_result()

    def on_mount(self) -> None:
        self.query_one("#field-path", TextField).focus_input()

    @on(Select.Changed, "#field-who Select")
    def name_the_file_for_the_choice(self, event: Select.Changed) -> None:
        """The file named after what is exported, while the officer has not renamed it."""
        today = self.session.today
        names = (view_file_name(today), caseload_file_name(today))
        field = self.query_one("#field-path Input", Input)
        path = Path(field.value)
        if path.name in names:
            wanted = names[0] if event.value == VIEW else names[1]
            field.value = str(path.with_name(wanted))

    def action_export(self, replace: bool) -> None:
        if self.running:
            return
        target = self.read_target("path")
        who = self.query_one("#field-who Select", Select).value
        if target is None or not isinstance(who, str):
            return
        self.running = True
        self.say("Writing…")
        if who == VIEW and self.view is not None:
            self._write_view(target, self.view, replace)
        else:
            self._write(target, None if who == EVERYONE else int(who), replace)

    @property
    def file_name(self) -> str:
        """The file's name when the path typed is a folder (the first choice's)."""
        today = self.session.today
        return view_file_name(today) if self.view is not None else caseload_file_name(today)

    def action_choose(self) -> None:
        def chosen(path: Path | None) -> None:
            if path is not None:
                self.set_path("path", path)

        self.app.push_screen(save_picker(self.typed_folder("path"), self.file_name), chosen)

    @work(
        thread=True,
        exclusive=True,
        group="export",
        exit_on_error=False,
        description="writing the view",  # not the repr of every row
    )
    def _write_view(self, target: OutputTarget, view: ViewExport, replace: bool) -> None:
        """The rows and columns on screen, with the CLI's CSV writer."""
        path = target.file(view_file_name(self.session.today))
        try:
            target.make_folder()
            values = view.reader.table(view.columns, view.rows)
            written = write_file(path, view_csv(view.columns, values), force=replace)
            note_rows_export(self.session.store, VIEW_CSV, len(view.rows), written.absolute())
        except OutputExists:
            message = f"{path.name} is already in {path.parent}"
            self.app.call_from_thread(self.offer_replace, message)
        except (ExportError, StoreError) as exc:  # written, not noted: ExportNotNoted
            only_the_note = isinstance(exc, ExportNotNoted)
            self.app.call_from_thread(self.failed, str(exc), written=only_the_note)
        else:
            self.remember(written.parent)
            self.app.call_from_thread(self._written, written)

    @work(
        thread=True,
        exclusive=True,
        group="export",
        exit_on_error=False,
        description="writing the caseload",
    )
    def _write(self, target: OutputTarget, within_days: int | None, replace: bool) -> None:
        session = self.session
        path = target.file(caseload_file_name(session.today))
        try:
            target.make_folder()
            written = export_caseload(
                session.store, path, today=session.today, force=replace, within_days=within_days
            )
        except OutputExists:
            message = f"{path.name} is already in {path.parent}"
            self.app.call_from_thread(self.offer_replace, message)
        except (ExportError, StoreError) as exc:  # written, not noted: ExportNotNoted
            only_the_note = isinstance(exc, ExportNotNoted)
            self.app.call_from_thread(self.failed, str(exc), written=only_the_note)
        else:
            self.remember(written.parent)
            self.app.call_from_thread(self._written, written)

    def _written(self, path: Path) -> None:
        self.written = path
        self.offer_replace(None)
        self.say(Text.assemble(("Caseload written to ", "bold green"), literal_text(path, "bold")))
        toast(self, f"Caseload written to {path}", timeout=10)
