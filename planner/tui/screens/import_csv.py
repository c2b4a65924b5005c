"""Import a releases-due list (CSV) from the UI, with the CLI's per-line report.

"Check only" lists who would be added and who updated, with each change (old -> new),
before anything is written. F2 picks the file, starting in the folder last imported from
(kept in the config file) or the home folder; a relative path is taken from there too.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Static
from textual.worker import Worker, WorkerState

from planner.domain.errors import InvalidInput
from planner.domain.releases_csv import ParsedReleases, load_releases
from planner.domain.text import visible
from planner.export.import_changes import ImportChanges, import_changes
from planner.store.errors import StoreError
from planner.store.importing import ImportReport, apply_import
from planner.tui.literal import literal_text, toast
from planner.tui.screens.file_picker import csv_picker
from planner.tui.session import Session
from planner.tui.widgets.evidence import TextField
from planner.tui.widgets.tick_box import TickBox


def report_text(
    path: Path, parsed: ParsedReleases, report: ImportReport, changes: ImportChanges | None = None
) -> Text:
    """What `planner import` prints: one line per bad row, warnings, who would be added
    and updated (with each change, old -> new) on a check, then the outcome."""
    text = Text()
    for problem in parsed.problems:
        text.append(visible(str(problem)) + "\n", "bold red")
    for warning in parsed.warnings:
        text.append(visible(f"warning: {warning}") + "\n", "yellow")
    if not report.imported:
        if parsed.whole_file_problem:
            outcome = "The file cannot be imported as it is; nothing was imported."
        else:
            bad, good = len(report.skipped), len(parsed.people)
            outcome = (
                f"{bad} of {parsed.rows} rows {'has a problem' if bad == 1 else 'have problems'}; "
                f"nothing was imported. Fix the file, or tick “Import the good rows” to import "
                f"the other {good}."
            )
        text.append(outcome, "bold red")
    else:
        for line in changes.lines(dry_run=report.dry_run) if changes else ():
            text.append(visible(line) + "\n", "bold" if not line.startswith(" ") else "")
        where = "check only, nothing written" if report.dry_run else "imported"
        text.append(visible(f"{path.name} ({where}): {report.summary()}."), "bold green")
    return text


class ImportScreen(ModalScreen[bool]):
    """Dismisses with True if anything was written."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+r",
            "run(True)",
            "Check",
            tooltip="Check the file; write nothing",
            id="import.check",
        ),
        Binding("ctrl+s", "run(False)", "Import", tooltip="Import the file", id="import.run"),
        Binding(
            "f2",
            "choose",
            "Choose…",
            tooltip="Choose the CSV file in a file picker",
            id="import.choose",
        ),
        Binding("escape", "back", "Back", tooltip="Back to the caseload", id="import.back"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.wrote = False

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog import") as box:
            box.border_title = "Import a releases-due list (CSV)"
            box.border_subtitle = "Ctrl+R checks · Ctrl+S imports · Esc goes back"
            yield TextField(
                "path",
                "CSV file",
                required=True,
                placeholder="e.g. ~/Downloads/releases.csv",
                hint="Needs columns Prison Number, Surname, Forename, Date of Birth and a "
                "release date; people already here are updated, never duplicated.",
            )
            yield TickBox("Import the good rows even if some rows are bad", id="skip-invalid")
            with Horizontal(classes="buttons"):
                yield Button("Choose… (F2)", action="screen.choose", id="import-choose")
                yield Button("Check only (Ctrl+R)", action="screen.run(True)")
                yield Button(
                    "Import (Ctrl+S)",
                    variant="primary",
                    action="screen.run(False)",
                    id="import-run",
                )
            yield Static("", id="import-report")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "run" and parameters == (False,) and self.session.read_only:
            return None  # checking a file is fine; importing it is not
        return True

    def on_mount(self) -> None:
        if self.session.read_only:
            self.query_one("#import-run", Button).disabled = True
        self.query_one("#field-path", TextField).focus_input()

    def action_run(self, dry_run: bool) -> None:
        field = self.query_one("#field-path", TextField)
        try:
            raw = field.read()
        except InvalidInput:
            return
        path = Path(raw or "").expanduser()
        if not path.is_absolute():
            path = self.session.start_folder("import") / path
        skip = self.query_one("#skip-invalid", Checkbox).value
        self.query_one("#import-report", Static).update("Reading the file…")
        self._import(path, dry_run, skip)

    @work(
        thread=True,
        exclusive=True,
        group="import",
        exit_on_error=False,
        description="importing releases",
    )
    def _import(self, path: Path, dry_run: bool, skip_invalid: bool) -> None:
        try:
            parsed = load_releases(path)
        except InvalidInput as exc:
            self.app.call_from_thread(self.query_one("#field-path", TextField).show_error, str(exc))
            self.app.call_from_thread(self.query_one("#import-report", Static).update, "")
            return
        self.session.remember_folder("import", path.parent)
        template = self.session.new_case_template()
        store = self.session.store
        changes = import_changes(store, parsed) if dry_run else None
        report = apply_import(store, parsed, template, dry_run=dry_run, skip_invalid=skip_invalid)
        self.app.call_from_thread(self._show, path, parsed, report, changes)

    def _show(
        self,
        path: Path,
        parsed: ParsedReleases,
        report: ImportReport,
        changes: ImportChanges | None,
    ) -> None:
        if report.imported and not report.dry_run and report.changed:
            self.wrote = True
            toast(self, f"Imported: {report.summary()}")
        self.query_one("#import-report", Static).update(report_text(path, parsed, report, changes))

    def action_choose(self) -> None:
        """A file picker, in the folder of the path typed, or the one last imported from
        (the home folder the first time)."""

        def chosen(path: Path | None) -> None:
            if path is not None:
                field = self.query_one("#field-path Input", Input)
                field.value = str(path)
                field.focus()

        typed = self.query_one("#field-path Input", Input).value.strip()
        folder = Path(typed).expanduser().parent if typed else None
        if folder is None or not folder.is_absolute() or not folder.is_dir():
            folder = self.session.start_folder("import")
        self.app.push_screen(csv_picker(folder), chosen)

    @on(Worker.StateChanged)
    def report_a_failure(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            error = event.worker.error
            message = str(error) if isinstance(error, StoreError) else repr(error)
            self.query_one("#import-report", Static).update(
                literal_text(f"Not imported: {message}", "bold red")
            )

    def action_back(self) -> None:
        self.dismiss(self.wrote)
