"""The saved views: pick one from the list, or press its number (0: no view).

The built-in views come first, then the config file's `[views]`, numbered as `planner
views` numbers them (and as `planner list --view N` takes them). A view whose expression
does not read is listed with its problem; choosing it puts it in the filter bar, with the
error under it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.binding import Binding, BindingType

from planner.domain.filter_terms import FilterError
from planner.domain.filter_vocabulary import Vocabulary
from planner.domain.saved_views import SavedView
from planner.tui.screens.prompts import PickerScreen

NO_VIEW = 0
_DIGITS = 9


def view_choices(views: Sequence[SavedView], vocabulary: Vocabulary) -> list[tuple[str, str]]:
    """(number, label) for the picker: "1  No bank account: bank.account not in (...)"."""
    choices = [(str(NO_VIEW), f"{NO_VIEW}  No view: clear the filter")]
    for number, view in enumerate(views, start=1):
        try:
            described = str(view.filter(vocabulary))
        except FilterError as exc:
            described = f"cannot be used: {exc}"
        mine = "" if view.built_in else " (config file)"
        choices.append((str(number), f"{number}  {view.name}{mine}: {described}"))
    return choices


class ViewPicker(PickerScreen):
    """Dismisses with the view's number (0 for no view), or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            str(digit),
            f"pick({digit})",
            f"View {digit}",
            show=False,
            tooltip=f"Use saved view {digit}" if digit else "No view: clear the filter",
            id=f"views.pick_{digit}",
        )
        for digit in range(_DIGITS + 1)
    ]

    def __init__(self, views: Sequence[SavedView], vocabulary: Vocabulary) -> None:
        super().__init__(
            "Saved views",
            view_choices(views, vocabulary),
            hint="a number or Enter uses a view · Esc goes back",
        )
        self.count = len(views)

    def on_mount(self) -> None:
        self.query_one(".dialog").add_class("wide")

    def action_pick(self, number: int) -> None:
        if number <= self.count:
            self.dismiss(str(number))
