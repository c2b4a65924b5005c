"""Transfer in: receive a person's record from another prison.

The officer chooses the file (F2 a file picker) and types its transfer passphrase; Ctrl+R
reads and checks it in a worker and shows what receiving it would do: for a person new
here, what will be added; for one already here, each item that differs side by side
(here, from the other prison, the result). Ctrl+S receives it: each conflict (an item
changed on both sides) is shown in the conflict screen to choose from, one at a time
(Esc there stops, with nothing received), then the record is written in a worker:
"Saving…", then "Saved", or why not. A changed file, a wrong passphrase, or a template
this planner cannot read is one line, and nothing is written.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static
from textual.worker import Worker, WorkerState
from textual_fspicker import FileOpen, Filters

from planner.domain.errors import InvalidInput
from planner.domain.merge import Decision, Side, unit_item
from planner.store.errors import StoreError
from planner.transfer.container import TransferRefused
from planner.transfer.service import Preview, Row, TransferProblem, preview, read_transfer, receive
from planner.tui.literal import literal, literal_text, toast
from planner.tui.screens.conflict import TRANSFER_CONFLICT, ConflictScreen, item_differences
from planner.tui.session import Session
from planner.tui.widgets.evidence import TextField

RESULT = {
    Decision.SAME: "same",
    Decision.OURS: "keep ours",
    Decision.THEIRS: "take theirs",
    Decision.CONFLICT: "choose",
}


def _is_transfer(path: Path) -> bool:
    return path.suffix.lower() == ".transfer"


def _anything(_path: Path) -> bool:
    return True


def preview_table(seen: Preview, choices: dict[str, Side]) -> Table:
    """The preview: what will be added, or each unit that differs, side by side."""
    table = Table(expand=True)
    table.add_column("")
    if seen.is_new:
        table.add_column("As recorded there")
        for row in seen.rows:
            table.add_row(literal_text(row.label), literal_text(row.theirs, multiline=True))
        return table
    table.add_column("Here")
    table.add_column("From the other prison")
    table.add_column("Result")
    for row in seen.rows:
        if row.decision is Decision.SAME:
            continue
        chosen = choices.get(row.unit)
        result = RESULT[row.decision] if chosen is None else f"chosen: {chosen.value}"
        table.add_row(
            literal_text(row.label),
            literal_text(row.ours or "—", multiline=True),
            literal_text(row.theirs or "—", multiline=True),
            Text(result, "bold yellow" if row.decision is Decision.CONFLICT else ""),
        )
    return table


class TransferInScreen(ModalScreen[bool]):
    """Dismisses with True when a record was received (the caseload reads it again)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "read", "Read", tooltip="Open and check the file", id="transfer_in.read"),
        Binding(
            "ctrl+s",
            "receive",
            "Receive",
            tooltip="Receive the record as shown (conflicts are asked about first)",
            id="transfer_in.receive",
        ),
        Binding("f2", "choose", "Choose…", tooltip="Choose the file", id="transfer_in.choose"),
        Binding("escape", "back", "Back", tooltip="Close this dialog", id="transfer_in.back"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.folder = session.start_folder("import")
        self.seen: Preview | None = None
        self.choices: dict[str, Side] = {}
        self.running = False
        self.changed = False

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog export transfer") as box:
            box.border_title = "Transfer in"
            box.border_subtitle = "Ctrl+R reads · Ctrl+S receives · Esc goes back"
            path = TextField("path", "Transfer file", str(self.folder) + "/", required=True)
            path.add_class("path")
            yield path
            yield Input(password=True, placeholder="Transfer passphrase", id="transfer-passphrase")
            yield Static("", id="transfer-result")
            yield Static("", id="transfer-preview")
            with Horizontal(classes="buttons"):
                yield Button("Choose… (F2)", action="screen.choose")
                yield Button("Read (Ctrl+R)", action="screen.read")
                yield Button("Receive (Ctrl+S)", variant="primary", action="screen.receive")
                yield Button("Back (Esc)", action="screen.back")

    def on_mount(self) -> None:
        self.query_one("#field-path Input", Input).focus()

    def say(self, text: Text | str) -> None:
        self.query_one("#transfer-result", Static).update(
            literal(text) if isinstance(text, str) else text
        )

    def failed(self, message: str) -> None:
        self.running = False
        self.say(literal_text(f"Not received: {message}", "bold red"))

    # --- reading --------------------------------------------------------------------------

    def action_choose(self) -> None:
        def chosen(path: Path | None) -> None:
            if path is not None:
                field = self.query_one("#field-path Input", Input)
                field.value = str(path)
                self.query_one("#transfer-passphrase", Input).focus()

        picker = FileOpen(
            self.folder,
            "Choose the transfer file",
            open_button="Choose",
            filters=Filters(("Transfer files", _is_transfer), ("Any file", _anything)),
        )
        self.app.push_screen(picker, chosen)

    def _path(self) -> Path | None:
        try:
            raw = self.query_one("#field-path", TextField).read() or ""
        except InvalidInput:
            return None
        path = Path(raw).expanduser()
        return path if path.is_absolute() else self.folder / path

    def action_read(self) -> None:
        if self.running:
            return
        path = self._path()
        if path is None:
            return
        passphrase = self.query_one("#transfer-passphrase", Input).value
        self.running = True
        self.seen = None
        self.choices = {}
        self.query_one("#transfer-preview", Static).update("")
        self.say("Reading…")
        self._read(path, passphrase)

    @work(
        thread=True,
        exclusive=True,
        group="transfer",
        exit_on_error=False,
        description="reading a transfer file",  # not its arguments: a passphrase
    )
    def _read(self, path: Path, passphrase: str) -> None:
        try:
            seen = preview(self.session.store, read_transfer(path, passphrase))
        except (TransferRefused, TransferProblem, StoreError) as exc:
            self.app.call_from_thread(self.failed, str(exc))
        else:
            self.session.remember_folder("import", path.parent)
            self.app.call_from_thread(self._show, seen)

    def _show(self, seen: Preview) -> None:
        self.running = False
        self.seen = seen
        incoming = seen.incoming
        who = f"{incoming.case.person.display_name} ({incoming.number})"
        if seen.is_new:
            heading = f"{who} from {incoming.from_prison}: new here, to be added."
        else:
            differ = sum(1 for r in seen.rows if r.decision is not Decision.SAME)
            heading = (
                f"{who} from {incoming.from_prison}: already here; {differ} differ, "
                f"{len(seen.conflicts)} to choose. Ctrl+S receives."
            )
        self.say(literal_text(heading, "bold"))
        self.query_one("#transfer-preview", Static).update(preview_table(seen, self.choices))

    # --- receiving ------------------------------------------------------------------------

    def action_receive(self) -> None:
        if self.running:
            return
        seen = self.seen
        if seen is None:
            toast(self, "Read the file first (Ctrl+R).", severity="warning")
            return
        if self.session.read_only:
            self.failed("this database is read-only here")
            return
        unresolved = [row for row in seen.conflicts if row.unit not in self.choices]
        if unresolved:
            self._ask(seen, unresolved[0])
            return
        self.running = True
        self.say("Saving…")
        self._receive(seen, dict(self.choices))

    def _ask(self, seen: Preview, row: Row) -> None:
        item_id = unit_item(row.unit)
        if item_id is not None and seen.ours is not None and seen.template.has_item(item_id):
            differences = item_differences(
                seen.template.item(item_id),
                seen.ours.checklist.item(item_id),
                seen.incoming.case.checklist.item(item_id),
            )
        else:
            differences = [(row.label, row.ours or "—", row.theirs or "—")]

        def chosen(choice: str | None) -> None:
            if choice is None:
                self.say("Nothing received: a conflict was left to choose.")
                return
            self.choices[row.unit] = Side.THEIRS if choice == "theirs" else Side.OURS
            self.query_one("#transfer-preview", Static).update(preview_table(seen, self.choices))
            self.action_receive()

        self.app.push_screen(
            ConflictScreen(row.label, differences, words=TRANSFER_CONFLICT), chosen
        )

    @work(
        thread=True,
        exclusive=True,
        group="transfer",
        exit_on_error=False,
        description="receiving a transfer",
    )
    def _receive(self, seen: Preview, choices: dict[str, Side]) -> None:
        try:
            receive(self.session.store, seen, at=datetime.now(UTC), choices=choices)
        except (TransferProblem, StoreError) as exc:
            self.app.call_from_thread(self.failed, str(exc))
        else:
            self.app.call_from_thread(self._received, seen)

    def _received(self, seen: Preview) -> None:
        self.running = False
        self.changed = True
        incoming = seen.incoming
        action = "Added" if seen.is_new else "Merged"
        self.say(
            literal_text(
                f"Saved. {action} {incoming.number} from {incoming.from_prison}, with their "
                f"history there ({incoming.entry_count} entries).",
                "bold green",
            )
        )
        self.seen = None
        toast(self, f"{action} {incoming.number} from {incoming.from_prison}")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self.failed(f"something went wrong ({event.worker.error!r})")

    def action_back(self) -> None:
        if self.running:
            self.say(Text("Still working: a moment…", "bold yellow"))
            return
        self.dismiss(self.changed)
