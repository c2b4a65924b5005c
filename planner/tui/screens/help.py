"""The keys of the screen underneath: `?` or F1 from anywhere."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from planner.tui.commands import screen_bindings


@dataclass(frozen=True, slots=True)
class KeyHelp:
    key: str
    description: str
    tooltip: str
    enabled: bool
    binding_id: str | None = None


def screen_keys(screen: Screen[object]) -> list[KeyHelp]:
    """What each key does on `screen` now: planner's own keys (they all have ids) first,
    then Textual's for moving around."""
    app = screen.app
    bindings = screen_bindings(screen)
    bindings.sort(key=lambda active: active.binding.id is None)
    return [
        KeyHelp(
            app.get_key_display(active.binding),
            active.binding.description,
            active.binding.tooltip,
            active.enabled,
            active.binding.id,
        )
        for active in bindings
    ]


class HelpScreen(ModalScreen[None]):
    """A list of keys: what each does on the screen the officer came from."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "close", "Close", id="help.close"),
    ]

    def __init__(self, title: str, keys: list[KeyHelp]) -> None:
        super().__init__()
        self._title = title
        self.keys = keys

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column("key", style="bold", no_wrap=True)
        table.add_column("what", no_wrap=True)
        table.add_column("more", style="dim")
        for key in self.keys:
            more = Text(key.tooltip)
            if key.binding_id:
                # On a line of its own: wrapped, "  [id]" would run into the last word.
                if key.tooltip:
                    more.append("\n")
                more.append(f"[{key.binding_id}]", style="italic")
            # Keys come from the config file: Text, so a key such as "[" is shown, not parsed.
            description = Text(key.description, style="" if key.enabled else "dim")
            table.add_row(Text(key.key), description, more)
        with VerticalScroll(id="help-body", classes="dialog") as body:
            body.border_title = f"Keys: {self._title}"
            body.border_subtitle = "Esc closes · Ctrl+P finds any action · ids: to remap keys"
            yield Static(table)

    def action_close(self) -> None:
        self.dismiss(None)
