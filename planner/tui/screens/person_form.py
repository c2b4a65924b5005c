"""Add a person, or edit a person's details and circumstances, with inline validation.

The form checks exactly what the Person model checks (the model does the checking), and
shows each problem beside its field; nothing is saved until every field is acceptable.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import ValidationError
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, VerticalScroll
from textual.css.query import NoMatches
from textual.widgets import Checkbox, Label

from planner.domain.case import Case
from planner.domain.contact_details import PHONE_EXAMPLE
from planner.domain.contact_fields import (
    CONTACT_FIELDS,
    CONTACT_FIELDS_BY_KEY,
    CONTACT_HEADINGS,
    ContactField,
    contact_field_at,
    put_contact_values,
)
from planner.domain.equality import ETHNICITIES, RELIGIONS, SEX_LABELS, Sex
from planner.domain.errors import InvalidInput
from planner.domain.person import CIRCUMSTANCE_LABELS, CaseState, Circumstances, Person, ReleaseKind
from planner.export.contacts import com_name_and_unit
from planner.export.import_changes import person_differences as detail_differences
from planner.store.errors import CaseExists, StaleEdit
from planner.tui.literal import literal, toast
from planner.tui.saving import SAVE_REFUSED, report_save_failure
from planner.tui.screens.conflict import ConflictScreen, Difference
from planner.tui.screens.unsaved import FormScreen
from planner.tui.session import Session
from planner.tui.widgets.evidence import (
    YES_NO,
    ChoiceField,
    DateField,
    ErrorLine,
    FormField,
    TextField,
)
from planner.tui.widgets.save_buttons import SaveBackButtons, save_allowed
from planner.tui.widgets.sentence_field import SentenceField
from planner.tui.widgets.tick_box import TickBox

# "e.g.", so an example is never taken for a number someone recorded.
_PLACEHOLDERS = {
    "phone": f"e.g. {PHONE_EXAMPLE.split(' or ')[0]}",
    "email": "e.g. name@example.org",
}


def _label(name: str) -> str:
    return name.replace("_", " ").capitalize()


def person_differences(mine: Person, theirs: Person) -> list[Difference]:
    """Each detail that differs, as the import check lists them: a contact part by part."""
    rows = [(c.label, c.old, c.new) for c in detail_differences(mine, theirs)]
    return rows or [("(no difference)", "", "")]


class PersonFormScreen(FormScreen[str | None]):
    """Dismisses with the prison number saved, or None (after asking about any changes)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", tooltip="Check and save", id="person_form.save"),
        Binding(
            "escape",
            "back",
            "Back",
            tooltip="Back (asks about unsaved changes)",
            id="person_form.back",
        ),
    ]

    def __init__(
        self, session: Session, person: Person | None = None, *, case: Case | None = None
    ) -> None:
        super().__init__()
        self.session = session
        self.original = person
        self.case = case  # the person's case, for the COM named on its allocation item

    @property
    def adding(self) -> bool:
        return self.original is None

    def compose(self) -> ComposeResult:
        p = self.original
        with VerticalScroll(classes="dialog person-form") as box:
            box.border_title = (
                "Add a person" if p is None else literal(f"Details of {p.display_name}")
            )
            box.border_subtitle = "Ctrl+S saves · Esc goes back · * needed"
            with Container(classes="form-grid"):
                yield TextField(
                    "number",
                    "Prison number",
                    p.number if p else "",
                    required=True,
                    placeholder="A1234BC",
                    max_length=7,
                    disabled=p is not None,
                )
                yield ChoiceField(
                    "state",
                    "State",
                    [(s.value, s) for s in CaseState],
                    p.state if p else CaseState.ACTIVE,
                    allow_blank=False,
                )
                yield TextField(
                    "forename", "Forename", p.forename if p else "", required=True, max_length=80
                )
                yield TextField(
                    "surname", "Surname", p.surname if p else "", required=True, max_length=80
                )
                yield DateField("release_date", "Release date", p.release_date if p else None)
                yield ChoiceField(
                    "release_kind",
                    "Release date type",
                    [(k.value, k) for k in ReleaseKind],
                    p.release_kind if p else ReleaseKind.CRD,
                    allow_blank=False,
                )
                yield DateField("date_of_birth", "Date of birth", p.date_of_birth if p else None)
                yield ChoiceField(
                    "hdc_eligible", "HDC eligible", YES_NO, p.hdc_eligible if p else None
                )
                yield TextField("prison", "Prison", p.prison if p else "", max_length=80)
                yield TextField(
                    "location",
                    "Location",
                    p.location if p else "",
                    placeholder="B-2-014",
                    max_length=40,
                )
                yield TextField(
                    "crn",
                    "CRN (probation)",
                    p.crn or "" if p else "",
                    placeholder="X123456",
                    max_length=7,
                )
                yield TextField(
                    "pnc",
                    "PNC number",
                    p.pnc or "" if p else "",
                    placeholder="2012/0052834X",
                    max_length=14,
                )
                yield ChoiceField(
                    "sex",
                    "Sex (optional)",
                    [(SEX_LABELS[s.value], s) for s in Sex],
                    p.sex if p else None,
                )
                yield ChoiceField(
                    "ethnicity",
                    "Ethnicity (optional)",
                    [(label, code) for code, label in ETHNICITIES.items()],
                    p.ethnicity if p else None,
                )
                yield ChoiceField(
                    "religion",
                    "Religion (optional)",
                    [(label, code) for code, label in RELIGIONS.items()],
                    p.religion if p else None,
                )
                yield SentenceField("sentence", "Sentence length", p.sentence if p else None)
            yield from self._contact_fields(p)
            yield Label("Circumstances (they switch checklist items on)", classes="section-label")
            circumstances = p.circumstances if p else Circumstances()
            with Container(classes="form-grid"):
                for name, label in CIRCUMSTANCE_LABELS.items():
                    yield TickBox(label, bool(getattr(circumstances, name)), id=f"c-{name}")
            yield ErrorLine(id="form-error")
            yield SaveBackButtons("form-save", read_only=self.session.read_only)

    def _contact_fields(self, p: Person | None) -> ComposeResult:
        """The offender managers' and the person's own contact details, each group under
        its heading; all optional, checked as the CLI checks them (the Person model)."""
        for contact, heading in CONTACT_HEADINGS.items():
            yield Label(heading, classes="section-label")
            with Container(classes="form-grid contacts"):
                for field in CONTACT_FIELDS:
                    if field.contact != contact:
                        continue
                    yield TextField(
                        field.key,
                        field.label,
                        field.value(p) if p else "",
                        placeholder=_PLACEHOLDERS.get(field.part, ""),
                        hint=self._allocated_hint(field),
                    )  # no length cap: a longer value recorded elsewhere is never cut

    def _allocated_hint(self, field: ContactField) -> str:
        """Beside a blank COM name: the name on the allocation item, which counts too."""
        if self.case is None or field.key != "com" or field.value(self.case.person).strip():
            return ""
        named, _unit = com_name_and_unit(self.case)
        return f"On the allocation item: {named}" if named else ""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return save_allowed(action, self.session.read_only)

    def on_mount(self) -> None:
        self.query_one(
            "#field-number" if self.adding else "#field-forename", FormField
        ).focus_input()

    def _read(self) -> Person | None:
        """The form as a Person, or None after showing every problem beside its field:
        the fields' own checks (a real date, a needed name) and then the model's."""
        data: dict[str, Any] = self.original.model_dump() if self.original else {}
        failed: set[str] = set()
        contacts: dict[str, str | None] = {}
        for widget in self.query(FormField):
            try:
                value = widget.read()
            except InvalidInput:
                failed.add(widget.field_name)
                value = None
            if widget.field_name in CONTACT_FIELDS_BY_KEY:
                contacts[widget.field_name] = value or ""
            else:
                data[widget.field_name] = value
        put_contact_values(data, contacts)
        if self.original is not None:
            data["number"] = self.original.number
        data["circumstances"] = {
            name: self.query_one(f"#c-{name}", Checkbox).value for name in CIRCUMSTANCE_LABELS
        }
        for key in ("prison", "location"):
            data[key] = data.get(key) or ""
        try:
            person = Person.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors():
                message = str(error["msg"]).removeprefix("Value error, ")
                contact = contact_field_at(tuple(str(part) for part in error["loc"]))
                if contact is not None:  # "Email is not an email address like ..."
                    self._field_error(contact.key, f"{contact.label} {message}")
                    continue
                where = str(error["loc"][0]) if error["loc"] else ""
                if where not in failed:
                    self._field_error(where, message)
            return None
        return None if failed else person

    def _field_error(self, name: str, message: str) -> None:
        try:
            self.query_one(f"#field-{name}", FormField).show_error(message)
        except NoMatches:
            self.query_one("#form-error", ErrorLine).show(f"{_label(name)}: {message}")

    def action_save(self) -> None:
        self.query_one("#form-error", ErrorLine).show("")
        person = self._read()
        if person is None:
            toast(self, "Not saved: see the messages on the form.", severity="warning")
            return
        store, original = self.session.store, self.original

        def write() -> Person:
            if original is None:
                store.add(person, self.session.new_case_template())
            else:
                store.update_person(person, expected=original)
            return person

        def refused(exc: Exception) -> None:
            if isinstance(exc, CaseExists):
                self._field_error("number", str(exc))
            elif isinstance(exc, StaleEdit):
                self._resolve_conflict(person, exc)
            elif isinstance(exc, SAVE_REFUSED):
                report_save_failure(self, exc, self.action_save)

        self.save_in_background(
            write, self._saved, refused, refusals=(CaseExists, StaleEdit, *SAVE_REFUSED)
        )

    def _saved(self, person: Person) -> None:
        warning = person.pnc_warning()
        if warning:
            toast(self, warning, severity="warning", timeout=10)
        toast(self, "Added" if self.adding else "Saved")
        self.dismiss(person.number)

    def _resolve_conflict(self, person: Person, exc: StaleEdit) -> None:
        theirs = exc.current
        assert isinstance(theirs, Person)

        def decided(choice: str | None) -> None:
            if choice == "mine":

                def write() -> Person:
                    self.session.store.update_person(person, expected=theirs)
                    return person

                def refused(again: Exception) -> None:
                    if isinstance(again, SAVE_REFUSED):
                        report_save_failure(self, again, lambda: decided("mine"))

                self.save_in_background(write, self._saved, refused, refusals=SAVE_REFUSED)
            elif choice == "theirs":
                toast(self, "Kept their version; your changes were not saved.")
                self.dismiss(None)

        rows = person_differences(person, theirs)
        self.app.push_screen(
            ConflictScreen(f"{person.number}: details changed meanwhile", rows), decided
        )

    @property
    def what_is_edited(self) -> str:
        if self.original is None:
            return "the new person"
        return f"the details of {self.original.display_name}"

    @property
    def can_save(self) -> bool:
        return not self.session.read_only

    def action_back(self) -> None:
        self.leave(None)
