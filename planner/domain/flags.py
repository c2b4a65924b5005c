"""A flag: one gap an officer can act on, and the plain-English sentence that says so.

A whole caseload raises over 100,000 flags; the sentence is composed only when someone
reads `Flag.reason`, so evaluating everyone stays cheap.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import NamedTuple

from planner.domain.calendar import count_days, format_day, release_day_risk


class Severity(StrEnum):
    CRITICAL = "critical"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]

    @property
    def symbol(self) -> str:
        """A symbol that carries the severity without colour."""
        return _SEVERITY_SYMBOL[self]


_SEVERITY_RANK = {Severity.CRITICAL: 0, Severity.WARNING: 1, Severity.INFO: 2}
_SEVERITY_SYMBOL = {Severity.CRITICAL: "!!", Severity.WARNING: "!", Severity.INFO: "i"}


def parse_severity(raw: str) -> Severity:
    try:
        return Severity(raw.strip().lower())
    except ValueError:
        raise ValueError(f"severity {raw!r} is not one of: critical, warning, info") from None


class FlagKind(StrEnum):
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    BLOCKED = "blocked"
    NO_EVIDENCE = "no_evidence"
    NO_REASON = "no_reason"
    NO_FIXED_ABODE = "no_fixed_abode"
    NOT_MET = "not_met"
    ADDRESS_NOT_BOOKED = "address_not_booked"
    RELEASE_DAY = "release_day"
    NO_RELEASE_DATE = "no_release_date"
    RELEASE_PASSED = "release_passed"
    NO_COM = "no_com"
    FOLLOW_UP = "follow_up"  # a released person's follow-up (in work at 6 weeks...) to record

    @property
    def label(self) -> str:
        return _KIND_LABELS.get(self.value) or self.value.replace("_", " ")


_KIND_LABELS = {"no_com": "no community offender manager", "follow_up": "follow-up to record"}


class Flag(NamedTuple):
    """A gap an officer can act on (immutable: a tuple, which is also three times quicker
    to make than a frozen dataclass, and a caseload makes 50,000 of them).

    `due` is the date the flag is about (the item's due date, the escalation date, or the
    release date); `detail` carries what the sentence needs besides dates: the officer's
    reason for a blocked item, an item's status, the missing evidence, the outcome that
    means the need is not met, an escalation's reason, or the kind of an address still to
    be booked; `since` is a recommended date already passed.
    """

    number: str
    kind: FlagKind
    severity: Severity
    item_id: str | None = None
    section: str | None = None
    due: date | None = None
    title: str = ""
    today: date | None = None
    detail: str = ""
    since: date | None = None
    escalated: bool = False

    @property
    def headline(self) -> str:
        """A few words for a table cell: 'Bank account held or opened: overdue'."""
        return f"{self.title}: {self.kind.label}" if self.title else self.kind.label

    @property
    def reason(self) -> str:
        """What is wrong and what to do, in plain English."""
        return _PHRASES[self.kind](self)


_NO_DATE = date.max.toordinal() + 1
# Within a severity these come first, whatever their date: nowhere to sleep, and no date
# to plan by, outrank an item that has simply been overdue for longer.
_FIRST_KINDS = frozenset(
    {FlagKind.NO_FIXED_ABODE, FlagKind.ADDRESS_NOT_BOOKED, FlagKind.NO_RELEASE_DATE}
)


def flag_order(flag: Flag) -> int:
    """Most urgent first: severity, then homelessness (no fixed abode, an address not yet
    booked) and a missing release date, then the earliest date (no date last).

    An integer, because sorting 100,000 flags by tuples took five times as long; sorts are
    stable, so callers list people and items in a fixed order before sorting.
    """
    due = flag.due.toordinal() if flag.due is not None else _NO_DATE
    tier = _SEVERITY_RANK[flag.severity] * 2 + (0 if flag.kind in _FIRST_KINDS else 1)
    return tier * (_NO_DATE + 1) + due


# --- the sentences --------------------------------------------------------------------------


def _no_release_date(_flag: Flag) -> str:
    return "No release date recorded: every deadline hangs on it. Confirm the date and type."


def _release_passed(flag: Flag) -> str:
    return (
        f"Release date {_day(flag.due)} has passed but the case is still active: "
        "mark the person released or correct the date."
    )


def _release_day(flag: Flag) -> str:
    risk = release_day_risk(flag.due) if flag.due else None
    if risk is None:
        return f"Release date {_day(flag.due)} is a hard day to be released on."
    return f"The {risk.description}: {risk.advice}."


def _no_fixed_abode(flag: Flag) -> str:
    days = (flag.due - flag.today).days if flag.due and flag.today else None
    when = "close to release" if days is None else f"{_in_days(days)} before release"
    return f"No fixed abode {when}: make or chase the Duty to Refer and a CAS3 referral now."


def _no_com(flag: Flag) -> str:
    days = (flag.due - flag.today).days if flag.due and flag.today else None
    when = "close to release" if days is None else f"{_in_days(days)} before release"
    return (
        f"No community offender manager recorded {when}: ask the probation delivery unit "
        "who will supervise, and record their name, phone and email."
    )


def _address_not_booked(flag: Flag) -> str:
    days = (flag.due - flag.today).days if flag.due and flag.today else None
    when = "close to release" if days is None else f"{_in_days(days)} before release"
    return (
        f"The release address is {flag.detail} but the booking is not arranged, "
        f"{when}: confirm the booking or record where they will really stay."
    )


def _not_met(flag: Flag) -> str:
    return (
        f"{flag.title}: marked done, but {flag.detail}, so the need is not met. "
        "Find another way and reopen the item."
    )


def _no_evidence(flag: Flag) -> str:
    return f"{flag.title}: marked done without {flag.detail}. Record it or reopen the item."


def _no_reason(flag: Flag) -> str:
    return f"{flag.title}: marked {flag.detail} without a reason. Record why."


def _blocked(flag: Flag) -> str:
    late = ""
    if flag.due and flag.today and flag.today > flag.due:
        late = f"; due {_since(flag.due, flag.today)}"
    why = flag.detail.strip() or "no reason recorded"
    return f"{flag.title} is blocked: {why}{late}. Find a way round it or escalate."


def _overdue(flag: Flag) -> str:
    if flag.escalated:
        return f"{flag.title}: {flag.detail} (since {_day(flag.due)})."
    return f"{flag.title}: was due {_since(flag.due, flag.today)} and is {flag.detail}."


def _due_soon(flag: Flag) -> str:
    if flag.since is not None:
        return (
            f"{flag.title}: recommended by {format_day(flag.since)}; "
            f"the latest day is {_day(flag.due)}."
        )
    return f"{flag.title}: due {_until(flag.due, flag.today)}."


def _follow_up(flag: Flag) -> str:
    if flag.due and flag.today and flag.today > flag.due:
        when = f"was due {_since(flag.due, flag.today)}"
    else:
        when = f"is due {_until(flag.due, flag.today)}"
    return (
        f"{flag.title}: the follow-up after release {when}. Find out and record the answer "
        "(or unknown)."
    )


_PHRASES = {
    FlagKind.FOLLOW_UP: _follow_up,
    FlagKind.NO_RELEASE_DATE: _no_release_date,
    FlagKind.RELEASE_PASSED: _release_passed,
    FlagKind.RELEASE_DAY: _release_day,
    FlagKind.NO_FIXED_ABODE: _no_fixed_abode,
    FlagKind.NO_COM: _no_com,
    FlagKind.ADDRESS_NOT_BOOKED: _address_not_booked,
    FlagKind.NOT_MET: _not_met,
    FlagKind.NO_EVIDENCE: _no_evidence,
    FlagKind.NO_REASON: _no_reason,
    FlagKind.BLOCKED: _blocked,
    FlagKind.OVERDUE: _overdue,
    FlagKind.DUE_SOON: _due_soon,
}


def _day(day: date | None) -> str:
    return format_day(day) if day else "an unknown day"


def _since(day: date | None, today: date | None) -> str:
    if day is None or today is None:
        return "earlier"
    n = (today - day).days
    return f"{format_day(day)}, {count_days(n)} ago"


def _until(day: date | None, today: date | None) -> str:
    if day is None or today is None:
        return "soon"
    n = (day - today).days
    if n == 0:
        return f"today, {format_day(day)}"
    return f"in {count_days(n)}, {format_day(day)}"


def _in_days(n: int) -> str:
    return "on release day" if n == 0 else count_days(n)
