"""Form fields with inline validation: a date that must be real, a choice, yes/no, text."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Select, Static

from planner.domain.appointment import (
    TIME_EXAMPLE,
    Appointment,
    appointment_from_parts,
    read_stored,
)
from planner.domain.checklist import EvidenceValue
from planner.domain.dates import parse_date
from planner.domain.errors import InvalidInput
from planner.domain.evidence import parse_evidence_value
from planner.domain.evidence_text import shown_value
from planner.domain.template import EvidenceField, FieldType
from planner.domain.text import name_text, visible
from planner.tui.literal import literal, literal_text

DATE_HINT = "DD/MM/YYYY, DD/MM/YY or YYYY-MM-DD"
# Why a parsed date cannot be what the officer meant for this field (None if it can be).
DateCheck = Callable[[date], str | None]
YES_NO: tuple[tuple[str, bool], ...] = (("Yes", True), ("No", False))


def evidence_text(field: EvidenceField, value: EvidenceValue | None) -> str:
    """A recorded value as an officer reads it."""
    if value is None or value == "":
        return "— not recorded"
    return shown_value(field, value)


class ErrorLine(Static):
    """An inline message beside what it is about; takes no room while there is none."""

    DEFAULT_CSS = """
    ErrorLine { color: $text-error; text-style: bold; height: auto; display: none; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, classes="error")
        self._message = ""

    def show(self, message: str) -> None:
        """Show `message` (none: take no room). The same message again changes nothing:
        forms check each field as it is typed, and a line updated for nothing makes the
        whole screen be laid out again at every key."""
        if message == self._message:
            return
        self._message = message
        self.update(literal(message, multiline=True))
        self.display = bool(message)


class FormField(Vertical):
    """A label, an input widget, a hint and an inline error, read back as a Python value."""

    DEFAULT_CSS = """
    FormField { height: auto; margin-bottom: 0; }
    FormField > Label { padding: 0 1; text-style: bold; width: 100%; }  /* a long label wraps */
    FormField > .hint { padding: 0 1; }
    FormField > .error { padding: 0 1; }
    """

    evidence: EvidenceField | None = None  # set when the field records checklist evidence

    def __init__(self, name: str, label: str, *, required: bool = False, hint: str = "") -> None:
        super().__init__(id=f"field-{name}", classes="form-field")
        self.field_name = name
        self.label = label + (" *" if required else "")
        self.required = required
        self.hint = hint

    def compose(self) -> ComposeResult:
        yield Label(literal(self.label))
        yield from self.compose_input()
        if self.hint:
            yield Static(literal(self.hint), classes="hint")
        yield ErrorLine()

    def compose_input(self) -> ComposeResult:
        raise NotImplementedError  # pragma: no cover

    def show_error(self, message: str) -> None:
        self.query_one(ErrorLine).show(message)

    def read(self) -> Any:
        """The value, or raise InvalidInput (after showing the message inline)."""
        raise NotImplementedError  # pragma: no cover

    def check(self) -> bool:
        try:
            self.read()
        except InvalidInput:
            return False
        return True

    def focus_input(self) -> None:
        self.query(".field-input").first().focus()


class TextField(FormField):
    def __init__(
        self,
        name: str,
        label: str,
        value: str = "",
        *,
        required: bool = False,
        hint: str = "",
        placeholder: str = "",
        max_length: int = 0,
        disabled: bool = False,
    ) -> None:
        super().__init__(name, label, required=required, hint=hint)
        self._value = value
        self._placeholder = placeholder
        self._max_length = max_length
        self._disabled = disabled

    def compose_input(self) -> ComposeResult:
        yield Input(
            visible(self._value),  # what cannot be shown appears as its code, and is saved so
            placeholder=self._placeholder,
            max_length=self._max_length,
            disabled=self._disabled,
            classes="field-input",
        )

    @property
    def text(self) -> str:
        return self.query_one(Input).value.strip()

    def read(self) -> str | None:
        text = self.text
        if self.required and not text:
            self.show_error(f"{self.label.rstrip(' *')} is needed.")
            raise InvalidInput(f"{self.field_name}: needed")
        self.show_error("")
        return text or None

    @on(Input.Changed)
    def _clear_error(self) -> None:
        self.show_error("")


