"""Someone else saved first: show both versions side by side and let the officer choose."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from planner.domain.checklist import ItemRecord
from planner.domain.template import ItemTemplate
from planner.tui.formatting import status_text
from planner.tui.literal import literal, literal_text
from planner.tui.widgets.evidence import evidence_text

Difference = tuple[str, str, str]  # what, mine, theirs


def item_differences(item: ItemTemplate, mine: ItemRecord, theirs: ItemRecord) -> list[Difference]:
    """Every field of the item, as the officer typed it and as it now stands."""
    rows: list[Difference] = [("Status", status_text(mine.status), status_text(theirs.status))]
    for field in item.evidence:
        rows.append(
            (
                field.label,
                evidence_text(field, mine.evidence.get(field.name)),
                evidence_text(field, theirs.evidence.get(field.name)),
            )
        )
    rows.append(("Reason", mine.reason or "—", theirs.reason or "—"))
    rows.append(("Notes", mine.notes or "—", theirs.notes or "—"))
    return rows


class ConflictScreen(ModalScreen[str | None]):
    """Dismisses with "theirs", "mine", or None to go back to editing."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "t",
            "choose('theirs')",
            "Keep theirs",
            tooltip="Discard your changes",
            id="conflict.theirs",
        ),
        Binding(
            "m",
            "choose('mine')",
            "Overwrite with mine",
            tooltip="Save your version over theirs",
            id="conflict.mine",
        ),
        Binding(
            "escape",
            "back",
            "Back",
            tooltip="Back to your edit, nothing saved yet",
            id="conflict.back",
        ),
    ]

    def __init__(self, title: str, differences: Sequence[Difference]) -> None:
        super().__init__()
        self._title = title
        self._differences = list(differences)

    def compose(self) -> ComposeResult:
        table = Table(expand=True, show_lines=False)
        table.add_column("")
        table.add_column("Yours (not saved)")
        table.add_column("Theirs (saved)")
        for what, mine, theirs in self._differences:
            style = "bold" if mine != theirs else "dim"
            mark = "≠ " if mine != theirs else "  "
            table.add_row(
                literal_text(mark + what),
                literal_text(mine, multiline=True),
                literal_text(theirs, multiline=True),
                style=style,
            )
        with VerticalScroll(classes="dialog conflict") as box:
            box.border_title = literal(self._title)
            box.border_subtitle = "t keeps theirs · m overwrites with yours · Esc goes back"
            yield Static(
                "Someone saved this while you were editing it. Rows marked ≠ differ. "
                "Which version should stand?"
            )
            yield Static(table)
            with Horizontal(classes="buttons"):
                yield Button("Keep theirs (t)", action="screen.choose('theirs')")
                yield Button(
                    "Overwrite with mine (m)", variant="warning", action="screen.choose('mine')"
                )

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)

    def action_back(self) -> None:
        self.dismiss(None)
