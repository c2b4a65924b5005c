"""The keys of the screen underneath: `?` or F1 from anywhere."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from planner.tui.commands import screen_bindings


def keys_table(screen: Screen[object]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column("key", style="bold", no_wrap=True)
    table.add_column("what")
    app = screen.app
    for active in screen_bindings(screen):
        binding = active.binding
        what = Text(binding.description, style="" if active.enabled else "dim")
        if binding.tooltip:
            what.append(f"  {binding.tooltip}", style="dim")
        table.add_row(app.get_key_display(binding), what)
    return table


class HelpScreen(ModalScreen[None]):
    """A list of keys: what each does on the screen the officer came from."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "close", "Close", id="help.close"),
    ]

    def __init__(self, title: str, table: Table) -> None:
        super().__init__()
        self._title = title
        self._table = table

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body", classes="dialog") as body:
            body.border_title = f"Keys: {self._title}"
            body.border_subtitle = "Esc closes · Ctrl+P finds any action by name"
            yield Static(self._table)

    def action_close(self) -> None:
        self.dismiss(None)