class DateField(TextField):
    """A date typed as dd/mm/yyyy, dd/mm/yy or ISO, shown back as dd/mm/yyyy; an impossible
    (or, with `plausible`, an implausible) date is refused as you type."""

    def __init__(
        self,
        name: str,
        label: str,
        value: date | None = None,
        *,
        required: bool = False,
        hint: str = "",
        plausible: DateCheck | None = None,
    ) -> None:
        shown = f"{value:%d/%m/%Y}" if value else ""
        super().__init__(
            name, label, shown, required=required, hint=hint, placeholder=DATE_HINT, max_length=10
        )
        self.plausible = plausible

    def read(self) -> date | None:  # type: ignore[override]
        text = self.text
        if not text:
            if self.required:
                self.show_error(f"{self.label.rstrip(' *')} is needed ({DATE_HINT}).")
                raise InvalidInput(f"{self.field_name}: needed")
            self.show_error("")
            return None
        try:
            day = parse_date(text, self.label.rstrip(" *"))
        except InvalidInput as exc:
            self.show_error(str(exc))
            raise
        problem = self.plausible(day) if self.plausible else None
        if problem is not None:
            self.show_error(sentence(problem) + ".")
            raise InvalidInput(f"{self.field_name}: {problem}")
        self.show_error("")
        return day

    @on(Input.Changed)
    def _check_as_typed(self, event: Input.Changed) -> None:
        event.prevent_default()  # TextField would clear the message this sets
        text = event.value.strip()
        if len(text) >= 8 or not text:  # judge once it could be a whole date
            self.check()
        else:
            self.show_error("")

    @on(Input.Blurred)
    def _check_on_leaving(self) -> None:
        self.check()


class AppointmentField(FormField):
    """An appointment as four inputs: its date (needed once anything is typed), its time,
    its place and a phone number to ring about it. Read as an `Appointment`, or None when
    all four are blank."""

    DEFAULT_CSS = """
    AppointmentField > Horizontal { height: auto; }
    AppointmentField .appointment-date { width: 18; }
    AppointmentField .appointment-time { width: 12; }
    AppointmentField .appointment-place { width: 1fr; }
    AppointmentField .appointment-phone { width: 24; }
    """

    PARTS = (
        ("date", DATE_HINT, 10),
        ("time", "HH:MM", 5),
        ("place", "place", 300),
        ("phone", "phone to ring", 40),
    )

    def __init__(
        self,
        name: str,
        label: str,
        value: Appointment | None = None,
        *,
        required: bool = False,
        hint: str = "",
        plausible: DateCheck | None = None,
    ) -> None:
        super().__init__(name, label, required=required, hint=hint)
        self._shown = {
            "date": f"{value.day:%d/%m/%Y}" if value else "",
            "time": value.time if value else "",
            "place": value.place if value else "",
            "phone": value.phone if value else "",
        }
        self.plausible = plausible

    def compose_input(self) -> ComposeResult:
        with Horizontal():
            for part, placeholder, length in self.PARTS:
                yield Input(
                    visible(self._shown[part]),
                    placeholder=placeholder,
                    max_length=length,
                    id=f"{self.field_name}-{part}",
                    classes=f"field-input appointment-{part}",
                )

    def part(self, name: str) -> Input:
        return self.query_one(f"#{self.field_name}-{name}", Input)

    def read(self) -> Appointment | None:
        label = self.label.rstrip(" *")
        parts = {name: self.part(name).value for name, _, _ in self.PARTS}
        try:
            appointment = appointment_from_parts(
                label, day=parts["date"], **{k: parts[k] for k in ("time", "place", "phone")}
            )
        except InvalidInput as exc:
            self.show_error(sentence(str(exc)))
            raise
        if appointment is None:
            if self.required:
                self.show_error(f"{label} is needed: its date at least ({DATE_HINT}).")
                raise InvalidInput(f"{self.field_name}: needed")
            self.show_error("")
            return None
        problem = self.plausible(appointment.day) if self.plausible else None
        if problem is not None:
            self.show_error(sentence(problem) + ".")
            raise InvalidInput(f"{self.field_name}: {problem}")
        self.show_error("")
        return appointment

    @on(Input.Changed)
    def _clear_error(self) -> None:
        self.show_error("")

    @on(Input.Blurred)
    def _check_on_leaving(self) -> None:
        self.check()


