"""The database's passphrase was changed elsewhere: ask for the new one and go on."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Static
from textual.worker import Worker, WorkerState

from planner.store.errors import StoreError, WrongPassphrase
from planner.tui.session import Session


class PassphraseChanged(Message):
    """A store call failed with WrongPassphrase; posted to the app, which asks for the
    new passphrase and then calls `then` (to save again what could not be saved)."""

    def __init__(self, then: Callable[[], None] | None = None) -> None:
        super().__init__()
        self.then = then


class UnlockMessage(Static):
    """One line under the field: 'Checking…', or what went wrong (shown literally)."""

    DEFAULT_CSS = """
    UnlockMessage { height: auto; color: $text-muted; }
    UnlockMessage.-problem { color: $text-error; text-style: bold; }
    """

    def __init__(self) -> None:
        super().__init__("", id="passphrase-message", markup=False)

    def say(self, message: str, *, problem: bool = False) -> None:
        self.update(message)
        self.set_class(problem, "-problem")


class PassphraseScreen(ModalScreen[bool]):
    """Dismisses with True once the database is open again, False to leave planner.

    The passphrase is typed masked, checked off the event loop (the key derivation takes
    a moment), and never kept: a wrong one says so and the field is emptied for another go.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "Quit planner", id="passphrase.quit"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.database = session.store.path.name

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog prompt") as box:
            box.border_title = "The passphrase was changed"
            box.border_subtitle = "Enter unlocks · Esc quits planner"
            yield Static(
                f"{self.database} was sealed with a new passphrase while planner was open. "
                "Type the new passphrase to go on where you were: nothing on screen is lost.",
                markup=False,
            )
            yield Input(password=True, placeholder="New passphrase", id="passphrase-input")
            yield UnlockMessage()

    def on_mount(self) -> None:
        self.query_one("#passphrase-input", Input).focus()

    @on(Input.Submitted, "#passphrase-input")
    def unlock(self, event: Input.Submitted) -> None:
        field = event.input
        passphrase = field.value
        field.value = ""
        if not passphrase:
            self._say("Type the new passphrase, or press Esc to quit planner.", problem=True)
            return
        field.disabled = True
        self._say("Checking…")
        self._reopen(passphrase)

    @work(thread=True, exclusive=True, group="unlock")
    def _reopen(self, passphrase: str) -> StoreError | None:
        """None once open; what went wrong otherwise (anything unexpected stops planner)."""
        try:
            self.session.reopen(passphrase)
        except StoreError as error:
            return error
        return None

    @on(Worker.StateChanged)
    def reopened(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "unlock" or event.state is not WorkerState.SUCCESS:
            return
        error = event.worker.result
        if error is None:
            self.dismiss(True)
            return
        if isinstance(error, WrongPassphrase):
            message = f"That is not the passphrase of {self.database} now. Try again."
        else:
            message = f"Could not open {self.database}: {error}. Try again."
        self._say(message, problem=True)
        field = self.query_one("#passphrase-input", Input)
        field.disabled = False
        field.focus()

    def _say(self, message: str, *, problem: bool = False) -> None:
        self.query_one(UnlockMessage).say(message, problem=problem)

    def action_leave(self) -> None:
        self.dismiss(False)
