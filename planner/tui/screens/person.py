"""One person: release header, checklist by section, and the gap panel beside it."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from planner.domain.assessment import applies, due_date
from planner.domain.calendar import release_day_risk
from planner.domain.case import Case
from planner.domain.errors import InvalidInput
from planner.domain.gaps import Evaluation, Flag, FlagKind, SectionStatus, Severity
from planner.domain.release_outcome import choose_measures
from planner.domain.template import ItemTemplate, Template
from planner.domain.text import visible
from planner.export.contacts import com_name_and_unit
from planner.store.errors import CaseNotFound, StoreError
from planner.tui.formatting import (
    SEVERITY_STYLE,
    STATUS_STYLE,
    days_sentence,
    flag_counts,
    readiness_text,
    release_text,
    severity_word,
    status_text,
)
from planner.tui.literal import literal_text, toast
from planner.tui.saving import refuse_if_read_only
from planner.tui.screens.base import READING, DataScreen
from planner.tui.session import Session
from planner.tui.widgets.banner import StoreBanner
from planner.tui.widgets.footer import PlannerFooter

NARROW = 110
SECTION_PREFIX = "section:"
FLAG_PREFIX = "flag:"


def person_header(case: Case, evaluation: Evaluation) -> Text:
    """Who, when, how ready, and what to do about a bad release day."""
    person = case.person
    text = Text()
    # Name and number in one run with a visible separator: spaces alone between two
    # differently styled runs vanish when the screen is copied as text ("Bea BrownB2345CD").
    text.append(visible(f"{person.display_name} · {person.number}"), "bold")
    where = " · ".join(p for p in (person.prison, person.location, person.state.value) if p)
    text.append(visible(f" · {where}") + "\n")
    text.append("Release ")
    text.append(release_text(person.release_date), "bold")
    text.append(f" ({person.release_kind.value}) · {days_sentence(evaluation.days_to_release)}")
    assessment = evaluation.assessment
    text.append(
        f" · ready {assessment.resolved} of {assessment.applicable} "
        f"({readiness_text(assessment.readiness)})"
    )
    counts = dict.fromkeys(Severity, 0)
    for flag in evaluation.flags:
        counts[flag.severity] += 1
    text.append(" · flags ")
    text.append(
        flag_counts(counts[Severity.CRITICAL], counts[Severity.WARNING], counts[Severity.INFO]),
        SEVERITY_STYLE[Severity.CRITICAL] if counts[Severity.CRITICAL] else "",
    )
    if person.release_date is not None and (evaluation.days_to_release or 0) >= 0:
        risk = release_day_risk(person.release_date)
        if risk is not None:
            text.append("\n")
            text.append(f"{severity_word(Severity.WARNING)} release day: ", "bold yellow")
            text.append(f"{risk.description}. What can be done: {risk.advice}.")
    return text


def person_contacts(case: Case) -> Text:
    """Who to reach: the COM (a name on the allocation item counts), the POM, and the
    person's own phone and email when recorded. With details recorded the COM has a line
    of its own; a missing COM says how to add one."""
    person = case.person
    text = Text()
    com_name, com_unit = com_name_and_unit(case)
    com = person.community_offender_manager
    text.append("COM: ", "bold")
    com_known = bool(com_name or com.phone or com.email)
    if com_known:
        unit = f"{com_unit} PDU" if com_unit and "pdu" not in com_unit.casefold() else com_unit
        text.append(visible(_joined(com_name or "name not recorded", unit, com.phone, com.email)))
        if com_name and not com.name.strip():
            text.append(" (named on the allocation item)", "dim")
    else:
        text.append("not recorded (p adds one)", SEVERITY_STYLE[Severity.WARNING])
    pom = person.prison_offender_manager
    pom_known = bool(pom.name or pom.phone or pom.email)
    own_known = bool(person.phone or person.email)
    text.append("\nPOM: " if com_known or pom_known or own_known else " │ POM: ", "bold")
    if pom_known:
        text.append(
            visible(_joined(pom.name or "name not recorded", pom.unit, pom.phone, pom.email))
        )
    else:
        text.append("not recorded", "dim")
    if own_known:
        text.append(" │ Their own: ", "bold")
        text.append(visible(_joined(person.phone, person.email)))
    return text


def _joined(*parts: str) -> str:
    return ", ".join(part.strip() for part in parts if part.strip())


def section_prompt(section: SectionStatus) -> Text:
    text = Text()
    # A visible separator after the title: spaces alone between two differently styled
    # runs vanish when the screen is copied as text ("Release1/2").
    text.append(visible(section.title), "bold underline")
    detail = f" · {section.resolved}/{section.applicable} · {section.label}"
    text.append(detail, SEVERITY_STYLE[section.worst] if section.worst is not None else "")
    return text


def short_date(day: date) -> str:
    """'5 Aug 2026': due dates, where the weekday matters less than for release day."""
    return f"{day.day} {day:%b %Y}"


def item_prompt(item: ItemTemplate, case: Case, due: date | None, flags: tuple[Flag, ...]) -> Table:
    """Status, title, due date and the worst flag, as one row of the checklist."""
    record = case.checklist.item(item.id)
    grid = Table.grid(expand=True, padding=(0, 1))
    grid.add_column(width=14, no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_column(width=15, no_wrap=True)
    right = Text()
    if due is not None:
        right.append(f"due {short_date(due)}", "" if flags else "dim")
    if flags:
        worst = flags[0]
        right.append("\n")
        right.append(severity_word(worst.severity), SEVERITY_STYLE[worst.severity])
        if len(flags) > 1:
            right.append(f" +{len(flags) - 1}")
    grid.add_row(
        Text(status_text(record.status), STATUS_STYLE[record.status]),
        literal_text(item.title),
        right,
    )
    return grid


def flag_prompt(flag: Flag) -> Text:
    text = Text()
    text.append(severity_word(flag.severity), SEVERITY_STYLE[flag.severity])
    text.append(f" · {flag.kind.label}\n", "bold")
    # The sentence may quote an officer's reason, which is free text: its tabs and line
    # breaks are the officer's own and shown as such.
    text.append(visible(flag.reason, multiline=True))
    return text


class PersonScreen(DataScreen):
    """The checklist on the left, every gap on the right; Enter edits, w walks through."""

    TITLE = "Person"
    EDITING = frozenset({"edit", "details", "outcomes"})

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Back to the caseload", id="person.back"),
        Binding(
            "w",
            "walk",
            "Walk me through",
            tooltip="Step through every open item, most urgent first",
            id="person.walk",
        ),
        Binding(
            "e",
            "edit",
            "Edit item",
            tooltip="Edit the highlighted item (or press Enter)",
            id="person.edit",
        ),
        Binding(
            "g", "gaps", "Gaps", tooltip="Move to the gap panel (Tab also moves)", id="person.gaps"
        ),
        Binding(
            "p",
            "details",
            "Details",
            tooltip="Edit the person's details and circumstances",
            id="person.details",
        ),
        Binding(
            "h", "history", "History", tooltip="Who changed what, and when", id="person.history"
        ),
        Binding(
            "x",
            "export",
            "Export",
            tooltip="Write the handover summary for probation to a file",
            id="person.export",
        ),
        Binding(
            "P",
            "plan",
            "Their plan",
            tooltip="Write the person's own plan: large print, plain English, for them",
            id="person.plan",
        ),
        Binding(
            "o",
            "outcomes",
            "Outcomes",
            tooltip="Record what happened on release day, and the follow-ups after it",
            id="person.outcomes",
        ),
        Binding(
            "T",
            "transfer_out",
            "Transfer out",
            show=False,
            tooltip="Send this person's record to another prison in an encrypted file",
            id="person.transfer_out",
        ),
    ]

    def __init__(self, session: Session, number: str) -> None:
        super().__init__(session)
        self.number = number
        self.case: Case | None = None
        self.template: Template | None = None
        self.evaluation: Evaluation | None = None
        self.measures: Template | None = None  # whose outcome measures the person records
        self._flags: list[Flag] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield StoreBanner()
        yield Static("", id="person-header")
        yield Static("", id="person-contacts")
        with Horizontal(id="person-body"):
            yield OptionList(id="checklist")
            yield OptionList(id="gaps")
        yield PlannerFooter()

    def on_mount(self) -> None:
        # Until the first read is shown: plain text, no loading indicator to come and go.
        self.query_one("#person-header", Static).update(READING)
        self.reload()
        self.query_one("#checklist", OptionList).focus()

    def on_resize(self, event: events.Resize) -> None:
        """Below 110 columns the gap panel goes under the checklist, not beside it."""
        self.set_class(event.size.width < NARROW, "-narrow")

    def read_data(self) -> tuple[Case, Template, Evaluation]:
        case, template, evaluation = self.session.read_case(self.number)
        try:  # read here, off the event loop, for the outcomes form
            self.measures = choose_measures(
                self.session.store.outcome_template(case), template, self.session.templates.get
            )
        except InvalidInput:
            self.measures = None
        return case, template, evaluation

    def read_refused(self, error: StoreError) -> None:
        if isinstance(error, CaseNotFound):
            toast(self, f"{self.number} is no longer in the database.", severity="error")
            self.dismiss(None)
        else:
            super().read_refused(error)

    def show_data(self, data: tuple[Case, Template, Evaluation]) -> None:
        case, template, evaluation = data
        self.case, self.template, self.evaluation = case, template, evaluation
        self.sub_title = visible(f"{case.person.display_name} · {case.number}")
        self.query_one("#person-header", Static).update(person_header(case, evaluation))
        self.query_one("#person-contacts", Static).update(person_contacts(case))
        self._show_checklist(case, template, evaluation)
        self._show_gaps(evaluation)

    def _show_checklist(self, case: Case, template: Template, evaluation: Evaluation) -> None:
        checklist = self.query_one("#checklist", OptionList)
        keep = checklist.highlighted_option.id if checklist.highlighted_option else None
        created = case.created_at.date()
        options: list[Option] = []
        sections = {s.section: s for s in evaluation.sections}
        for section in template.sections:
            items = [i for i in template.items if i.section == section.id and applies(i, case)]
            status = sections.get(section.id)
            if not items or status is None:
                continue
            options.append(
                Option(section_prompt(status), id=SECTION_PREFIX + section.id, disabled=True)
            )
            for item in items:
                due = due_date(item, case.person.release_date, created)
                prompt = item_prompt(item, case, due, evaluation.flags_for_item(item.id))
                options.append(Option(prompt, id=item.id))
        checklist.set_options(options)
        checklist.border_title = "Checklist"
        checklist.border_subtitle = "Read-only" if self.session.read_only else "Enter edits"
        self._highlight(keep or next((o.id for o in options if not o.disabled), None))

    def _show_gaps(self, evaluation: Evaluation) -> None:
        gaps = self.query_one("#gaps", OptionList)
        self._flags = list(evaluation.flags)
        options = [
            Option(flag_prompt(f), id=f"{FLAG_PREFIX}{i}") for i, f in enumerate(self._flags)
        ]
        if not options:
            options = [
                Option(Text("No gaps: nothing is overdue, blocked or missing."), disabled=True)
            ]
        gaps.set_options(options)
        gaps.highlighted = 0 if self._flags else None
        gaps.border_title = f"Gaps ({len(self._flags)})"
        gaps.border_subtitle = "Enter jumps to the item"

    def _highlight(self, item_id: str | None) -> None:
        checklist = self.query_one("#checklist", OptionList)
        if item_id is None:
            return
        try:
            checklist.highlighted = checklist.get_option_index(item_id)
        except Exception:  # the item no longer applies
            checklist.highlighted = None

    # --- actions --------------------------------------------------------------------------

    @on(OptionList.OptionSelected, "#checklist")
    def edit_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id and not event.option.id.startswith(SECTION_PREFIX):
            self.edit_item(event.option.id)

    @on(OptionList.OptionSelected, "#gaps")
    def jump_to_flag(self, event: OptionList.OptionSelected) -> None:
        option_id = event.option.id or ""
        if not option_id.startswith(FLAG_PREFIX) or self.template is None:
            return
        flag = self._flags[int(option_id.removeprefix(FLAG_PREFIX))]
        if flag.kind in (FlagKind.NO_RELEASE_DATE, FlagKind.RELEASE_PASSED):
            self.action_details()
            return
        if flag.kind is FlagKind.FOLLOW_UP:
            self.action_outcomes()
            return
        target = flag.item_id
        if target is None and flag.section is not None:
            target = next((i.id for i in self.template.items if i.section == flag.section), None)
        self._highlight(target)
        self.query_one("#checklist", OptionList).focus()

    def edit_item(self, item_id: str) -> None:
        from planner.tui.screens.item_editor import editor_for

        if self.case is None or self.template is None or self.evaluation is None:
            return
        if refuse_if_read_only(self, self.session):
            return
        editor = editor_for(self.session, self.case, self.evaluation, self.template.item(item_id))
        self.app.push_screen(editor, lambda saved: self.reload() if saved else None)

    def action_edit(self) -> None:
        option = self.query_one("#checklist", OptionList).highlighted_option
        if option is not None and option.id and not option.id.startswith(SECTION_PREFIX):
            self.edit_item(option.id)

    def action_gaps(self) -> None:
        self.query_one("#gaps", OptionList).focus()

    def action_walk(self) -> None:
        from planner.tui.screens.walkthrough import WalkThroughScreen

        self.app.push_screen(WalkThroughScreen(self.session, self.number))

    def action_history(self) -> None:
        from planner.tui.screens.history import HistoryScreen

        self.app.push_screen(HistoryScreen(self.session, self.number))

    def action_details(self) -> None:
        from planner.tui.screens.person_form import PersonFormScreen

        if self.case is None or refuse_if_read_only(self, self.session):
            return
        self.app.push_screen(
            PersonFormScreen(self.session, self.case.person, case=self.case),
            lambda _: self.reload(),
        )

    def action_outcomes(self) -> None:
        from planner.tui.screens.release_outcomes import ReleaseOutcomesScreen

        if self.case is None or refuse_if_read_only(self, self.session):
            return
        if self.measures is None:
            toast(self, "This person's template defines no release outcomes.", severity="warning")
            return
        self.app.push_screen(
            ReleaseOutcomesScreen(self.session, self.case, self.measures),
            lambda saved: self.reload() if saved else None,
        )

    def action_export(self, plan: bool = False) -> None:
        from planner.export.files import ExportFormat
        from planner.tui.screens.export_case import ExportScreen

        if self.case is None:
            return
        fmt = ExportFormat.PLAN if plan else ExportFormat.PDF
        self.app.push_screen(
            ExportScreen(self.session, self.case.person, fmt),
            lambda changed: self.reload() if changed else None,
        )

    def action_transfer_out(self) -> None:
        from planner.tui.screens.transfer_out import TransferOutScreen

        if self.case is None or refuse_if_read_only(self, self.session):
            return
        self.app.push_screen(
            TransferOutScreen(self.session, self.case.person),
            lambda changed: self.reload() if changed else None,
        )

    def action_plan(self) -> None:
        """The export dialog with the person's own plan chosen."""
        self.action_export(plan=True)

    def action_back(self) -> None:
        self.dismiss(None)
