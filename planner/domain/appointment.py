"""An appointment recorded as one piece of evidence: its date, time, place and phone.

An appointment is stored as one line of text, so evidence values stay text or yes/no and
every reader of evidence (the journal, the snapshot, filters, the caseload CSV, an older
planner) keeps working: ``2027-01-12 10:30 | Jobcentre Plus, High St | 0800 123 4567``.
The ISO date comes first, so a filter on the field compares its day (``is empty``,
``within 7``) as it does any date; the time (24-hour ``HH:MM``), the place and the phone
are optional, and trailing empty parts are left out (``2027-01-12``). A ``|`` or a ``\\``
in the place is written ``\\|`` or ``\\\\``.

Officers type the same form (the date as ``12/01/2027`` too), or give the parts one by one
(the terminal UI's four inputs): :func:`appointment_from_parts`. Each problem is one line
naming the field and the part.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from planner.domain.calendar import format_day
from planner.domain.contact_details import phone_number
from planner.domain.dates import parse_date, range_problem
from planner.domain.errors import InvalidInput
from planner.domain.text import line_text

SEPARATOR = "|"
MAX_PLACE = 300
_TIME = re.compile(r"^([01]?[0-9]|2[0-3])[:.]([0-5][0-9])$")
_STORED_TIME = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$")
TIME_EXAMPLE = "24-hour clock, for example 09:30"
FORM_EXAMPLE = "12/01/2027 10:30 | Jobcentre Plus, High St | 0800 123 4567"


@dataclass(frozen=True, slots=True)
class Appointment:
    """When and where: `time` is 'HH:MM' or '' (not known), `place` and `phone` may be ''."""

    day: date
    time: str = ""
    place: str = ""
    phone: str = ""

    def stored(self) -> str:
        """The one-line form kept as the evidence value."""
        when = f"{self.day.isoformat()} {self.time}" if self.time else self.day.isoformat()
        parts = [when, _escaped(self.place), self.phone]
        while parts[-1] == "":
            parts.pop()
        return f" {SEPARATOR} ".join(parts)

    @property
    def sort_key(self) -> tuple[date, str]:
        """Date order; on one day the timed appointments first, then those with no time."""
        return (self.day, self.time or "99:99")

    def when_words(self) -> str:
        """'Tuesday 12 January 2027 at 10:30', or 'Tuesday 12 January 2027'."""
        day = f"{self.day:%A} {self.day.day} {self.day:%B %Y}"
        return f"{day} at {self.time}" if self.time else day

    def day_text(self) -> str:
        """'Tue 12 Jan 2027 at 10:30', or 'Tue 12 Jan 2027': dates as planner shows them."""
        day = format_day(self.day)
        return f"{day} at {self.time}" if self.time else day

    def short_text(self) -> str:
        """As staff read it: 'Tue 12 Jan 2027 at 10:30, Jobcentre Plus, 0800 123 4567'."""
        return ", ".join(x for x in (self.day_text(), self.place, self.phone) if x)

    def place_first_text(self) -> str:
        """'Jobcentre Plus, Tue 12 Jan 2027 at 10:30', as the day-one actions read."""
        return ", ".join(x for x in (self.place, self.day_text()) if x)


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace(SEPARATOR, "\\" + SEPARATOR)


def split_parts(text: str) -> list[str]:
    """`text` split at each `|` not written `\\|`, escapes undone, each part stripped."""
    parts: list[str] = []
    current: list[str] = []
    chars = iter(text)
    for char in chars:
        if char == "\\":
            following = next(chars, "")
            if following in ("\\", SEPARATOR):
                current.append(following)
            else:
                current.append(char + following)
        elif char == SEPARATOR:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    parts.append("".join(current).strip())
    return parts


def parse_time(raw: str, where: str) -> str:
    """'9:30', '09.30' or '09:30' as '09:30'; '' when blank; InvalidInput naming `where`."""
    text = raw.strip()
    if not text:
        return ""
    match = _TIME.match(text)
    if match is None:
        raise InvalidInput(f"{where} time: {raw!r} is not a time ({TIME_EXAMPLE})")
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def _place(raw: str, where: str) -> str:
    place = raw.strip()
    if len(place) > MAX_PLACE:
        raise InvalidInput(f"{where} place: longer than {MAX_PLACE} characters")
    try:
        return line_text(place)
    except ValueError as exc:
        raise InvalidInput(f"{where} place: {exc}") from None


def _phone(raw: str, where: str) -> str:
    try:
        return phone_number(line_text(raw))
    except ValueError as exc:
        raise InvalidInput(f"{where} phone: {raw.strip()!r} {exc}") from None


def appointment_from_parts(
    where: str, *, day: str, time: str = "", place: str = "", phone: str = ""
) -> Appointment | None:
    """An appointment from its parts as typed; None when every part is blank. A time, a
    place or a phone without a date is refused: the date is what makes it an appointment."""
    if not day.strip():
        if time.strip() or place.strip() or phone.strip():
            raise InvalidInput(f"{where} date: an appointment needs its date")
        return None
    return Appointment(
        day=parse_date(day, f"{where} date"),
        time=parse_time(time, where),
        place=_place(place, where),
        phone=_phone(phone, where),
    )


def parse_appointment(raw: str, where: str) -> Appointment | None:
    """What an officer typed, ``DATE [TIME] | PLACE | PHONE``; None when blank."""
    parts = split_parts(raw)
    if len(parts) > 3:
        raise InvalidInput(
            f"{where}: {raw!r} has more than three parts; use DATE TIME | PLACE | PHONE, "
            f"for example {FORM_EXAMPLE} (a | in the place is written \\|)"
        )
    when, place, phone = [*parts, "", ""][:3]
    day, _, time = when.strip().partition(" ")
    return appointment_from_parts(where, day=day, time=time, place=place, phone=phone)


def read_stored(value: object) -> Appointment | None:
    """An appointment as stored; None for a value that is not one (never raises), so a
    damaged or hand-edited value is shown as the text it is rather than lost."""
    if not isinstance(value, str):
        return None
    parts = split_parts(value)
    if len(parts) > 3:
        return None
    when, place, phone = [*parts, "", ""][:3]
    day_text, _, time = when.partition(" ")
    try:
        day = date.fromisoformat(day_text)
    except ValueError:
        return None
    if len(day_text) != 10 or (time and not _STORED_TIME.match(time)):
        return None
    return Appointment(day=day, time=time, place=place, phone=phone)


def stored_problem(value: str) -> str | None:
    """Why a value to be saved is not an appointment in its stored form; None if it is."""
    appointment = read_stored(value)
    if appointment is None or appointment.stored() != value:
        return f"{value!r} is not an appointment (DATE TIME | PLACE | PHONE, the date ISO)"
    problem = range_problem(appointment.day)
    if problem is not None:
        return problem
    try:
        line_text(appointment.place)
        if appointment.phone:
            phone_number(appointment.phone)
    except ValueError as exc:
        return str(exc)
    return None


def appointment_text(value: str) -> str:
    """A stored appointment as staff read it ('Tue 12 Jan 2027 10:30, Jobcentre Plus,
    0800 123 4567'); a value that is not one, as the text it is."""
    appointment = read_stored(value)
    return value if appointment is None else appointment.short_text()
