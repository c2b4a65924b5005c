"""Transfer out: write a person's record to an encrypted file for another prison.

The officer names the receiving prison, where the file goes (the export folder and a
predictable name to start with; F2 picks) and a transfer passphrase, typed twice, to give
the receiving prison by another channel. The file is written and the person marked
transferred in a worker (:func:`planner.transfer.service.transfer_out`); the result line
says "Writing…", then where it went, or why not.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Container, VerticalScroll
from textual.widgets import Input, Static

from planner.domain.errors import InvalidInput
from planner.domain.person import Person
from planner.export.files import OutputTarget
from planner.store.errors import StoreError
from planner.transfer.container import TransferRefused
from planner.transfer.service import TransferProblem, check_transfer_passphrase, transfer_out
from planner.tui.literal import literal, literal_text, toast
from planner.tui.screens.export_dialog import ExportDialog
from planner.tui.screens.file_picker import save_picker
from planner.tui.session import Session
from planner.tui.widgets.evidence import TextField


def transfer_file_name(person: Person) -> str:
    """The prison number alone: the file is sealed, but its name is read by anyone who
    handles the removable drive it travels on."""
    return f"{person.number}.transfer"


class TransferOutScreen(ExportDialog):
    """Dismisses with True once the file is written and the person marked transferred."""

    OTHERWISE = "or change the name"

    def __init__(self, session: Session, person: Person) -> None:
        super().__init__(session)
        self.person = person
        self._file_name = transfer_file_name(person)
        self.written: Path | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog export transfer") as box:
            box.border_title = literal(
                f"Transfer out · {self.person.display_name} · {self.person.number}"
            )
            box.border_subtitle = "Ctrl+S writes the file · Esc goes back"
            yield Static(
                "The file holds the record, the checklist and its history, sealed with the "
                "passphrase below. Give the passphrase to the receiving prison by another "
                "channel (a phone call), never with the file. This person is then marked "
                "transferred here; the record stays until it is purged."
            )
            with Container(classes="form-grid"):
                yield TextField("to", "Receiving prison", required=True)
            path = TextField(
                "path",
                "Save as",
                str(self.folder / self._file_name),
                required=True,
                hint="A file name, or a folder to put the file in.",
            )
            path.add_class("path")
            yield path
            yield Input(password=True, placeholder="Transfer passphrase", id="transfer-passphrase")
            yield Input(password=True, placeholder="The same again", id="transfer-passphrase-again")
            yield from self.compose_result("Transfer out")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#field-to Input", Input).focus()

    def action_choose(self) -> None:
        def chosen(path: Path | None) -> None:
            if path is not None:
                self.set_path("path", path)

        self.app.push_screen(save_picker(self.typed_folder("path"), self._file_name), chosen)

    def action_export(self, replace: bool) -> None:
        if self.running:
            return
        try:
            to_prison = self.query_one("#field-to", TextField).read() or ""
        except InvalidInput:
            return
        target = self.read_target("path")
        if target is None:
            return
        passphrase = self.query_one("#transfer-passphrase", Input).value
        again = self.query_one("#transfer-passphrase-again", Input).value
        if passphrase != again:
            self.failed("the two passphrases are not the same")
            return
        try:
            warning = check_transfer_passphrase(passphrase)
        except ValueError as exc:
            self.failed(str(exc))
            return
        if warning:
            toast(self, warning, severity="warning")
        self.running = True
        self.say("Writing…")
        self._write(target, to_prison, passphrase, replace)

    @work(
        thread=True,
        exclusive=True,
        group="transfer",
        exit_on_error=False,
        description="writing a transfer file",  # not its arguments: a passphrase
    )
    def _write(self, target: OutputTarget, to_prison: str, passphrase: str, replace: bool) -> None:
        path = target.file(self._file_name)
        try:
            target.make_folder()
            transfer_out(
                self.session.store,
                self.person.number,
                path,
                passphrase,
                to_prison=to_prison,
                at=datetime.now(UTC),
                force=replace,
            )
        except TransferProblem as exc:
            if path.exists() and not replace and "already there" in str(exc):
                self.app.call_from_thread(
                    self.offer_replace, f"{path.name} is already in {path.parent}"
                )
            else:
                self.app.call_from_thread(self.failed, str(exc))
        except (TransferRefused, StoreError, OSError) as exc:
            self.app.call_from_thread(self.failed, str(exc))
        else:
            self.remember(path.parent)
            self.app.call_from_thread(self._written, path)

    def _written(self, path: Path) -> None:
        self.written = path
        self.changed = True
        self.offer_replace(None)
        self.say(
            Text.assemble(
                ("Transfer file written to ", "bold green"),
                literal_text(path, "bold"),
                f"; {self.person.number} is marked transferred here.",
            )
        )
        toast(self, f"Transfer file written to {path}", timeout=10)

    def failed(self, message: str, *, written: bool = False) -> None:
        self.running = False
        self.say(literal_text(f"Not transferred: {message}", "bold red"))
