"""Edit one checklist item: status, evidence, reason and notes, saved at once and durably.

A save carries the item's revision as the officer opened it; if someone else saved the
item meanwhile, the officer sees both versions and chooses which one stands.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Label, Select, Static, TextArea

from planner.domain.assessment import due_date, missing_evidence
from planner.domain.calendar import format_day
from planner.domain.case import Case
from planner.domain.checklist import EvidenceValue, ItemRecord
from planner.domain.errors import InvalidInput
from planner.domain.evidence import evidence_date_problem
from planner.domain.gaps import Evaluation, Flag
from planner.domain.status import ItemStatus
from planner.domain.template import EvidenceField, ItemTemplate
from planner.domain.text import notes_text, visible
from planner.store.errors import StaleEdit
from planner.tui.formatting import SEVERITY_STYLE, flag_line, status_text
from planner.tui.literal import literal, toast
from planner.tui.saving import SAVE_REFUSED, report_save_failure
from planner.tui.screens.conflict import ConflictScreen, item_differences
from planner.tui.screens.unsaved import FormScreen
from planner.tui.session import Session
from planner.tui.widgets.evidence import (
    ChoiceField,
    ErrorLine,
    FormField,
    TextField,
    evidence_field,
    read_evidence,
    text_problem,
)
from planner.tui.widgets.save_buttons import SaveBackButtons, save_allowed


def editor_for(
    session: Session,
    case: Case,
    evaluation: Evaluation,
    item: ItemTemplate,
    *,
    status: ItemStatus | None = None,
    focus: str | None = None,
) -> ItemEditor:
    """An editor on one item of a case as it stands, with its due date and flags."""
    due = due_date(item, case.person.release_date, case.created_at.date())
    return ItemEditor(
        session,
        case.number,
        item,
        case.checklist.item(item.id),
        evaluation.flags_for_item(item.id),
        due=format_day(due) if due else "",
        status=status,
        focus=focus,
        plausible=lambda field, day: evidence_date_problem(
            field, day, case.person, evaluation.today
        ),
    )


class ItemEditor(FormScreen[bool]):
    """Dismisses with True once saved, False when the officer goes back without saving
    (after saying what to do with any changes)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+s",
            "save",
            "Save",
            tooltip="Save now (it is written to disk at once)",
            id="item.save",
        ),
        Binding(
            "escape", "back", "Back", tooltip="Back (asks about unsaved changes)", id="item.back"
        ),
    ]

    def __init__(
        self,
        session: Session,
        number: str,
        item: ItemTemplate,
        record: ItemRecord,
        flags: tuple[Flag, ...] = (),
        *,
        due: str = "",
        status: ItemStatus | None = None,
        focus: str | None = None,
        plausible: Callable[[EvidenceField, date], str | None] | None = None,
    ) -> None:
        super().__init__()
        self.plausible = plausible
        self.session = session
        self.number = number
        self.item = item
        self.record = record
        self.flags = flags
        self.due = due
        self.start_status = status or record.status
        self.focus_field = focus

    def compose(self) -> ComposeResult:
        item = self.item
        with VerticalScroll(classes="dialog editor") as box:
            box.border_title = literal(f"{self.number} · {item.title}")
            box.border_subtitle = "Ctrl+S saves · Esc goes back"
            about = Text()
            if self.due:
                about.append(f"Due {self.due}", "bold")
                about.append(visible(f" · applies to {item.applies_label}") + "\n")
            about.append(visible(item.why) + "\n", "italic")
            about.append(
                visible(f"Source: {item.source} · rule checked {format_day(item.checked)}"), "dim"
            )
            for flag in self.flags:
                about.append("\n")
                about.append(flag_line(flag), SEVERITY_STYLE[flag.severity])
            yield Static(about, id="item-about")
            statuses = [(status_text(s), s) for s in ItemStatus]
            yield ChoiceField("status", "Status", statuses, self.start_status, allow_blank=False)
            for field in item.evidence:
                yield evidence_field(field, self.record.evidence.get(field.name), self.plausible)
            yield TextField(
                "reason",
                "Reason",
                self.record.reason,
                hint="Needed for not required, declined and blocked.",
                max_length=500,
            )
            yield Label("Notes", classes="notes-label")
            yield TextArea(
                visible(self.record.notes, multiline=True), id="notes", classes="field-input"
            )
            yield ErrorLine(id="notes-error")
            yield SaveBackButtons("item-save", read_only=self.session.read_only)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return save_allowed(action, self.session.read_only)

    def on_mount(self) -> None:
        self._mark_reason(self.start_status)
        wanted = self.query(f"#field-ev-{self.focus_field}") if self.focus_field else None
        field = wanted.first(FormField) if wanted else self.query_one("#field-status", FormField)
        field.focus_input()

    @on(Select.Changed, "#field-status Select")
    def status_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, ItemStatus):
            self._mark_reason(event.value)

    def _mark_reason(self, status: ItemStatus) -> None:
        label = self.query_one("#field-reason > Label", Label)
        label.update("Reason *" if status.needs_reason else "Reason")

    # --- saving ---------------------------------------------------------------------------

    def _read(self) -> tuple[ItemStatus, dict[str, EvidenceValue | None], str, str] | None:
        """The form as a change, or None after showing what is wrong beside each field."""
        ok = True
        status = self.query_one("#field-status", ChoiceField).read()
        evidence: dict[str, EvidenceValue | None] = {}
        for widget in self.query(FormField):
            if widget.evidence is None:
                continue
            try:
                evidence[widget.evidence.name] = read_evidence(widget)
            except InvalidInput:
                ok = False
        reason_field = self.query_one("#field-reason", TextField)
        reason = reason_field.text
        if status.needs_reason and not reason:
            reason_field.show_error(f"Say why the item is {status.label}: a reason is needed.")
            ok = False
        elif problem := text_problem(notes_text, reason):
            reason_field.show_error(problem)
            ok = False
        notes = self.query_one("#notes", TextArea).text.strip()
        problem = text_problem(notes_text, notes)
        self.query_one("#notes-error", ErrorLine).show(problem or "")
        ok = ok and problem is None
        return (status, evidence, reason, notes) if ok else None

    def action_save(self) -> None:
        change = self._read()
        if change is None:
            toast(self, "Not saved: see the messages on the form.", severity="warning")
            return
        self._save(change, self.record.rev)

    def _save(
        self,
        change: tuple[ItemStatus, dict[str, EvidenceValue | None], str, str],
        expected_rev: int,
    ) -> None:
        status, evidence, reason, notes = change

        def write() -> Case:
            return self.session.store.save_item(
                self.number,
                self.item.id,
                status=status,
                evidence=evidence,
                reason=reason,
                notes=notes,
                expected_rev=expected_rev,
            )

        def refused(exc: Exception) -> None:
            if isinstance(exc, StaleEdit):
                self._resolve_conflict(change, exc)
            elif isinstance(exc, SAVE_REFUSED):
                report_save_failure(self, exc, lambda: self._save(change, expected_rev))

        self.save_in_background(write, self._saved, refused, refusals=(StaleEdit, *SAVE_REFUSED))

    def _saved(self, case: Case) -> None:
        saved = case.checklist.item(self.item.id)
        unrecorded = missing_evidence(self.item, saved)
        missing = [f.label for f in self.item.required_fields if f.name in unrecorded]
        if saved.status is ItemStatus.DONE and missing:
            toast(self, f"Saved. Still to record: {', '.join(missing)}.", severity="warning")
        else:
            toast(self, "Saved")
        self.dismiss(True)

    def _resolve_conflict(
        self, change: tuple[ItemStatus, dict[str, EvidenceValue | None], str, str], exc: StaleEdit
    ) -> None:
        theirs = exc.current
        mine = exc.attempted
        assert isinstance(theirs, ItemRecord) and isinstance(mine, ItemRecord)

        def decided(choice: str | None) -> None:
            if choice == "mine":
                self._save(change, theirs.rev)
            elif choice == "theirs":
                toast(self, "Kept their version; your changes were not saved.")
                self.dismiss(True)

        rows = item_differences(self.item, mine, theirs)
        who = theirs.changed_by or "someone else"
        self.app.push_screen(ConflictScreen(f"{self.item.title}: changed by {who}", rows), decided)

    @property
    def what_is_edited(self) -> str:
        return f"“{self.item.title}”"

    @property
    def can_save(self) -> bool:
        return not self.session.read_only

    def action_back(self) -> None:
        self.leave(False)
