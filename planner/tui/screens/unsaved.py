"""Leaving a form with unsaved changes asks first: save, discard, or keep editing.

Every form that edits the database is a `FormScreen`: it remembers what its fields held
when it opened, and its way out (Escape, the Back button) goes through `leave`, which
asks with `UnsavedChangesScreen` when anything differs. Its save runs in a thread worker
(`save_in_background`), so the screen never waits on the disk, and a second Ctrl+S or an
Escape while a save is under way waits for it instead of racing it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from textual.app import ComposeResult
from textual.await_complete import AwaitComplete
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Checkbox, Input, Select, Static, TextArea

from planner.tui.literal import literal, toast
from planner.tui.save_queue import SAVING

SAVE = "save"
DISCARD = "discard"
KEEP_EDITING = "keep"

ResultT = TypeVar("ResultT")
Outcome = TypeVar("Outcome")


class UnsavedChangesScreen(ModalScreen[str]):
    """Answers SAVE, DISCARD or KEEP_EDITING; Escape (and Enter alone) keeps editing."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "answer('save')", "Save", tooltip="Save the changes", id="unsaved.save"),
        Binding(
            "d",
            "answer('discard')",
            "Discard",
            tooltip="Leave without saving",
            id="unsaved.discard",
        ),
        Binding(
            "escape,k",
            "answer('keep')",
            "Keep editing",
            tooltip="Back to the form, as it is",
            id="unsaved.keep",
        ),
    ]

    def __init__(self, what: str, *, can_save: bool = True) -> None:
        super().__init__()
        self._what = what
        self._can_save = can_save

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog prompt confirm") as box:
            box.border_title = "Unsaved changes"
            box.border_subtitle = "s save · d discard · Esc keep editing"
            question = f"You have changed {self._what} and not saved it."
            if not self._can_save:
                question += " This database is read-only: they cannot be saved here."
            yield Static(literal(question), id="unsaved-question")
            with Horizontal(classes="buttons"):
                yield Button(
                    "Save (s)",
                    variant="primary",
                    action="screen.answer('save')",
                    id="unsaved-save",
                    disabled=not self._can_save,
                )
                yield Button("Discard (d)", action="screen.answer('discard')", id="unsaved-discard")
                yield Button(
                    "Keep editing (Esc)", action="screen.answer('keep')", id="unsaved-keep"
                )

    def on_mount(self) -> None:
        self.query_one("#unsaved-keep", Button).focus()  # Enter alone never loses work

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "answer" and parameters == (SAVE,) and not self._can_save:
            return None
        return True

    def action_answer(self, answer: str) -> None:
        self.dismiss(answer)


def form_state(screen: Screen[Any]) -> tuple[object, ...]:
    """What the officer can change on `screen`: every text field, choice and tick box."""
    values: list[object] = []
    for widget in screen.query("Input, TextArea, Select, Checkbox"):
        if isinstance(widget, Input):
            values.append(widget.value)
        elif isinstance(widget, TextArea):
            values.append(widget.text)
        elif isinstance(widget, Select | Checkbox):
            values.append(widget.value)
    return tuple(values)


class FormScreen(ModalScreen[ResultT]):
    """A dialog that edits the database: it asks before its changes are thrown away.

    Subclasses implement `action_save` and say what they are (`what_is_edited`); their
    way out calls `leave(result)`.
    """

    def __init__(self) -> None:
        super().__init__()
        self._opened_with: tuple[object, ...] | None = None
        self.saving = False
        self.quit_when_saved = False  # planner was asked to quit: leave once this is saved

    def on_mount(self) -> None:
        # Runs after the subclass's own on_mount (Textual calls each class's handler).
        self._opened_with = form_state(self)

    @property
    def what_is_edited(self) -> str:
        """What the officer changed, to finish 'You have changed …': 'this form'."""
        return "this form"

    @property
    def can_save(self) -> bool:
        return True

    def has_unsaved_changes(self) -> bool:
        return self._opened_with is not None and form_state(self) != self._opened_with

    def action_save(self) -> None:
        raise NotImplementedError  # pragma: no cover

    def dismiss(self, result: ResultT | None = None) -> AwaitComplete:
        """Close the form; when planner was asked to quit and the officer chose to save,
        this is the save done (or the conflict settled), so planner leaves now."""
        closing = super().dismiss(result)
        if self.quit_when_saved:
            self.app.exit()
        return closing

    def leave(self, result: ResultT) -> None:
        """Close with `result`; with unsaved changes, ask first."""
        if self.saving:
            toast(self, "Saving: a moment…")
            return
        if not self.has_unsaved_changes():
            self.dismiss(result)
            return

        def answered(answer: str | None) -> None:
            if answer == SAVE:
                self.action_save()
            elif answer == DISCARD:
                self.dismiss(result)
            # keep editing: the form is as it was, focus where it was

        self.app.push_screen(
            UnsavedChangesScreen(self.what_is_edited, can_save=self.can_save), answered
        )

    def save_in_background(
        self,
        write: Callable[[], Outcome],
        done: Callable[[Outcome], None],
        refused: Callable[[Exception], None],
        *,
        refusals: tuple[type[Exception], ...],
    ) -> None:
        """Run `write` (a store call) in a thread; then `done(result)` on the event loop,
        or `refused(error)` for an error of the kinds in `refusals`. Anything else is
        the app's to report (see planner.tui.guard)."""
        if self.saving:
            return
        self.saving = True
        shown = self.sub_title
        self.sub_title = f"{shown} · {SAVING}" if shown else SAVING  # until it is on disk

        def finished(call: Callable[[], None]) -> None:
            self.saving = False
            self.sub_title = shown
            call()

        def run() -> None:
            try:
                outcome = write()
            except refusals as exc:
                error = exc
                self.app.call_from_thread(finished, lambda: refused(error))
                return
            except BaseException:
                self.app.call_from_thread(finished, lambda: None)
                raise
            self.app.call_from_thread(finished, lambda: done(outcome))

        self.run_worker(run, thread=True, group="save", exclusive=False)
