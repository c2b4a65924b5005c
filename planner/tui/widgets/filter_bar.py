"""The filter bar: type the expressions `planner list --where` takes, with completion.

An Input whose completion comes from the domain (planner.domain.filter_completion): the
item id, field, operator or choice that fits where the cursor is shows after it, dimmed
(Tab or → takes it), and the line under the bar lists what may come next. The text is
read by the domain's parser on every change: while it reads as a filter, the bar says so
with `FilterBar.Changed`; while it does not, the line under it shows the parser's one-line
error (naming the unknown item, field or choice and the nearest known one; text that only
stops where a word is to come lists what may come) and nothing is applied. Everything
shown is literal text.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.suggester import Suggester
from textual.widgets import Input

from planner.domain.errors import InvalidInput
from planner.domain.filter_completion import complete
from planner.domain.filter_terms import Filter
from planner.domain.filter_vocabulary import Vocabulary
from planner.domain.filters import parse_filter
from planner.tui.widgets.quiet_input import QuietInput
from planner.tui.widgets.status_line import StatusLine

HINT_CANDIDATES = 8  # what may come next, listed under the bar
PLACEHOLDER = "e.g. bank.account != done and release within 28   (Tab completes)"


def completion(text: str, vocabulary: Vocabulary) -> tuple[str | None, list[str]]:
    """What `text` may become with its word completed (None when nothing fits), and the
    words that may come at its end."""
    found = complete(text, vocabulary)
    partial = text[found.start :]
    folded = partial.casefold()
    fitting = [c for c in found.candidates if c.casefold().startswith(folded)]
    longer = [c for c in fitting if len(c) > len(partial)]
    if not longer:
        return None, list(found.candidates)
    word = longer[0]
    ending = "" if word == "(" else " "
    return text + word[len(partial) :] + ending, list(found.candidates)


class FilterSuggester(Suggester):
    """The Input's completion, from the domain's."""

    def __init__(self, bar: FilterBar) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.bar = bar

    async def get_suggestion(self, value: str) -> str | None:
        vocabulary = self.bar.vocabulary
        if vocabulary is None:
            return None
        return completion(value, vocabulary)[0]


class FilterInput(QuietInput):
    """Tab takes the completion shown (and moves on when there is none)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "complete", "Complete", show=False, id="filter.complete"),
    ]

    def action_complete(self) -> None:
        if self._suggestion and self.cursor_at_end:
            self.value = self._suggestion
            self.cursor_position = len(self.value)
        else:
            self.screen.focus_next()


class FilterBar(Vertical):
    """The bar and the line under it (an error, or what may come next)."""

    DEFAULT_CSS = """
    FilterBar { height: auto; display: none; }
    FilterBar.-open { display: block; }
    FilterBar > #filter-help { height: auto; max-height: 3; padding: 0 1; color: $text-muted; }
    FilterBar > #filter-help.-error { color: $text-error; text-style: bold; }
    """

    class Changed(Message):
        """The text reads as `filter` (empty: no filter at all), or None: it does not
        read as a filter (the bar shows why), and nothing is to be applied."""

        def __init__(self, bar: FilterBar, filter: Filter | None, text: str) -> None:
            super().__init__()
            self.bar = bar
            self.filter = filter
            self.text = text

        @property
        def control(self) -> FilterBar:
            return self.bar

    class Done(Message):
        """Enter: back to the table (the filter is applied as it is typed)."""

        def __init__(self, bar: FilterBar) -> None:
            super().__init__()
            self.bar = bar

        @property
        def control(self) -> FilterBar:
            return self.bar

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.vocabulary: Vocabulary | None = None
        self.error: str | None = None  # the parser's error for the text in the bar

    def compose(self) -> ComposeResult:
        yield FilterInput(placeholder=PLACEHOLDER, suggester=FilterSuggester(self), id="filter")
        help_line = StatusLine(id="filter-help")
        # Two lines whatever it says (what may come next often wraps onto a second):
        # a keystroke then never moves the table below, which would lay the screen out.
        help_line.keep_lines(2)
        yield help_line

    @property
    def input(self) -> FilterInput:
        return self.query_one(FilterInput)

    @property
    def text(self) -> str:
        return self.input.value

    @property
    def is_open(self) -> bool:
        return self.has_class("-open")

    def open(self, text: str | None = None) -> None:
        """Show the bar with the cursor in it (holding `text`, when given)."""
        self.add_class("-open")
        field = self.input
        if text is not None and text != field.value:
            field.value = text
        field.cursor_position = len(field.value)
        field.focus()
        self._explain(field.value)

    def close(self) -> None:
        self.remove_class("-open")

    def set_text(self, text: str) -> None:
        """Put `text` in the bar (a saved view's expression, or "" to clear it)."""
        self.input.value = text
        self._explain(text)

    @on(Input.Changed, "#filter")
    def read_the_filter(self, event: Input.Changed) -> None:
        event.stop()
        if self.vocabulary is None:
            return
        wanted: Filter | None
        try:
            wanted = parse_filter(event.value, self.vocabulary)
        except InvalidInput as exc:
            self.error, wanted = str(exc), None
        else:
            self.error = None
        self._explain(event.value)
        self.post_message(self.Changed(self, wanted, event.value))

    @on(Input.Submitted, "#filter")
    def done(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Done(self))

    def _explain(self, text: str) -> None:
        help_line = self.query_one("#filter-help", StatusLine)
        candidates = [] if self.vocabulary is None else completion(text, self.vocabulary)[1]
        # Text that stops where a word is to come (after a space, "(" or ",") is not
        # wrong, only unfinished: what may come next helps more than the error.
        waiting = bool(candidates) and text[-1:] in (" ", "(", ",")
        help_line.set_class(self.error is not None and not waiting, "-error")
        if self.error is not None and not waiting:
            help_line.say(self.error)
            return
        if self.vocabulary is None:
            help_line.say("")
            return
        if candidates:
            listed = "  ".join(candidates[:HINT_CANDIDATES])
            more = " …" if len(candidates) > HINT_CANDIDATES else ""
            help_line.say(f"Next: {listed}{more}   (Tab completes)")
        else:
            help_line.say("Enter goes back to the table · Esc clears the filter")