class ChoiceField(FormField):
    """One of a list; blank means not recorded."""

    def __init__(
        self,
        name: str,
        label: str,
        choices: Sequence[tuple[str, Any]],
        value: Any = None,
        *,
        required: bool = False,
        hint: str = "",
        allow_blank: bool = True,
    ) -> None:
        super().__init__(name, label, required=required, hint=hint)
        self._choices = list(choices)
        self._value = value
        self._allow_blank = allow_blank

    def compose_input(self) -> ComposeResult:
        known = any(v == self._value for _, v in self._choices)
        yield Select(
            [(literal_text(label), value) for label, value in self._choices],
            value=self._value if known and self._value is not None else Select.NULL,
            allow_blank=self._allow_blank,
            prompt="— not recorded",
            classes="field-input",
        )

    def read(self) -> Any:
        value = self.query_one(Select).value
        if value is Select.NULL:
            if self.required:
                self.show_error(f"{self.label.rstrip(' *')}: choose one.")
                raise InvalidInput(f"{self.field_name}: needed")
            return None
        self.show_error("")
        return value


def evidence_field(
    field: EvidenceField,
    value: EvidenceValue | None,
    plausible: Callable[[EvidenceField, date], str | None] | None = None,
) -> FormField:
    """The widget for one evidence field of a checklist item; a date field refuses what
    `plausible` finds wrong with it."""
    name = f"ev-{field.name}"
    hint = f"Needed before done counts. {field.help}".strip() if field.required else field.help
    if field.type is FieldType.DATE:
        day = None
        if isinstance(value, str) and value:
            try:
                day = date.fromisoformat(value)
            except ValueError:
                day = None
        check = (lambda d: plausible(field, d)) if plausible else None
        widget: FormField = DateField(name, field.label, day, hint=hint, plausible=check)
    elif field.type is FieldType.APPOINTMENT:
        check = (lambda d: plausible(field, d)) if plausible else None
        hint = " ".join(x for x in (hint, f"Time: {TIME_EXAMPLE}.") if x)
        widget = AppointmentField(name, field.label, read_stored(value), hint=hint, plausible=check)
    elif field.type is FieldType.CHOICE:
        choices = [(c.label, c.value) for c in field.choices]
        widget = ChoiceField(name, field.label, choices, value, hint=hint)
    elif field.type is FieldType.YES_NO:
        widget = ChoiceField(name, field.label, YES_NO, value, hint=hint)
    else:
        text = value if isinstance(value, str) else ""
        widget = TextField(name, field.label, text, hint=hint, max_length=500)
    widget.evidence = field
    return widget


def text_problem(rule: Callable[[str], str], text: str) -> str | None:
    """What the domain's text `rule` finds wrong with `text`, as a message; None if fine."""
    try:
        rule(text)
    except ValueError as exc:
        return sentence(str(exc))
    return None


def checked_name(typed: str, error: ErrorLine, *, when_empty: str) -> str | None:
    """An officer's name as typed, spaces tidied and kept as the domain keeps names; None
    (with `error` saying why, or `when_empty`) when there is none or it is refused."""
    name = " ".join(typed.split())
    problem = when_empty if not name else text_problem(name_text, name)
    if problem is not None:
        error.show(problem)
        return None
    return name_text(name)


def sentence(message: str) -> str:
    """'contains a control character (U+001B)' as an inline message: 'Contains ...'."""
    return message[:1].upper() + message[1:]


def read_evidence(widget: FormField) -> EvidenceValue | None:
    """A field's value as the store keeps it: dates as ISO strings, text as the domain
    accepts it (or InvalidInput, shown beside the field)."""
    value = widget.read()
    if isinstance(value, Appointment):
        return value.stored()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and widget.evidence is not None:
        try:
            return parse_evidence_value(widget.evidence, value)
        except InvalidInput as exc:
            widget.show_error(sentence(str(exc).removeprefix(f"field {widget.evidence.name}: ")))
            raise
    return value  # type: ignore[no-any-return]
