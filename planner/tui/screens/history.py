"""The audit trail of one person: who changed what, when, from what, to what."""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Header, Static

from planner.domain.history import HistoryLine, history_lines
from planner.store.audit import AuditEntry
from planner.store.transfers import history_elsewhere, section_entries
from planner.tui.literal import literal_text
from planner.tui.screens.base import DataScreen
from planner.tui.session import Session
from planner.tui.widgets.banner import StoreBanner
from planner.tui.widgets.footer import PlannerFooter

_MAX_CELL = 60


def _cut(text: str) -> str:
    """A value as a cell shows it (the whole value is in `planner history`)."""
    return text if len(text) <= _MAX_CELL else text[: _MAX_CELL - 1] + "…"


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

    def read_data(self) -> tuple[list[AuditEntry], list[HistoryLine]]:
        """This database's trail, then the history kept at each earlier prison (from a
        transfer), its officers marked with the prison."""
        store = self.session.store
        entries = store.history(self.number)
        case = store.find(self.number)
        if case is None:
            return entries, history_lines(entries)
        template, measures = store.template_for(case), store.outcome_template(case)
        lines = history_lines(entries, template, measures)
        for section in reversed(history_elsewhere(store, self.number)):
            prison = str(section.get("prison") or "another prison")
            there = history_lines(section_entries(self.number, section), template, measures)
            lines.extend(replace(line, by=f"{line.by or '—'} ({prison})") for line in there)
        return entries, lines

    def show_data(self, data: tuple[list[AuditEntry], list[HistoryLine]]) -> None:
        """The trail as read; the newest change is the top row, the cursor stays on its
        row when changes arrive."""
        entries, lines = data
        table = self.query_one(DataTable)
        added = len(lines) - table.row_count
        cursor = table.cursor_row
        table.clear()
        for line in lines:  # newest first, labelled as `planner history` lists them
            table.add_row(
                line.when,
                literal_text(line.by or "—"),
                literal_text(line.what),
                literal_text(_cut(line.old)),
                literal_text(_cut(line.new)),
            )
        if cursor > 0 and added > 0:
            table.move_cursor(row=cursor + added, animate=False)
        changes = len({e.save for e in entries})
        self.query_one("#history-summary", Static).update(
            f"{len(entries)} recorded field changes in {changes} saves, newest first."
        )

    def action_back(self) -> None:
        self.dismiss(None)
