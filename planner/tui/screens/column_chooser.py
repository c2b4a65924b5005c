"""Choose the caseload's columns: any of the names `planner list --columns` takes.

Every column is listed, the chosen ones first in their order (✔), then the rest: the
person's fields, the COM and POM, the assigned officer, the next due date, where in the
caseload, and every item's status and evidence field. Typing narrows the list; Enter (or
a click) adds or removes the highlighted column, Shift+↑/↓ moves a chosen one, Ctrl+D
goes back to the default columns. Ctrl+S uses them and keeps them in the config file
(`columns = [...]`, the default of `planner list` too), written in a worker; Escape with
a change not saved asks, as every editor does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from planner.config import ConfigError
from planner.domain.columns import DEFAULT_COLUMNS, column
from planner.domain.filter_terms import FilterError
from planner.domain.filter_vocabulary import Vocabulary
from planner.tui.literal import literal, literal_text, toast
from planner.tui.screens.unsaved import FormScreen
from planner.tui.session import Session
from planner.tui.widgets.case_table import MARK
from planner.tui.widgets.evidence import ErrorLine


def column_title(name: str, vocabulary: Vocabulary) -> str:
    """What a column holds, in words: "Bank account held or opened: Outcome"."""
    try:
        return column(name, vocabulary).title
    except FilterError:
        return ""


class ColumnChooser(FormScreen[list[str] | None]):
    """Dismisses with the column names chosen (saved), or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Use and keep", tooltip="Use these columns", id="columns.save"),
        Binding(
            "shift+up",
            "move(-1)",
            "Earlier",
            tooltip="Move the highlighted column left",
            id="columns.earlier",
        ),
        Binding(
            "shift+down",
            "move(1)",
            "Later",
            tooltip="Move the highlighted column right",
            id="columns.later",
        ),
        Binding(
            "ctrl+d",
            "default",
            "Default",
            tooltip="The default columns",
            id="columns.default",
        ),
        Binding("down", "focus_list", "To list", show=False, id="columns.to_list"),
        Binding("escape", "cancel", "Back", id="columns.back"),
    ]

    def __init__(
        self, session: Session, chosen: Sequence[str], names: Sequence[str], vocabulary: Vocabulary
    ) -> None:
        super().__init__()
        self.session = session
        self.opened_with = list(chosen)
        self.chosen = list(chosen)
        unique = list(dict.fromkeys(names))  # a person's field may be a fixed column too
        self.titles = {name: column_title(name, vocabulary) for name in unique}
        self.names = [n for n in unique if n not in self.chosen]
        self._narrow = ""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog picker columns") as box:
            box.border_title = "Columns"
            box.border_subtitle = "Enter adds or removes · Ctrl+S uses them · Esc goes back"
            yield Static("", id="columns-chosen")
            yield Input(
                placeholder="Type to narrow the list: bank, com, date…",
                id="columns-find",
                select_on_focus=False,  # a letter typed on the list adds to the text
            )
            yield OptionList(id="columns-list")
            yield Static(
                "Shift+↑/↓ moves a chosen column · Ctrl+D the default columns", classes="hint"
            )
            yield ErrorLine(id="columns-error")

    def on_mount(self) -> None:
        self._show()
        self.query_one("#columns-find", Input).focus()

    def action_focus_list(self) -> None:
        self.query_one(OptionList).focus()

    def on_key(self, event: events.Key) -> None:
        """A letter typed on the list narrows it, as typed in the box above it."""
        find = self.query_one("#columns-find", Input)
        if (
            isinstance(self.focused, OptionList)
            and event.is_printable
            and event.character not in (None, " ")
        ):
            event.stop()
            event.prevent_default()
            find.focus()
            find.insert_text_at_cursor(event.character or "")

    @property
    def what_is_edited(self) -> str:
        return "the columns"

    def has_unsaved_changes(self) -> bool:
        return self.chosen != self.opened_with

    def _show(self, highlight: str | None = None) -> None:
        self.query_one("#columns-chosen", Static).update(
            literal("Shown: " + (", ".join(self.chosen) or "none yet"))
        )
        options = self.query_one(OptionList)
        keep = highlight
        if keep is None and options.highlighted is not None:
            keep = options.get_option_at_index(options.highlighted).id
        needle = self._narrow.strip().lower()
        everything = [*self.chosen, *(n for n in self.names if n not in self.chosen)]
        listed = [
            n
            for n in everything
            if not needle or needle in n.lower() or needle in self.titles.get(n, "").lower()
        ]
        options.clear_options()
        options.add_options(Option(literal_text(self._label(name)), id=name) for name in listed)
        if listed:
            options.highlighted = listed.index(keep) if keep in listed else 0

    def _label(self, name: str) -> str:
        mark = MARK if name in self.chosen else " "
        title = self.titles.get(name, "")
        return f"{mark} {name}" + (f"  ({title})" if title and title.lower() != name else "")

    @on(Input.Changed, "#columns-find")
    def narrow(self, event: Input.Changed) -> None:
        self._narrow = event.value
        self._show()

    @on(Input.Submitted, "#columns-find")
    def toggle_the_first(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            name = options.get_option_at_index(options.highlighted).id
            if name is not None:
                self._toggle(name)

    @on(OptionList.OptionSelected, "#columns-list")
    def toggle(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self._toggle(event.option.id)

    def _toggle(self, name: str) -> None:
        if name in self.chosen:
            self.chosen.remove(name)
            if name not in self.names:
                self.names.append(name)
        else:
            self.chosen.append(name)
        self.query_one(ErrorLine).show("")
        self._show(highlight=name)

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is None:
            return
        name = options.get_option_at_index(options.highlighted).id
        if name not in self.chosen:
            return
        at = self.chosen.index(name)
        to = max(0, min(len(self.chosen) - 1, at + step))
        self.chosen.insert(to, self.chosen.pop(at))
        self._show(highlight=name)

    def action_default(self) -> None:
        for name in self.chosen:
            if name not in self.names:
                self.names.append(name)
        self.chosen = list(DEFAULT_COLUMNS)
        self._show()

    def action_save(self) -> None:
        if not self.chosen:
            self.query_one(ErrorLine).show("Choose at least one column.")
            return
        chosen = list(self.chosen)

        def kept(_: None) -> None:
            self.dismiss(chosen)

        def not_kept(exc: Exception) -> None:
            toast(self, f"Columns in use, but not kept for next time: {exc}", severity="warning")
            self.dismiss(chosen)

        self.save_in_background(
            lambda: self.session.set_columns(chosen),
            kept,
            not_kept,
            refusals=(ConfigError, OSError),
        )

    def action_cancel(self) -> None:
        self.leave(None)
