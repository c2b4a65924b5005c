"""Walk me through: every open item, most urgent first, one at a time, one key each.

The order is fixed when the walk starts (flag severity, then due date, then the
template's order) so that resolving an item never reshuffles what comes next.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Header, Input, Static, TextArea

from planner.domain.assessment import applies, due_date, missing_evidence
from planner.domain.calendar import format_day
from planner.domain.case import Case
from planner.domain.gaps import Evaluation
from planner.domain.status import ItemStatus
from planner.domain.template import Template
from planner.domain.text import notes_text, visible
from planner.store.errors import StaleEdit
from planner.tui.formatting import (
    SEVERITY_STYLE,
    STATUS_STYLE,
    flag_line,
    severity_word,
    status_text,
)
from planner.tui.literal import literal_text, toast
from planner.tui.save_queue import SAVING, Save, SaveQueue
from planner.tui.saving import SaveRefused, report_save_failure
from planner.tui.screens.base import READING, DataScreen
from planner.tui.screens.item_editor import editor_for
from planner.tui.screens.prompts import TextPrompt
from planner.tui.session import Session
from planner.tui.widgets.banner import StoreBanner
from planner.tui.widgets.evidence import evidence_text
from planner.tui.widgets.footer import PlannerFooter

_STEP = Binding.Group("Step")
STEP_KEYS = (
    "d done · i in progress · b blocked · n not required · x declined · "
    "e evidence · → next · ← previous · Esc back"
)
READ_ONLY_KEYS = "→ next · ← previous · Esc back · read-only: nothing can be changed here"
SUMMARY_KEYS = "r walk through what is still open · ← back to the last step · Esc back"
LETTER_ACTIONS = frozenset({"mark", "edit", "restart", "step"})  # bound to letters


def typing_in_a_field(screen: Widget) -> bool:
    """True while a text field has focus (on this screen or a dialog over it)."""
    return isinstance(screen.app.focused, Input | TextArea)


def walk_order(case: Case, template: Template, evaluation: Evaluation) -> list[str]:
    """Applicable items that are open or flagged: most severe flag, then soonest due."""
    created = case.created_at.date()
    order: list[tuple[int, date, int, str]] = []
    for index, item in enumerate(template.items):
        if not applies(item, case):
            continue
        flags = evaluation.flags_for_item(item.id)
        if case.checklist.item(item.id).status.resolved and not flags:
            continue
        rank = min((f.severity.rank for f in flags), default=3)
        due = due_date(item, case.person.release_date, created) or date.max
        order.append((rank, due, index, item.id))
    return [item_id for *_, item_id in sorted(order)]


class WalkThroughScreen(DataScreen):
    """One item at a time; d/i/b/n/x set the status and move on."""

    TITLE = "Walk-through"
    EDITING = frozenset({"mark", "edit"})

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "d",
            "mark('done')",
            "Done",
            tooltip="Mark done (asks for missing evidence)",
            id="walk.done",
        ),
        Binding(
            "i",
            "mark('in_progress')",
            "In progress",
            tooltip="Mark in progress",
            id="walk.in_progress",
        ),
        Binding(
            "b", "mark('blocked')", "Blocked", tooltip="Mark blocked (asks why)", id="walk.blocked"
        ),
        Binding(
            "n",
            "mark('not_required')",
            "Not required",
            tooltip="Mark not required (asks why)",
            id="walk.not_required",
        ),
        Binding(
            "x",
            "mark('declined')",
            "Declined",
            tooltip="The person declined (asks why)",
            id="walk.declined",
        ),
        Binding(
            "e",
            "edit",
            "Evidence",
            tooltip="Edit the item's evidence, reason and notes",
            id="walk.edit",
        ),
        Binding("right,space,j", "step(1)", "Next", key_display="→", group=_STEP, id="walk.next"),
        Binding("left,k", "step(-1)", "Previous", key_display="←", group=_STEP, id="walk.previous"),
        Binding(
            "r",
            "restart",
            "Again",
            show=False,
            tooltip="Walk through what is still open",
            id="walk.restart",
        ),
        Binding("escape", "back", "Back", tooltip="Back to the person", id="walk.back"),
    ]

    def __init__(self, session: Session, number: str) -> None:
        super().__init__(session)
        self.number = number
        self.steps: list[str] = []
        self.index = 0
        self.changed: set[str] = set()
        self.saves = SaveQueue(self, self._save_state)  # written in order; keys never wait
        self.save_state = ""  # "saving…" while any status is being written, then "saved"
        self._restarting = False
        self._written_revs: dict[str, int] = {}  # each item's revision after this walk's save
        self.remaining: list[str] = []  # what the summary lists as still open
        self.case: Case | None = None
        self.template: Template | None = None
        self.evaluation: Evaluation | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield StoreBanner()
        yield Static("", id="walk-progress")
        with VerticalScroll(id="walk-step"):
            yield Static("", id="walk-body")
        yield Static(STEP_KEYS, id="walk-keys")
        yield PlannerFooter()

    def on_mount(self) -> None:
        # Until the first read is shown (plain text: a loading indicator's widget, removed
        # when the read lands, would also be what a key press is being delivered to).
        self.query_one("#walk-progress", Static).update(READING)
        self.reload()

    def read_data(self) -> tuple[Case, Template, Evaluation]:
        return self.session.read_case(self.number)

    def show_data(self, data: tuple[Case, Template, Evaluation]) -> None:
        first = self.case is None
        self.case, self.template, self.evaluation = data
        if first or self._restarting:
            self.steps = walk_order(self.case, self.template, self.evaluation)
            self.index = 0
            self._restarting = False
        if first:
            self.sub_title = visible(f"{self.case.person.display_name} · {self.number}")
            self.query_one("#walk-step", VerticalScroll).focus()  # arrows scroll a long step
        self._show()

    def _save_state(self, state: str) -> None:
        self.save_state = state
        if self.case is not None:
            self._show_progress()

    @property
    def finished(self) -> bool:
        return self.index >= len(self.steps)

    @property
    def item_id(self) -> str | None:
        return None if self.finished else self.steps[self.index]

    # --- showing --------------------------------------------------------------------------

    def _show(self) -> None:
        self.query_one("#walk-step", VerticalScroll).scroll_home(animate=False)
        keys = READ_ONLY_KEYS if self.session.read_only else STEP_KEYS
        self.query_one("#walk-keys", Static).update(SUMMARY_KEYS if self.finished else keys)
        if self.finished:
            self._show_summary()
        else:
            self._show_step()
        self.refresh_bindings()

    def _show_progress(self) -> None:
        """Where the walk is, and whether its changes are on disk yet."""
        progress = Text()
        if self.finished:
            changed = len(self.changed)
            progress.append("Walk-through finished", "bold")
            progress.append(f" · {changed} item{'s' if changed != 1 else ''} changed")
        else:
            assert self.template is not None
            item_id = self.steps[self.index]
            section = self.template.item(item_id).section
            progress.append(f"Step {self.index + 1} of {len(self.steps)}", "bold")
            progress.append(visible(f" · {self.template.section_title(section)}"))
            if item_id in self.changed:
                progress.append(" · changed in this walk", "green")
        if self.save_state:
            progress.append(f" · {self.save_state}", "yellow" if self.save_state == SAVING else "")
        self.query_one("#walk-progress", Static).update(progress)

    def _show_step(self) -> None:
        case, template, evaluation = self.case, self.template, self.evaluation
        assert case is not None and template is not None and evaluation is not None
        item_id = self.steps[self.index]
        item = template.item(item_id)
        record = case.checklist.item(item_id)
        flags = evaluation.flags_for_item(item_id)
        self._show_progress()
        body = Text()
        body.append(visible(item.title) + "\n", "bold")
        body.append("Status: ")
        body.append(status_text(record.status), STATUS_STYLE[record.status] or "bold")
        due = due_date(item, case.person.release_date, case.created_at.date())
        body.append(f" · due {format_day(due)}" if due else " · no due date (no release date)")
        body.append("\n")
        if record.reason:
            body.append(visible(f"Reason: {record.reason}", multiline=True) + "\n")
        if record.notes:
            body.append(visible(f"Notes: {record.notes}", multiline=True) + "\n")
        for flag in flags:
            body.append(flag_line(flag) + "\n", SEVERITY_STYLE[flag.severity])
        if item.evidence:
            body.append("\nEvidence\n", "bold")
            for field in item.evidence:
                value = visible(evidence_text(field, record.evidence.get(field.name)))
                need = " (needed for done)" if field.required else ""
                body.append(visible(f"  {field.label}{need}: "))
                body.append(value + "\n", "dim" if value.startswith("—") else "bold")
        body.append("\nWhy it matters: ", "bold")
        body.append(visible(item.why) + "\n")
        body.append(
            visible(f"Source: {item.source} · checked {format_day(item.checked)}") + "\n", "dim"
        )
        self.query_one("#walk-body", Static).update(body)

    def _show_summary(self) -> None:
        case, template, evaluation = self.case, self.template, self.evaluation
        assert case is not None and template is not None and evaluation is not None
        remaining = self.remaining = walk_order(case, template, evaluation)
        self._show_progress()
        table = Table.grid(padding=(0, 2))
        table.add_column(no_wrap=True)  # worst flag
        table.add_column(no_wrap=True)  # status
        table.add_column(ratio=1)  # title
        for item_id in remaining:
            record = case.checklist.item(item_id)
            flags = evaluation.flags_for_item(item_id)
            worst = (
                Text(severity_word(flags[0].severity), SEVERITY_STYLE[flags[0].severity])
                if flags
                else Text("")
            )
            table.add_row(
                worst,
                Text(status_text(record.status), STATUS_STYLE[record.status]),
                literal_text(template.item(item_id).title),
            )
        if remaining:
            opening = Text(f"Still open ({len(remaining)}):", "bold")
        else:
            opening = Text("Nothing is still open: every applicable item is resolved.", "green")
        assessment = evaluation.assessment
        closing = Text(
            f"\nReadiness {assessment.resolved} of {assessment.applicable}. "
            "Press r to walk through what is still open, Esc to go back."
        )
        body = Group(opening, table, closing) if remaining else Group(opening, closing)
        self.query_one("#walk-body", Static).update(body)

    # --- actions --------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Status keys on a step; r on the summary (each hidden where it does nothing).

        A letter typed into a text field is that letter, never a status: while one has
        focus, the one-letter keys do nothing here.
        """
        if action in LETTER_ACTIONS and typing_in_a_field(self):
            return False
        if action in {"mark", "edit"} and self.finished:
            return False
        if action == "restart":
            return self.finished
        return super().check_action(action, parameters)

    def action_step(self, delta: int) -> None:
        self.index = max(0, min(self.index + delta, len(self.steps)))
        self._show()

    def action_restart(self) -> None:
        """Walk again through what is still open, as the database has it once every
        change of this walk is read back."""
        self._restarting = True
        self.reload()

    def action_mark(self, status_value: str) -> None:
        item_id = self.item_id
        if item_id is None or self.case is None or self.template is None:
            return
        status = ItemStatus(status_value)
        item = self.template.item(item_id)
        record = self.case.checklist.item(item_id)
        if status is ItemStatus.DONE:
            missing = missing_evidence(item, record)  # the rule the gap engine flags by
            if missing:
                self._open_editor(status, missing[0], advance=True)
                return
            self._save(item_id, status, None)
        elif status.needs_reason:

            def reason_given(reason: str | None) -> None:
                if reason is not None:
                    self._save(item_id, status, reason)

            question = f"Why is “{item.title}” {status.label}?"
            prompt = TextPrompt(
                f"Mark {status.label}", question, value=record.reason, check=notes_text
            )
            self.app.push_screen(prompt, reason_given)
        else:
            self._save(item_id, status, None)

    def _save(
        self, item_id: str, status: ItemStatus, reason: str | None, *, advance: bool = True
    ) -> None:
        """Move on at once; the status is written in the background, after any still being
        written, and the step is read back from disk once it is."""
        assert self.case is not None
        shown_rev = self.case.checklist.item(item_id).rev
        number, store, written = self.number, self.session.store, self._written_revs

        def write() -> None:
            # An earlier save of this walk may have changed the item since it was shown:
            # expect the revision it left (a change from anyone else is still caught).
            rev = max(shown_rev, written.get(item_id, shown_rev))
            case = store.save_item(number, item_id, status=status, reason=reason, expected_rev=rev)
            written[item_id] = case.checklist.item(item_id).rev

        def refused(exc: SaveRefused) -> None:
            self._not_saved(item_id, status, reason, exc)

        self.saves.submit(Save(write, lambda: self._saved(status), refused))
        if advance:
            self._advance(item_id)

    def _saved(self, status: ItemStatus) -> None:
        toast(self, f"Saved: {status.label}")
        self.reload()

    def _not_saved(
        self, item_id: str, status: ItemStatus, reason: str | None, exc: SaveRefused
    ) -> None:
        self.changed.discard(item_id)
        title = self.template.item(item_id).title if self.template else item_id
        if isinstance(exc, StaleEdit):
            toast(
                self,
                f"Not saved ({title}): {exc}. Showing the latest; try again.",
                severity="warning",
            )
            self.reload()
            return
        report_save_failure(self, exc, lambda: self._save(item_id, status, reason, advance=False))

    def _advance(self, item_id: str) -> None:
        self.changed.add(item_id)
        self.index += 1
        self._show()

    def _open_editor(
        self, status: ItemStatus | None = None, focus: str | None = None, *, advance: bool = False
    ) -> None:
        """The full editor; after a save, move on (`advance`) or show the item again."""
        item_id = self.item_id
        if item_id is None or self.case is None or self.template is None or self.evaluation is None:
            return

        def closed(saved: bool | None) -> None:
            if saved and advance:
                self._advance(item_id)
                self.reload()
            elif saved:
                self.changed.add(item_id)
                self.reload()

        item = self.template.item(item_id)
        self.app.push_screen(
            editor_for(self.session, self.case, self.evaluation, item, status=status, focus=focus),
            closed,
        )

    def action_edit(self) -> None:
        self._open_editor()

    def action_back(self) -> None:
        self.dismiss(None)
