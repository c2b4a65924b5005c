"""Whose caseload the marked people go into: a known officer, a new name, or nobody's.

The officers listed are those with cases already (the acting officer first); typing
narrows the list, and a name no one has yet is offered as a new officer. A name typed
with other capitals or spaces than one in use is taken as that officer (the store's
assignment is given the spelling in use: planner.domain.workload.known_spelling).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from planner.domain.workload import officer_key, same_officer
from planner.tui.literal import literal_text
from planner.tui.widgets.evidence import ErrorLine, checked_name

UNASSIGN = "unassign"  # the option that takes people out of every caseload
NEW = "new"  # the option for a name typed that no officer has yet


class AssignScreen(ModalScreen[str | None]):
    """Dismisses with the officer's name, "" for nobody (unassigned), or None (Esc)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Back", id="assign.back"),
        Binding("down", "focus_list", "To list", show=False, id="assign.to_list"),
    ]

    def __init__(self, people: int, known: Sequence[str], me: str) -> None:
        super().__init__()
        self.people = people
        mine = [me] if me else []
        self.officers = mine + [name for name in known if not same_officer(name, me)]
        self.me = me

    def compose(self) -> ComposeResult:
        who = "1 person" if self.people == 1 else f"{self.people} people"
        with Vertical(classes="dialog picker assign") as box:
            box.border_title = f"Assign {who} to"
            box.border_subtitle = "Enter assigns · Esc goes back"
            yield Static(
                "Choose an officer, or type a name (a new officer is added as typed). "
                "Every assignment is recorded in the history.",
                classes="hint",
            )
            yield Input(placeholder="Type to narrow the list, or a new name", id="assign-name")
            yield OptionList(*self._options(""), id="assign-list")
            yield ErrorLine(id="assign-error")

    def _options(self, typed: str) -> list[Option]:
        wanted = officer_key(typed)
        options: list[Option] = []
        shown = [name for name in self.officers if wanted in officer_key(name)]
        if wanted and not any(officer_key(name) == wanted for name in self.officers):
            options.append(Option(literal_text(f"New officer: {' '.join(typed.split())}"), NEW))
        for index, name in enumerate(self.officers):
            if name in shown:
                label = f"Me: {name}" if name == self.me else name
                options.append(Option(literal_text(label), str(index)))
        if not wanted:
            options.append(Option("Nobody: take them out of any caseload", UNASSIGN))
        return options

    def on_mount(self) -> None:
        self.query_one("#assign-name", Input).focus()
        options = self.query_one(OptionList)
        if options.option_count:
            options.highlighted = 0

    @on(Input.Changed, "#assign-name")
    def narrow_the_list(self, event: Input.Changed) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(self._options(event.value))
        if options.option_count:
            options.highlighted = 0
        self.query_one(ErrorLine).show("")

    @on(Input.Submitted, "#assign-name")
    def choose_the_highlighted(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is None:
            self._choose(NEW)
            return
        option_id = options.get_option_at_index(options.highlighted).id
        self._choose(option_id or NEW)

    @on(OptionList.OptionSelected, "#assign-list")
    def choose(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option.id or NEW)

    def _choose(self, option_id: str) -> None:
        if option_id == UNASSIGN:
            self.dismiss("")
            return
        if option_id != NEW:
            self.dismiss(self.officers[int(option_id)])
            return
        name = checked_name(
            self.query_one("#assign-name", Input).value,
            self.query_one(ErrorLine),
            when_empty="Type the officer's name, or choose one from the list.",
        )
        if name is not None:
            self.dismiss(name)

    def action_focus_list(self) -> None:
        self.query_one(OptionList).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
