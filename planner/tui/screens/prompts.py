"""Small typed dialogs: pick one of a list, type a reason, say who you are, yes or no.

Every text they are given (a title, a question, the choices) is shown as it is: callers
pass names, locations and item titles straight in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from planner.domain.text import visible
from planner.tui.literal import literal, literal_text
from planner.tui.screens.unsaved import FormScreen
from planner.tui.widgets.evidence import ErrorLine, checked_name, text_problem


class PickerScreen(ModalScreen[str | None]):
    """Choose one value from a list; with `filterable`, typing narrows the list."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Back", id="picker.back"),
        Binding("down", "focus_list", "To list", show=False, id="picker.to_list"),
    ]

    def __init__(
        self,
        title: str,
        choices: Sequence[tuple[str, str]],
        *,
        current: str | None = None,
        filterable: bool = False,
        hint: str = "Enter chooses · Esc goes back",
    ) -> None:
        super().__init__()
        self._title = title
        self._choices = list(choices)
        self._current = current
        self._filterable = filterable
        self._hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog picker") as box:
            box.border_title = literal(self._title)
            box.border_subtitle = self._hint
            if self._filterable:
                yield Input(placeholder="Type to narrow the list", id="picker-filter")
            yield OptionList(*self._options(""), id="picker-list")

    def _options(self, text: str) -> list[Option]:
        """Choices whose value, or a word of whose label, starts with what was typed."""
        needle = text.strip().lower()

        def matches(value: str, label: str) -> bool:
            words = [value.lower(), *label.lower().split()]
            return any(word.startswith(needle) for word in words)

        return [
            Option(literal_text(label), id=value)
            for value, label in self._choices
            if not needle or matches(value, label)
        ]

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if self._current is not None:
            for index, (value, _label) in enumerate(self._choices):
                if value == self._current:
                    options.highlighted = index
        if not self._filterable:
            options.focus()

    @on(Input.Changed, "#picker-filter")
    def narrow_the_list(self, event: Input.Changed) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(self._options(event.value))
        if options.option_count:
            options.highlighted = 0

    @on(Input.Submitted, "#picker-filter")
    def choose_the_first_match(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self.dismiss(options.get_option_at_index(options.highlighted).id)

    @on(OptionList.OptionSelected, "#picker-list")
    def choose(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_focus_list(self) -> None:
        self.query_one(OptionList).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)


class TextPrompt(FormScreen[str | None]):
    """Ask for one line of text; `required` refuses a blank answer, and `check` (a domain
    text rule) what it refuses, with an inline message. Escape with a changed answer asks
    whether to save it (Enter's answer), discard it or keep typing."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Back", id="prompt.back"),
    ]

    def __init__(
        self,
        title: str,
        question: str,
        *,
        value: str = "",
        required: bool = True,
        placeholder: str = "",
        check: Callable[[str], str] | None = None,
    ) -> None:
        super().__init__()
        self._title = title
        self._question = question
        self._value = value
        self._required = required
        self._placeholder = placeholder
        self._check = check

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog prompt") as box:
            box.border_title = literal(self._title)
            box.border_subtitle = "Enter saves · Esc goes back"
            yield Static(literal(self._question), classes="question")
            yield Input(visible(self._value), placeholder=self._placeholder, id="prompt-input")
            yield ErrorLine(id="prompt-error")

    @property
    def what_is_edited(self) -> str:
        return "your answer"

    @on(Input.Submitted, "#prompt-input")
    def answer(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        text = self.query_one("#prompt-input", Input).value.strip()
        error = self.query_one("#prompt-error", ErrorLine)
        if self._required and not text:
            error.show("An answer is needed here.")
            return
        problem = None if self._check is None else text_problem(self._check, text)
        if problem is not None:
            error.show(problem)
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.leave(None)


class OfficerPrompt(ModalScreen[str | None]):
    """First run: who is using planner, recorded against every change they make."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Leave", id="officer.leave"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog prompt") as box:
            box.border_title = "Welcome to planner"
            box.border_subtitle = "Enter saves · Esc leaves"
            yield Static(
                "Every change is recorded with the name of the officer who made it. "
                "What is your name? It is kept in planner's config file."
            )
            yield Input(placeholder="e.g. Sam Jones", id="officer-name", max_length=80)
            yield ErrorLine(id="officer-error")

    @on(Input.Submitted, "#officer-name")
    def answer(self, event: Input.Submitted) -> None:
        error = self.query_one("#officer-error", ErrorLine)
        name = checked_name(event.value, error, when_empty="Please type your name.")
        if name is not None:
            self.dismiss(name)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmScreen(ModalScreen[bool]):
    """A question with two answers: y (or the first button) is True, n or Esc False."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n", "answer(False)", "No", id="confirm.no"),
        Binding("escape", "answer(False)", "Back", show=False, id="confirm.back"),
    ]

    def __init__(self, title: str, question: str, *, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self._title = title
        self._question = question
        self._yes = yes
        self._no = no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog prompt confirm") as box:
            box.border_title = literal(self._title)
            box.border_subtitle = "y yes · n no"
            yield Static(literal(self._question, multiline=True), id="confirm-question")
            with Horizontal(classes="buttons"):
                yield Button(f"{self._yes} (y)", variant="primary", action="screen.answer(True)")
                yield Button(f"{self._no} (n)", action="screen.answer(False)", id="confirm-no")

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()  # Enter alone never says yes

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
