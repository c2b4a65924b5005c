"""What the export dialogs share: where the file goes, a result line, an offer to replace.

Each dialog writes in a thread worker (a PDF takes a moment, a batch minutes) and shows
the outcome in its result line: the full path written, the error in one line, or that the
target exists, with a Replace button (Ctrl+O). Nothing is replaced without that.
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
from planner.tui.literal import literal, literal_text
from planner.tui.session import Session
from planner.tui.widgets.evidence import TextField


def start_folder() -> Path:
    """Where exports go unless the officer says otherwise: the folder planner was started
    in (the home folder if that has gone)."""
    try:
        return Path.cwd()
    except OSError:
        return Path.home()


def cli_words_removed(message: str) -> str:
    """The export service's messages end with the command line's advice; the dialog offers
    its own Replace button instead."""
    for advice in ("; use --force to replace them", "; use --force to replace it"):
        message = message.replace(advice, "")
    return message


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
        Binding("escape", "back", "Back", tooltip="Close this dialog", id="export.back"),
    ]

    OTHERWISE = "or change the name"  # what else the officer can do about a file in the way

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
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

    def read_path(self, field_id: str) -> Path | None:
        """The typed path, absolute, or None after saying beside the field what is wrong."""
        try:
            raw = self.query_one(f"#field-{field_id}", TextField).read() or ""
        except InvalidInput:
            return None
        path = Path(raw).expanduser()
        return path if path.is_absolute() else start_folder() / path

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

    def failed(self, message: str) -> None:
        self.running = False
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
