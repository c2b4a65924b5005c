"""What a filter may name: the person's fields, the templates' items, evidence fields and
choices, statuses, flags; and the nearest known name when something is misspelt.

The items, their evidence fields, field types and choices come from the templates the
caseload uses (:class:`Vocabulary` takes them all: an item or a choice known to any of
them may be named). Choices are given by value or by label, in any case, as
``planner set --field`` accepts them.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from planner.domain.dates import parse_date
from planner.domain.equality import ETHNICITIES, Sex
from planner.domain.errors import InvalidInput
from planner.domain.filter_terms import (
    MAX_DAYS,
    TODAY,
    FilterError,
    Kind,
    Subject,
    Where,
)
from planner.domain.flags import FlagKind, Severity
from planner.domain.person import CaseState, ReleaseKind
from planner.domain.status import ItemStatus
from planner.domain.template import FieldType, ItemTemplate, Template
from planner.domain.text import visible

Choices = tuple[tuple[str, str], ...]  # (value, label)


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """A field a filter can read: its kind, a label for people, and its choices."""

    kind: Kind
    label: str
    choices: Choices = ()


def _enum_choices(values: Iterable[str]) -> Choices:
    return tuple((v, v.replace("_", " ")) for v in values)


_CONTACT_FIELDS = {
    "name": "name",
    "role": "role",
    "unit": "unit (probation delivery unit or team)",
    "phone": "phone",
    "email": "email",
}
_CONTACTS = {"com": "Community offender manager", "pom": "Prison offender manager"}

PERSON_FIELDS: dict[str, FieldSpec] = {
    "number": FieldSpec(Kind.TEXT, "Prison number"),
    "surname": FieldSpec(Kind.TEXT, "Surname"),
    "forename": FieldSpec(Kind.TEXT, "Forename"),
    "prison": FieldSpec(Kind.TEXT, "Prison"),
    "location": FieldSpec(Kind.TEXT, "Location"),
    "release_kind": FieldSpec(Kind.CHOICE, "Release type", _enum_choices(ReleaseKind)),
    "state": FieldSpec(Kind.CHOICE, "State", _enum_choices(CaseState)),
    "assigned": FieldSpec(Kind.TEXT, "Assigned officer ('me' is the acting officer)"),
    "crn": FieldSpec(Kind.TEXT, "CRN"),
    "sex": FieldSpec(Kind.CHOICE, "Sex", _enum_choices(Sex)),
    "ethnicity": FieldSpec(Kind.CHOICE, "Ethnicity", tuple(ETHNICITIES.items())),
    "date_of_birth": FieldSpec(Kind.DATE, "Date of birth"),
    "phone": FieldSpec(Kind.TEXT, "The person's phone"),
    "email": FieldSpec(Kind.TEXT, "The person's email"),
}
for _contact, _title in _CONTACTS.items():
    for _field, _words in _CONTACT_FIELDS.items():
        PERSON_FIELDS[f"{_contact}.{_field}"] = FieldSpec(Kind.TEXT, f"{_title}: {_words}")

# Other names for a subject, and the name a filter is written back with.
ALIASES = {
    "com": "com.name",
    "pom": "pom.name",
    "community_offender_manager": "com.name",
    "prison_offender_manager": "pom.name",
    "dob": "date_of_birth",
    "release_date": "release",
    "assigned_to": "assigned",
    "officer": "assigned",
    "prison_number": "number",
    "flags": "flag",
}
_SHORT_PATHS = {"com.name": "com", "pom.name": "pom"}  # `com is empty` reads best

FLAG_CHOICES: Choices = tuple((s.value, s.value) for s in Severity) + tuple(
    (k.value, k.label) for k in FlagKind
)
STATUS_CHOICES: Choices = tuple((s.value, s.label) for s in ItemStatus)
YES_NO_CHOICES: Choices = (("yes", "yes"), ("no", "no"))
_YES = {"yes", "y", "true"}
_NO = {"no", "n", "false"}
_FIELD_KINDS = {
    FieldType.DATE: Kind.DATE,
    FieldType.TEXT: Kind.TEXT,
    FieldType.CHOICE: Kind.CHOICE,
    FieldType.YES_NO: Kind.YES_NO,
    # An appointment is stored with its ISO date first: filtered by its day.
    FieldType.APPOINTMENT: Kind.DATE,
}


def nearest(word: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """The known names closest to a misspelt one (difflib), best first."""
    return difflib.get_close_matches(word.lower(), list(candidates), n=n, cutoff=0.6)


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    close = nearest(word, candidates)
    return f" (did you mean {' or '.join(close)}?)" if close else ""


def shown(text: str) -> str:
    """A piece of what the officer typed, quoted in an error message: one line, whatever
    was typed (a newline or a control character is shown as its code)."""
    cut = text if len(text) <= 40 else text[:39] + "…"
    return '"' + visible(cut) + '"'


class Vocabulary:
    """The names and values a filter may use, for one or more templates."""

    def __init__(self, templates: Sequence[Template]) -> None:
        self.items: dict[str, ItemTemplate] = {}
        self.fields: dict[tuple[str, str], FieldSpec] = {}
        for template in templates:
            for item in template.items:
                self.items.setdefault(item.id, item)
                for field in item.evidence:
                    key = (item.id, field.name)
                    choices = tuple((c.value, c.label) for c in field.choices)
                    known = self.fields.get(key)
                    if known is None:
                        kind = _FIELD_KINDS[field.type]
                        self.fields[key] = FieldSpec(kind, field.label, choices)
                    elif choices:  # another version may add choices: any of them will do
                        merged = dict(known.choices) | dict(choices)
                        self.fields[key] = FieldSpec(known.kind, known.label, tuple(merged.items()))

    # --- subjects -----------------------------------------------------------------------

    def subject(self, raw: str) -> Subject:
        """The subject `raw` names, or FilterError naming the unknown part."""
        key = raw.strip().lower()
        key = ALIASES.get(key, key)
        if key == "flag":
            return Subject(Where.FLAG, "flag", Kind.FLAG)
        if key == "release":
            return Subject(Where.RELEASE, "release", Kind.DATE)
        spec = PERSON_FIELDS.get(key)
        if spec is not None:
            return Subject(Where.PERSON, _SHORT_PATHS.get(key, key), spec.kind, name=key)
        head, _, rest = key.partition(".")
        if head in _CONTACTS and rest:
            raise FilterError(
                f"unknown field {shown(rest)} of {head}{did_you_mean(rest, _CONTACT_FIELDS)}"
                f"; {head} has: {', '.join(_CONTACT_FIELDS)}"
            )
        if key in self.items:
            return Subject(Where.STATUS, key, Kind.STATUS, item=key)
        item_id = self._item_prefix(key)
        if item_id is not None:
            name = key[len(item_id) + 1 :]
            field = self.fields.get((item_id, name))
            if field is None:
                names = [f.name for f in self.items[item_id].evidence]
                listed = ", ".join(names) or "none"
                raise FilterError(
                    f"unknown field {shown(name)} of {item_id}{did_you_mean(name, names)}"
                    f"; its fields: {listed}"
                )
            return Subject(Where.EVIDENCE, key, field.kind, item=item_id, name=name)
        if "." in key:
            paths = [f"{i}.{n}" for i, n in self.fields]
            hint = did_you_mean(key, self.items) or did_you_mean(key, paths)
            raise FilterError(f"unknown item {shown(raw.strip())}{hint}")
        names = [*PERSON_FIELDS, "flag", "release", *self.items]
        hint = did_you_mean(key, names)
        if not hint:  # `bank` for bank.account: the items of a section of that name
            section = [i for i in self.items if i.partition(".")[0] == key]
            hint = f" (did you mean {' or '.join(section[:3])}?)" if section else ""
        raise FilterError(f"unknown field {shown(raw.strip())}{hint}")

    def _item_prefix(self, key: str) -> str | None:
        """The longest item id that `key` starts with, followed by a dot."""
        parts = key.split(".")
        for end in range(len(parts) - 1, 0, -1):
            candidate = ".".join(parts[:end])
            if candidate in self.items:
                return candidate
        return None

    def subject_paths(self) -> list[str]:
        """Every subject a filter can name, as it is written: for completion and help."""
        people = [_SHORT_PATHS.get(p, p) for p in PERSON_FIELDS]
        evidence = [f"{item}.{name}" for item, name in self.fields]
        return ["release", "flag", *people, *self.items, *evidence]

    def spec(self, subject: Subject) -> FieldSpec:
        """The field a subject reads: its kind, label and choices."""
        if subject.where is Where.PERSON:
            return PERSON_FIELDS[subject.name]
        if subject.where is Where.EVIDENCE:
            return self.fields[(subject.item, subject.name)]
        if subject.where is Where.STATUS:
            return FieldSpec(Kind.STATUS, self.items[subject.item].title, STATUS_CHOICES)
        if subject.where is Where.FLAG:
            return FieldSpec(Kind.FLAG, "Flags", FLAG_CHOICES)
        return FieldSpec(Kind.DATE, "Release date")

    # --- values -------------------------------------------------------------------------

    def value(self, subject: Subject, raw: str) -> str:
        """`raw` as the condition keeps it, checked against what the subject can hold."""
        text = raw.strip()
        kind = subject.kind
        if kind is Kind.TEXT:
            return text
        if kind is Kind.DATE:
            return date_value(subject, text)
        if kind is Kind.YES_NO:
            if text.lower() in _YES:
                return "yes"
            if text.lower() in _NO:
                return "no"
            raise FilterError(f"{subject.path} is yes or no, not {shown(text)}")
        choices = self.spec(subject).choices
        folded = text.lower()
        spaced = folded.replace(" ", "_").replace("-", "_")
        for value, label in choices:
            if folded in (value.lower(), label.lower()) or spaced == value.lower():
                return value
        what = {Kind.STATUS: "status", Kind.FLAG: "flag"}.get(kind, "choice")
        values = [v for v, _ in choices]
        listed = ", ".join(values)
        hint = did_you_mean(spaced, [v.lower() for v in values])
        raise FilterError(
            f"unknown {what} {shown(text)} for {subject.path}{hint}; one of: {listed}"
        )

    def value_words(self, subject: Subject) -> list[str]:
        """The values a subject can be compared with, for completion."""
        if subject.kind is Kind.YES_NO:
            return ["yes", "no"]
        if subject.kind is Kind.DATE:
            return [TODAY]
        if subject.kind is Kind.TEXT:
            return ["me"] if subject.name == "assigned" else []
        return [v for v, _ in self.spec(subject).choices]


def date_value(subject: Subject, text: str) -> str:
    """A date operand: ``today``, or a date as officers type them, kept in ISO form."""
    if text.lower() == TODAY:
        return TODAY
    try:
        return parse_date(text, subject.path).isoformat()
    except InvalidInput as exc:
        message = str(exc)
        if "(use " in message:
            message = message.split("(use ")[0] + "(use YYYY-MM-DD, DD/MM/YYYY or today)"
        raise FilterError(message) from None


def day_count(subject: Subject, text: str) -> str:
    """The N of `within N`: a whole number of days."""
    if not text.isascii() or not text.isdigit():
        raise FilterError(f"{subject.path} within: needs a number of days, not {shown(text)}")
    days = int(text)
    if days > MAX_DAYS:
        raise FilterError(f"{subject.path} within: {days} days is more than {MAX_DAYS:,}")
    return str(days)
