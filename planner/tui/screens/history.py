"""The audit trail of one person: who changed what, when, from what, to what."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Header, Static

from planner.store.audit import AuditEntry
from planner.tui.literal import literal_text
from planner.tui.screens.base import DataScreen
from planner.tui.session import Session
from planner.tui.widgets.banner import StoreBanner
from planner.tui.widgets.footer import PlannerFooter

_MAX_CELL = 60


def _value(field: str, raw: Any) -> str:
    """A value as it was recorded; only an item status reads as words ('not started')."""
    if raw is None or raw == "":
        return "—"
    text = str(raw).replace("_", " ") if field == "status" else str(raw)
    return text if len(text) <= _MAX_CELL else text[: _MAX_CELL - 1] + "…"


def _what(entry: AuditEntry) -> str:
    field = entry.field.removeprefix("person.").replace("_", " ")
    return f"{entry.item} · {field}" if entry.item else field


class HistoryScreen(DataScreen):
    """Newest change first; one row per changed field. Follows changes made elsewhere."""

    TITLE = "History"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Back to the person", id="history.back"),
    ]

    def __init__(self, session: Session, number: str) -> None:
        super().__init__(session)
        self.number = number

    def compose(self) -> ComposeResult:
        yield Header()
        yield StoreBanner()
        yield Static("", id="history-summary")
        yield DataTable(id="history", cursor_type="row", zebra_stripes=True)
        yield PlannerFooter()

    def on_mount(self) -> None:
        self.sub_title = self.number
        table = self.query_one(DataTable)
        table.add_columns("When", "Who", "What", "From", "To")
        self.reload()
        table.focus()

    def data_changed(self, change: int) -> None:
        self.reload()

    def reload(self) -> None:
        """Read the trail again; the newest change is the top row, the cursor stays on its
        row when changes arrive."""
        store = self.session.store
        self.seen_change = store.change_number
        entries = store.history(self.number)
        table = self.query_one(DataTable)
        added = len(entries) - table.row_count
        cursor = table.cursor_row
        table.clear()
        for entry in reversed(entries):
            table.add_row(
                entry.at.astimezone().strftime("%a %d %b %Y %H:%M"),
                literal_text(entry.by or "—"),
                literal_text(_what(entry)),
                literal_text(_value(entry.field, entry.old)),
                literal_text(_value(entry.field, entry.new)),
            )
        if cursor > 0 and added > 0:
            table.move_cursor(row=cursor + added, animate=False)
        changes = len({e.seq for e in entries})
        self.query_one("#history-summary", Static).update(
            f"{len(entries)} recorded field changes in {changes} saves, newest first."
        )

    def action_back(self) -> None:
        self.dismiss(None)
