"""Release-day outcomes, and the follow-ups after release, for one person.

Each measure that applies to the person is one choice of its answers, "Unknown" among
them and kept apart from "No" (a first recording starts at Unknown). The follow-ups are
blank until answered, each with the day it is due; the day they were found out is one
date for all. Saving checks every answer against the template's measures (the domain does
the checking), marks the person released, and writes in the background, the title saying
"saving…" until it is on disk.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, VerticalScroll
from textual.widgets import Label

from planner.domain.calendar import format_day
from planner.domain.case import Case
from planner.domain.errors import InvalidInput
from planner.domain.outcome_measures import UNKNOWN, OutcomeMeasure
from planner.domain.release_outcome import ReleaseOutcome, record_outcome
from planner.domain.template import Template
from planner.store.errors import StaleEdit
from planner.tui.literal import literal, toast
from planner.tui.saving import SAVE_REFUSED, report_save_failure
from planner.tui.screens.unsaved import FormScreen
from planner.tui.session import Session
from planner.tui.widgets.evidence import ChoiceField, DateField, ErrorLine, FormField
from planner.tui.widgets.save_buttons import SaveBackButtons, save_allowed

RELEASED_ON = "released_on"
FOUND_ON = "follow_up_on"
ANSWER_PREFIX = "answer_"
FOLLOW_UP_PREFIX = "follow_"


def _choices(measure: OutcomeMeasure) -> list[tuple[str, str]]:
    return [(measure.answer_label(value), value) for value in measure.values]


class ReleaseOutcomesScreen(FormScreen[bool]):
    """Dismisses with True once saved, False otherwise."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", tooltip="Check and save", id="outcomes.save"),
        Binding(
            "escape",
            "back",
            "Back",
            tooltip="Back (asks about unsaved changes)",
            id="outcomes.back",
        ),
    ]

    def __init__(self, session: Session, case: Case, measures: Template) -> None:
        super().__init__()
        self.session = session
        self.case = case
        self.measures = measures
        self.today = session.today

    def compose(self) -> ComposeResult:
        person, outcome = self.case.person, self.case.outcome
        with VerticalScroll(classes="dialog outcomes-form") as box:
            box.border_title = literal(f"Release outcomes of {person.display_name}")
            box.border_subtitle = "Ctrl+S saves · Esc goes back · Unknown is never No"
            released = outcome.released_on if outcome else self._expected_day()
            with Container(classes="form-grid"):
                yield DateField(
                    RELEASED_ON,
                    "Released on",
                    released,
                    required=True,
                    hint="Recording marks the person released.",
                )
            yield Label("On release day", classes="section-label")
            with Container(classes="form-grid"):
                for measure in self.measures.release_day_measures:
                    if not measure.applies_to(person):
                        continue
                    answer = outcome.answers.get(measure.id) if outcome else None
                    yield ChoiceField(
                        ANSWER_PREFIX + measure.id,
                        measure.label,
                        _choices(measure),
                        answer or UNKNOWN,
                        allow_blank=False,
                        hint=measure.question,
                    )
            yield Label("Follow-ups after release (blank: not asked yet)", classes="section-label")
            with Container(classes="form-grid"):
                for measure in self.measures.follow_up_measures:
                    if not measure.applies_to(person):
                        continue
                    recorded = outcome.follow_ups.get(measure.id) if outcome else None
                    yield ChoiceField(
                        FOLLOW_UP_PREFIX + measure.id,
                        measure.label,
                        _choices(measure),
                        recorded.answer if recorded else None,
                        hint=self._follow_up_hint(measure),
                    )
                yield DateField(
                    FOUND_ON,
                    "Follow-ups found out on",
                    self.today,
                    hint="The day the answers given here were found out.",
                )
            yield ErrorLine(id="form-error")
            yield SaveBackButtons("form-save", read_only=self.session.read_only)

    def _expected_day(self) -> date:
        """The planned release day once it has come, else today."""
        planned = self.case.person.release_date
        return planned if planned is not None and planned <= self.today else self.today

    def _follow_up_hint(self, measure: OutcomeMeasure) -> str:
        """The question, and when it was recorded or when it is due."""
        outcome = self.case.outcome
        recorded = outcome.follow_ups.get(measure.id) if outcome else None
        if recorded is not None:
            return f"{measure.question} Recorded {format_day(recorded.recorded_on)}."
        due = measure.due_on(outcome.released_on) if outcome else None
        if due is not None:
            return f"{measure.question} Due {format_day(due)}."
        length = measure.due_after_release
        when = f" Due {length.text} after release." if length else ""
        return f"{measure.question}{when}"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return save_allowed(action, self.session.read_only)

    def on_mount(self) -> None:
        self.query_one(f"#field-{RELEASED_ON}", FormField).focus_input()

    # --- reading and saving ---------------------------------------------------------------

    def _read(self) -> ReleaseOutcome | None:
        """The form as an outcome, or None after showing what is wrong beside its field."""
        self.query_one("#form-error", ErrorLine).show("")
        try:
            released = self.query_one(f"#field-{RELEASED_ON}", DateField).read()
            found_on = self.query_one(f"#field-{FOUND_ON}", DateField).read()
        except InvalidInput:
            return None
        answers: dict[str, str] = {}
        follow_ups: dict[str, str] = {}
        for widget in self.query(ChoiceField):
            value = widget.read()
            name = widget.field_name
            if name.startswith(ANSWER_PREFIX):
                answers[name.removeprefix(ANSWER_PREFIX)] = str(value or UNKNOWN)
            elif name.startswith(FOLLOW_UP_PREFIX) and value is not None:
                measure_id = name.removeprefix(FOLLOW_UP_PREFIX)
                previous = (
                    self.case.outcome.follow_ups.get(measure_id) if self.case.outcome else None
                )
                if previous is None or previous.answer != value:
                    follow_ups[measure_id] = str(value)
        try:
            return record_outcome(
                self.measures,
                self.case.person,
                released_on=released,
                answers=answers,
                follow_ups=follow_ups,
                follow_up_on=found_on,
                today=self.today,
                by=self.session.store.officer,
                previous=self.case.outcome,
            )
        except InvalidInput as exc:
            self._show_problem(str(exc))
            return None

    def _show_problem(self, message: str) -> None:
        """Beside the field it names ("bank: ..."), or under the form."""
        head, sep, rest = message.partition(": ")
        for name in (ANSWER_PREFIX + head, FOLLOW_UP_PREFIX + head):
            if sep:
                fields = self.query(f"#field-{name}")
                if fields:
                    fields.first(FormField).show_error(rest)
                    return
        if head == "released on":
            self.query_one(f"#field-{RELEASED_ON}", FormField).show_error(rest)
            return
        self.query_one("#form-error", ErrorLine).show(message)

    def action_save(self) -> None:
        outcome = self._read()
        if outcome is None:
            toast(self, "Not saved: see the messages on the form.", severity="warning")
            return
        store, number, measures, expected = (
            self.session.store,
            self.case.number,
            self.measures,
            self.case.outcome,
        )

        def write() -> Case:
            return store.record_outcome(number, outcome, measures, expected=expected)

        def refused(exc: Exception) -> None:
            if isinstance(exc, StaleEdit):
                self.query_one("#form-error", ErrorLine).show(
                    f"{exc} Close this form (Esc, then d) and open it again to see theirs."
                )
            elif isinstance(exc, InvalidInput):
                self._show_problem(str(exc))
            elif isinstance(exc, SAVE_REFUSED):
                report_save_failure(self, exc, self.action_save)

        self.save_in_background(
            write, self._saved, refused, refusals=(StaleEdit, InvalidInput, *SAVE_REFUSED)
        )

    def _saved(self, case: Case) -> None:
        self.case = case
        toast(self, "Release outcomes saved")
        self.dismiss(True)

    @property
    def what_is_edited(self) -> str:
        return f"the release outcomes of {self.case.person.display_name}"

    @property
    def can_save(self) -> bool:
        return not self.session.read_only

    def action_back(self) -> None:
        self.leave(False)
