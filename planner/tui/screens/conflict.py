"""Someone else saved first: show both versions side by side and let the officer choose."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
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


@dataclass(frozen=True)
class ConflictWords:
    """What the screen calls the two versions: an edit against a save by someone else,
    or (a transfer) the record here against the one from another prison."""

    intro: str
    mine_heading: str
    theirs_heading: str
    mine_button: str
    theirs_button: str
    subtitle: str


EDIT_CONFLICT = ConflictWords(
    intro="Someone saved this while you were editing it.",
    mine_heading="Yours (not saved)",
    theirs_heading="Theirs (saved)",
    mine_button="Overwrite with mine (m)",
    theirs_button="Keep theirs (t)",
    subtitle="t keeps theirs · m overwrites with yours · Esc goes back",
)
TRANSFER_CONFLICT = ConflictWords(
    intro="This was changed here and at the other prison since the two last agreed.",
    mine_heading="Here",
    theirs_heading="From the other prison",
    mine_button="Keep ours (m)",
    theirs_button="Take theirs (t)",
    subtitle="t takes theirs · m keeps ours · Esc stops, nothing received",
)


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

    def __init__(
        self,
        title: str,
        differences: Sequence[Difference],
        *,
        words: ConflictWords | None = None,
    ) -> None:
        super().__init__()
        self._title = title
        self._differences = list(differences)
        self._words = words or EDIT_CONFLICT

    def compose(self) -> ComposeResult:
        table = Table(expand=True, show_lines=False)
        table.add_column("")
        words = self._words
        table.add_column(words.mine_heading)
        table.add_column(words.theirs_heading)
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
            box.border_subtitle = words.subtitle
            yield Static(f"{words.intro} Rows marked ≠ differ. Which version should stand?")
            yield Static(table)
            with Horizontal(classes="buttons"):
                yield Button(words.theirs_button, action="screen.choose('theirs')")
                yield Button(words.mine_button, variant="warning", action="screen.choose('mine')")

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)

    def action_back(self) -> None:
        self.dismiss(None)
