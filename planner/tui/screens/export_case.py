"""Export one person's handover summary, then offer to record that it went to probation.

The officer chooses the format, whether to redact, and where the file goes (the folder
last exported to, or the home folder, and the predictable name to start with; F2 picks).
The file is written in a worker; an existing file is replaced only when the officer says
so. After a full (not redacted) summary is written, planner asks whether to mark "Handover
summary sent" done with today's date and the format: it never records that on its own.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Container, Vertical, VerticalScroll
from textual.widgets import Checkbox, Input, Select, Static

from planner.domain.assessment import applies
from planner.domain.calendar import format_day
from planner.domain.checklist import EvidenceValue, ItemRecord
from planner.domain.person import Person
from planner.domain.status import ItemStatus
from planner.domain.template import FieldType, ItemTemplate
from planner.export.audit import ExportNotNoted
from planner.export.files import (
    ExportError,
    ExportFormat,
    OutputExists,
    OutputTarget,
    summary_file_name,
)
from planner.export.service import export_case
from planner.store.errors import StaleEdit, StoreError
from planner.tui.literal import literal, literal_text, toast
from planner.tui.saving import SAVE_REFUSED, report_save_failure
from planner.tui.screens.export_dialog import ExportDialog
from planner.tui.screens.file_picker import save_picker
from planner.tui.screens.prompts import ConfirmScreen
from planner.tui.session import Session
from planner.tui.widgets.evidence import ChoiceField, TextField
from planner.tui.widgets.tick_box import TickBox

SUMMARY_SENT = "handover.summary_sent"
REDACT_HINT = "Leaves out health, equality and notes."

SUMMARY_FORMATS: tuple[tuple[str, ExportFormat], ...] = (
    ("PDF", ExportFormat.PDF),
    ("Markdown", ExportFormat.MARKDOWN),
    ("JSON", ExportFormat.JSON),
    ("Case note text", ExportFormat.NOTE),
)
# One person's export also offers their own plan (a batch writes summaries only).
FORMAT_CHOICES = (*SUMMARY_FORMATS, ("Their own plan (large print PDF)", ExportFormat.PLAN))
HEALTH_HINT = "Their own plan only: names GP, treatment and mental health appointments."
FORMAT_WORDS: dict[ExportFormat, str] = {
    ExportFormat.PDF: "PDF",
    ExportFormat.MARKDOWN: "Markdown",
    ExportFormat.JSON: "JSON",
    ExportFormat.NOTE: "case note text",
    ExportFormat.PLAN: "their own plan",
}


def suggested_name(person: Person, fmt: ExportFormat, redact: bool) -> str:
    """The batch export's predictable name; a redacted copy says so in its name."""
    name = summary_file_name(person.number, person.surname, person.release_date, fmt)
    if redact:
        stem, _, extension = name.rpartition(".")
        name = f"{stem}_redacted.{extension}"
    return name


def sent_evidence(
    item: ItemTemplate, fmt: ExportFormat, today: date
) -> dict[str, EvidenceValue | None]:
    """Evidence for "summary sent" as far as the item's fields allow: the first date field
    is today, and a field named `format` gets the format (a matching choice, or words)."""
    evidence: dict[str, EvidenceValue | None] = {}
    dates = [f for f in item.evidence if f.type is FieldType.DATE]
    if dates:
        evidence[dates[0].name] = today.isoformat()
    for field in item.evidence:
        if field.name != "format":
            continue
        if field.type is FieldType.TEXT:
            evidence[field.name] = FORMAT_WORDS[fmt]
        elif field.type is FieldType.CHOICE:
            names = {fmt.value, fmt.extension, FORMAT_WORDS[fmt].lower()}
            for choice in field.choices:
                if choice.value.lower() in names or choice.label.lower() in names:
                    evidence[field.name] = choice.value
                    break
    return evidence


def _sent_on(item: ItemTemplate, record: ItemRecord) -> str:
    """' (sent Thu 19 Nov 2026)' from the item's first date field, or ''."""
    for field in item.evidence:
        if field.type is FieldType.DATE:
            value = record.evidence.get(field.name)
            try:
                return f" (sent {format_day(date.fromisoformat(str(value)))})"
            except ValueError:
                return ""
    return ""


