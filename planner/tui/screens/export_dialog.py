"""What the export dialogs share: where the file goes, a result line, an offer to replace.

Each dialog writes in a thread worker (a PDF takes a moment, a batch minutes) and shows
the outcome in its result line: the full path written, the error in one line, or that the
target exists, with a Replace button (Ctrl+O). Nothing is replaced without that.

A path is read by the command line's rule (`planner.export.files.output_target`): ending
in a path separator, or naming a folder that exists, it is a folder, made if missing.
Exports start in the folder last exported to (kept in the config file), or the home
folder: never wherever planner happened to be started from. F2 opens a file picker.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static
from textual.worker import Worker, WorkerState

from planner.domain.errors import InvalidInput
from planner.export.files import OutputTarget, output_target
from planner.tui.literal import literal, literal_text
from planner.tui.session import Session
from planner.tui.widgets.evidence import TextField


class ExportDialog(ModalScreen[bool]):
    """Dismisses with True when the database changed (only the person's export can)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "export(False)", "Export", tooltip="Write the file", id="export.run"),
        Binding(
            "ctrl+o",
            "export(True)",
            "Replace",
            tooltip="Replace what is already there",
            id="export.replace",
        ),
        Binding(
            "f2",
            "choose",
            "Choose…",
            tooltip="Choose where the file goes, in a file picker",
            id="export.choose",
        ),
        Binding("escape", "back", "Back", tooltip="Close this dialog", id="export.back"),
    ]

    OTHERWISE = "or change the name"  # what else the officer can do about a file in the way

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.folder = session.start_folder("export")  # relative paths start here too
        self.running = False
        self.changed = False
        self.exists: str | None = None  # what is in the way: replacing it is offered

    def compose_result(self, run_label: str = "Export") -> ComposeResult:
        """The result line and the buttons, for the end of a dialog's compose()."""
        yield Static("", id="export-result")
        with Horizontal(classes="buttons"):
            yield Button(
                "Replace (Ctrl+O)",
                variant="warning",
                action="screen.export(True)",
                id="export-replace",
            )
            yield Button("Choose… (F2)", action="screen.choose", id="export-choose")
            yield Button(
                f"{run_label} (Ctrl+S)",
                variant="primary",
                action="screen.export(False)",
                id="export-run",
            )
            yield Button("Back (Esc)", action="screen.back", id="export-back")

    def on_mount(self) -> None:
        self.query_one("#export-replace", Button).display = False

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "export" and parameters == (True,):
            return self.exists is not None
        return True

    def action_export(self, replace: bool) -> None:
        raise NotImplementedError  # pragma: no cover

    def read_target(self, field_id: str) -> OutputTarget | None:
        """Where the typed path says to write (by the command line's rule: a path ending
        in a separator, or naming a folder, is a folder), or None after saying beside the
        field what is wrong."""
        try:
            raw = self.query_one(f"#field-{field_id}", TextField).read() or ""
        except InvalidInput:
            return None
        return output_target(raw, base=self.folder)

    def set_path(self, field_id: str, path: Path) -> None:
        """Put `path` in the field, as if typed."""
        field = self.query_one(f"#field-{field_id} Input", Input)
        field.value = str(path)
        field.focus()

    def action_choose(self) -> None:
        raise NotImplementedError  # pragma: no cover

    def typed_folder(self, field_id: str) -> Path:
        """The folder the typed path is in (or names), to open a file picker at; the
        start folder when that is not a folder that exists."""
        target = self.read_target(field_id)
        if target is not None:
            folder = target.path if target.is_folder else target.path.parent
            if folder.is_dir():
                return folder
        return self.folder

    def remember(self, folder: Path) -> None:
        """From the worker, once a file is written: start there next time."""
        self.session.remember_folder("export", folder)

    @on(Input.Changed, ".path Input")
    def _path_changed(self) -> None:
        if self.exists is not None:
            self.offer_replace(None)

    @on(Input.Submitted, ".path Input")
    def _path_submitted(self) -> None:
        self.action_export(False)

    def say(self, text: Text | str) -> None:
        """Show `text` in the result line: a plain string as it is (it may hold a path)."""
        self.query_one("#export-result", Static).update(
            literal(text) if isinstance(text, str) else text
        )

    def failed(self, message: str, *, written: bool = False) -> None:
        """Say why the export failed; `written`: the file was written, and `message` says
        what else went wrong (the audit log could not note it)."""
        self.running = False
        if written:
            self.say(literal_text(message[:1].upper() + message[1:], "bold yellow"))
        else:
            self.say(literal_text(f"Not exported: {message}", "bold red"))

    def offer_replace(self, message: str | None) -> None:
        """Say what is in the way and offer to replace it; None withdraws the offer."""
        self.running = False
        self.exists = message
        button = self.query_one("#export-replace", Button)
        button.display = message is not None
        if message is not None:
            self.say(literal_text(f"{message}. Replace (Ctrl+O), {self.OTHERWISE}.", "bold yellow"))
            button.focus()
        else:
            self.say("")
        self.refresh_bindings()

    @on(Worker.StateChanged)
    def _report_a_fault(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self.failed(f"something went wrong ({event.worker.error!r})")

    def action_back(self) -> None:
        if self.running:  # the worker reports to this dialog: it stays until the file is done
            self.say(Text("Still writing: a moment…", "bold yellow"))
            return
        self.dismiss(self.changed)
