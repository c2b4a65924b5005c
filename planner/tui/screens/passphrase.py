"""Passphrases in the UI: one changed elsewhere is asked for, and the officer goes on;
on the first run, the new database is offered encryption and its passphrase chosen."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static
from textual.worker import Worker, WorkerState

from planner.store.codec import Codec
from planner.store.errors import StoreError, WrongPassphrase
from planner.tui.session import NewDatabase, Session


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

    @work(thread=True, exclusive=True, group="unlock", description="opening the database")
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


# --- first run: a new database, encrypted unless the officer declines ----------------------

ENCRYPT = "encrypt"
PLAIN = "plain"


class EncryptOfferScreen(ModalScreen[str]):
    """Answers ENCRYPT (Enter: recommended) or PLAIN (n: leave it unencrypted)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "answer('plain')", "Not encrypted", id="encrypt_offer.plain"),
        Binding("escape", "answer('plain')", "Not encrypted", show=False, id="encrypt_offer.back"),
    ]

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog prompt confirm") as box:
            box.border_title = "A new database"
            box.border_subtitle = "Enter encrypts (recommended) · n leaves it unencrypted"
            yield Static(
                Content(
                    f"planner will create {self.path}. It will hold people's personal data: "
                    "encrypt it, so that a copy of the file (a lost laptop, a backup on a "
                    "shared drive) cannot be read without the passphrase. Recommended.\n\n"
                    "Not encrypted, anyone who can read the file can read the records; "
                    "'planner passphrase' can encrypt it later."
                ),
                id="encrypt-question",
            )
            with Horizontal(classes="buttons"):
                yield Button(
                    "Encrypt it (Enter)",
                    variant="primary",
                    action="screen.answer('encrypt')",
                    id="encrypt-yes",
                )
                yield Button("Not encrypted (n)", action="screen.answer('plain')", id="encrypt-no")

    def on_mount(self) -> None:
        self.query_one("#encrypt-yes", Button).focus()

    def action_answer(self, answer: str) -> None:
        self.dismiss(answer)


class NewPassphraseScreen(ModalScreen[Codec | None]):
    """Choose the new database's passphrase: typed twice, masked, checked off the event
    loop. One too easy to guess is refused, saying why; a fairly weak one is shown the
    warning and taken only when the officer presses Enter again. Esc goes back to the
    offer (None)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="new_passphrase.back"),
    ]

    def __init__(self, new: NewDatabase, officer: str = "") -> None:
        super().__init__()
        self.new = new
        self.words = (*new.words, *(w for w in officer.split() if len(w) > 2))
        self.accepted_weak: str | None = None  # the weak passphrase the officer was warned of

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog prompt") as box:
            box.border_title = "Choose a passphrase"
            box.border_subtitle = "Enter goes on · Esc goes back"
            yield Static(
                Content(
                    f"The passphrase opens {self.new.path.name}: without it nobody, you "
                    "included, can read the records. Three or four unrelated words are easy "
                    "to remember and hard to guess."
                )
            )
            yield Input(password=True, placeholder="Passphrase", id="new-passphrase")
            yield Input(password=True, placeholder="The same again", id="new-passphrase-again")
            yield UnlockMessage()

    def on_mount(self) -> None:
        self.query_one("#new-passphrase", Input).focus()

    @on(Input.Changed, "#new-passphrase")
    def _forget_the_warning(self) -> None:
        self.accepted_weak = None

    @on(Input.Submitted, "#new-passphrase")
    def _to_the_second(self) -> None:
        self.query_one("#new-passphrase-again", Input).focus()

    @on(Input.Submitted, "#new-passphrase-again")
    def choose(self) -> None:
        first = self.query_one("#new-passphrase", Input)
        again = self.query_one("#new-passphrase-again", Input)
        if not first.value:
            self._say("Type a passphrase, or press Esc to go back.", problem=True)
            first.focus()
            return
        if first.value != again.value:
            again.value = ""
            self._say("The two are not the same: type it again.", problem=True)
            return
        first.disabled = again.disabled = True
        self._say("Checking…")
        self._check(first.value, weak_accepted=self.accepted_weak == first.value)

    @work(thread=True, exclusive=True, group="new-passphrase", description="checking a passphrase")
    def _check(self, passphrase: str, *, weak_accepted: bool) -> None:
        """Judge the passphrase; then derive the key (a moment, and memory) off the loop."""
        # Here, not at the top: the app imports this screen before its first paint, and
        # the encryption library is only needed once a passphrase is chosen.
        from planner.store.crypto import AesGcmCodec, check_new_passphrase

        try:
            warning = check_new_passphrase(passphrase, context=self.words)
        except ValueError as exc:
            self.app.call_from_thread(self._refused, str(exc))
            return
        if warning and not weak_accepted:
            self.app.call_from_thread(self._warned, passphrase, warning)
            return
        codec = AesGcmCodec.create(passphrase, cost=self.new.cost)
        self.app.call_from_thread(self.dismiss, codec)

    def _refused(self, reason: str) -> None:
        self._again(f"Not that one: {reason}.", clear=True)

    def _warned(self, passphrase: str, warning: str) -> None:
        self.accepted_weak = passphrase
        self._again(
            f"Warning: {warning}. Press Enter to use it anyway, or type another.", clear=False
        )
        self.query_one("#new-passphrase-again", Input).focus()

    def _again(self, message: str, *, clear: bool) -> None:
        first = self.query_one("#new-passphrase", Input)
        again = self.query_one("#new-passphrase-again", Input)
        first.disabled = again.disabled = False
        if clear:
            first.value = again.value = ""
            first.focus()
        self._say(message[:1].upper() + message[1:], problem=True)

    def _say(self, message: str, *, problem: bool = False) -> None:
        self.query_one(UnlockMessage).say(message, problem=problem)

    def action_back(self) -> None:
        self.dismiss(None)