class ExportScreen(ExportDialog):
    """Dismisses with True when the checklist changed (the summary was recorded as sent)."""

    def __init__(
        self, session: Session, person: Person, fmt: ExportFormat = ExportFormat.PDF
    ) -> None:
        super().__init__(session)
        self.person = person
        self._initial_format = fmt
        self._file_name = suggested_name(person, fmt, False)
        self.written: Path | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog export") as box:
            kind = (
                "Their own plan"
                if self._initial_format is ExportFormat.PLAN
                else "Handover summary"
            )
            box.border_title = literal(
                f"{kind} · {self.person.display_name} · {self.person.number}"
            )
            box.border_subtitle = "Ctrl+S exports · Esc goes back"
            with Container(classes="form-grid"):
                yield ChoiceField(
                    "format", "Format", FORMAT_CHOICES, self._initial_format, allow_blank=False
                )
                with Vertical(classes="redact"):
                    yield TickBox("Redacted", id="redact")
                    yield Static(REDACT_HINT, classes="hint")
                    yield TickBox("Include health", id="include-health")
                    yield Static(HEALTH_HINT, classes="hint")
            path = TextField(
                "path",
                "Save as",
                str(self.folder / self._file_name),
                required=True,
                hint="A file name, or a folder to put the file in.",
            )
            path.add_class("path")
            yield path
            yield from self.compose_result()

    def on_mount(self) -> None:
        self.query_one("#field-format", ChoiceField).focus_input()

    @property
    def format(self) -> ExportFormat:
        value = self.query_one("#field-format Select", Select).value
        return value if isinstance(value, ExportFormat) else ExportFormat.PDF

    @property
    def redact(self) -> bool:
        return self.format is not ExportFormat.PLAN and self.query_one("#redact", Checkbox).value

    @property
    def include_health(self) -> bool:
        checked = self.query_one("#include-health", Checkbox).value
        return self.format is ExportFormat.PLAN and checked

    @on(Select.Changed, "#field-format Select")
    @on(Checkbox.Changed, "#redact")
    def rename(self) -> None:
        """A new format or redaction renames the file, unless the officer named it."""
        path_input = self.query_one("#field-path Input", Input)
        name = suggested_name(self.person, self.format, self.redact)
        typed = Path(path_input.value.strip())
        if typed.name == self._file_name:
            path_input.value = str(typed.with_name(name))
        self._file_name = name

    # --- writing --------------------------------------------------------------------------

    def action_export(self, replace: bool) -> None:
        if self.running:
            return
        target = self.read_target("path")
        if target is None:
            return
        self.running = True
        self.say("Writing…")
        self._write(target, self.format, self.redact, replace, self.include_health)

    def action_choose(self) -> None:
        def chosen(path: Path | None) -> None:
            if path is not None:
                self.set_path("path", path)

        name = suggested_name(self.person, self.format, self.redact)
        self.app.push_screen(save_picker(self.typed_folder("path"), name), chosen)

    @work(
        thread=True,
        exclusive=True,
        group="export",
        exit_on_error=False,
        description="writing a summary",  # not the repr of its arguments (the path)
    )
    def _write(
        self,
        target: OutputTarget,
        fmt: ExportFormat,
        redact: bool,
        replace: bool,
        include_health: bool = False,
    ) -> None:
        session = self.session
        path = target.file(suggested_name(self.person, fmt, redact))
        try:
            target.make_folder()
            written = export_case(
                session.store,
                self.person.number,
                fmt,
                path,
                officer=session.officer,
                today=session.today,
                redact=redact,
                force=replace,
                include_health=include_health,
            )
        except OutputExists:
            message = f"{path.name} is already in {path.parent}"
            self.app.call_from_thread(self.offer_replace, message)
        except (ExportError, StoreError) as exc:  # written, not noted: ExportNotNoted
            only_the_note = isinstance(exc, ExportNotNoted)
            self.app.call_from_thread(self.failed, str(exc), written=only_the_note)
        else:
            self.remember(written.parent)
            self.app.call_from_thread(self._written, written, fmt, redact)

    def _written(self, path: Path, fmt: ExportFormat, redact: bool) -> None:
        self.written = path
        self.offer_replace(None)
        kind = "Redacted summary" if redact else "Summary"
        if fmt is ExportFormat.PLAN:
            kind = "Their own plan"
        self.say(Text.assemble((f"{kind} written to ", "bold green"), literal_text(path, "bold")))
        toast(self, f"{kind} written to {path}", timeout=10)
        if not redact and fmt is not ExportFormat.PLAN:
            self._offer_sent(fmt)

    # --- recording it sent ----------------------------------------------------------------

    def _offer_sent(self, fmt: ExportFormat) -> None:
        """Ask whether to mark "summary sent" done; never mark it without asking."""
        if self.session.read_only:
            return
        store, today = self.session.store, self.session.today
        try:
            case = store.get(self.person.number)
        except StoreError:
            return
        template = store.template_for(case)
        if not template.has_item(SUMMARY_SENT):
            return
        item = template.item(SUMMARY_SENT)
        if not applies(item, case):
            return
        record = case.checklist.item(SUMMARY_SENT)
        evidence = sent_evidence(item, fmt, today)
        question = (
            f"Has this summary gone to probation, or is it going now?\n\n“{item.title}” "
            f"would be marked done, sent {format_day(today)} as {FORMAT_WORDS[fmt]}."
        )
        if record.status is ItemStatus.DONE:
            already = _sent_on(item, record)
            question += f"\nIt is already marked done{already}; yes records this send instead."

        def answered(yes: bool | None) -> None:
            if yes:
                self._mark_sent(item, evidence, record.rev, fmt)

        self.app.push_screen(
            ConfirmScreen("Record the summary as sent?", question, yes="Mark sent"), answered
        )

    def _mark_sent(
        self,
        item: ItemTemplate,
        evidence: dict[str, EvidenceValue | None],
        rev: int,
        fmt: ExportFormat,
    ) -> None:
        try:
            self.session.store.save_item(
                self.person.number,
                item.id,
                status=ItemStatus.DONE,
                evidence=evidence,
                expected_rev=rev,
            )
        except StaleEdit:
            toast(
                self,
                f"Not marked: “{item.title}” was changed by someone else meanwhile; "
                "open it to check.",
                severity="warning",
                timeout=10,
            )
            return
        except SAVE_REFUSED as exc:
            report_save_failure(self, exc, lambda: self._mark_sent(item, evidence, rev, fmt))
            return
        self.changed = True
        sent = f"Marked “{item.title}” done: sent {format_day(self.session.today)}."
        assert self.written is not None
        self.say(
            Text.assemble(
                ("Summary written to ", "bold green"),
                literal_text(self.written, "bold"),
                "\n",
                literal_text(sent, "green"),
            )
        )
        toast(self, sent)
