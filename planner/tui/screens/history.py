"""The audit trail of one person: who changed what, when, from what, to what."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from planner.store.audit import AuditEntry
from planner.tui.session import Session

_MAX_CELL = 60


def _value(raw: Any) -> str:
    if raw is None or raw == "":
        return "—"
    text = str(raw).replace("_", " ") if isinstance(raw, str) else str(raw)
    return text if len(text) <= _MAX_CELL else text[: _MAX_CELL - 1] + "…"


def _what(entry: AuditEntry) -> str:
    field = entry.field.removeprefix("person.").replace("_", " ")
    return f"{entry.item} · {field}" if entry.item else field


class HistoryScreen(Screen[None]):
    """Newest change first; one row per changed field."""

    TITLE = "History"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Back to the person", id="history.back"),
    ]

    def __init__(self, session: Session, number: str) -> None:
        super().__init__()
        self.session = session
        self.number = number

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="history-summary")
        yield DataTable(id="history", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.number
        entries = self.session.store.history(self.number)
        table = self.query_one(DataTable)
        table.add_columns("When", "Who", "What", "From", "To")
        for entry in reversed(entries):
            table.add_row(
                entry.at.astimezone().strftime("%a %d %b %Y %H:%M"),
                entry.by or "—",
                _what(entry),
                _value(entry.old),
                _value(entry.new),
            )
        changes = len({e.seq for e in entries})
        self.query_one("#history-summary", Static).update(
            f"{len(entries)} recorded field changes in {changes} saves, newest first."
        )
        table.focus()

    def action_back(self) -> None:
        self.dismiss(None)
