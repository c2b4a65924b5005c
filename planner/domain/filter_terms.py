"""The parts of a caseload filter: what a condition reads, how it compares, and its text.

A filter (:class:`Filter`) is a list of conditions that must all hold. Each condition
(:class:`Condition`) reads one *subject* (a person's field, an item's status, an item's
evidence field, the person's flags, or the release date), compares it with an operator
(:class:`Op`) and holds the values it compares with, already checked and normalised (a
choice by its value, a status by its id, a date in ISO form or ``today``).

``str(condition)`` is the condition's canonical text, which parses back to the same
condition: the caseload shows an active filter this way, and saved views keep it.
The grammar is in :mod:`planner.domain.filters`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from planner.domain.errors import InvalidInput


class FilterError(InvalidInput):
    """A filter that cannot be read: one line naming the unknown part, with a suggestion."""


class Kind(StrEnum):
    """What kind of value a subject holds, which decides the operators it takes."""

    TEXT = "text"
    CHOICE = "choice"
    DATE = "date"
    YES_NO = "yes_no"
    STATUS = "status"
    FLAG = "flag"

    @property
    def described(self) -> str:
        return _KIND_WORDS[self]


_KIND_WORDS = {
    Kind.TEXT: "text",
    Kind.CHOICE: "a choice",
    Kind.DATE: "a date",
    Kind.YES_NO: "yes or no",
    Kind.STATUS: "an item's status",
    Kind.FLAG: "the person's flags",
}


class Where(StrEnum):
    """Where a subject's value is read from."""

    PERSON = "person"  # a field of the person (or of the case: the assigned officer)
    STATUS = "status"  # an item's status
    EVIDENCE = "evidence"  # an item's evidence field
    FLAG = "flag"  # the gap engine's flags for today
    RELEASE = "release"  # the release date


class Op(StrEnum):
    """An operator, named by its canonical words."""

    EQ = "="
    NE = "!="
    IN = "in"
    NOT_IN = "not in"
    EMPTY = "is empty"
    NOT_EMPTY = "is not empty"
    BEFORE = "before"
    AFTER = "after"
    WITHIN = "within"
    WITHIN_LAST = "within last"
    CONTAINS = "contains"
    STARTS_WITH = "starts with"
    APPLICABLE = "is applicable"
    NOT_APPLICABLE = "is not applicable"

    @property
    def takes(self) -> int:
        """How many values follow: 0 (is empty), 1, or -1 for a list."""
        if self in (Op.IN, Op.NOT_IN):
            return -1
        if self in (Op.EMPTY, Op.NOT_EMPTY, Op.APPLICABLE, Op.NOT_APPLICABLE):
            return 0
        return 1


OPERATORS: dict[Kind, tuple[Op, ...]] = {
    Kind.TEXT: (
        Op.EQ, Op.NE, Op.IN, Op.NOT_IN, Op.CONTAINS, Op.STARTS_WITH, Op.EMPTY, Op.NOT_EMPTY,
    ),
    Kind.CHOICE: (Op.EQ, Op.NE, Op.IN, Op.NOT_IN, Op.EMPTY, Op.NOT_EMPTY),
    Kind.DATE: (
        Op.EQ, Op.NE, Op.BEFORE, Op.AFTER, Op.WITHIN, Op.WITHIN_LAST, Op.EMPTY, Op.NOT_EMPTY,
    ),
    Kind.YES_NO: (Op.EQ, Op.NE, Op.EMPTY, Op.NOT_EMPTY),
    Kind.STATUS: (Op.EQ, Op.NE, Op.IN, Op.NOT_IN, Op.APPLICABLE, Op.NOT_APPLICABLE),
    Kind.FLAG: (Op.EQ, Op.NE, Op.IN, Op.NOT_IN, Op.EMPTY, Op.NOT_EMPTY),
}  # fmt: skip

TODAY = "today"  # a date operand that means the day the filter is applied
MAX_DAYS = 36_500  # `within N`: a hundred years is more than any plan needs


@dataclass(frozen=True, slots=True)
class Subject:
    """What a condition reads. `path` is how it is written (``bank.account.outcome``);
    `item` and `name` are the item id and the field's name where they apply."""

    where: Where
    path: str
    kind: Kind
    item: str = ""
    name: str = ""

    @property
    def needs_record(self) -> bool:
        """Read from the full record (evidence, and person fields the index lacks)."""
        return self.where is Where.EVIDENCE or (
            self.where is Where.PERSON and self.name.partition(".")[0] in RECORD_FIELDS
        )


# Person fields the caseload's index does not hold: read from the stored record.
RECORD_FIELDS = frozenset(
    {"crn", "sex", "ethnicity", "date_of_birth", "phone", "email", "com", "pom"}
)


@dataclass(frozen=True, slots=True)
class Condition:
    """One condition: `subject` `op` `values`, e.g. ``bank.account != done``."""

    subject: Subject
    op: Op
    values: tuple[str, ...] = ()

    def __str__(self) -> str:
        words = [self.subject.path, self.op.value]
        if self.op.takes == -1:
            words.append("(" + ", ".join(quoted(v) for v in self.values) + ")")
        elif self.op in (Op.WITHIN, Op.WITHIN_LAST):
            words.append(self.values[0])
        elif self.op.takes == 1:
            words.append(quoted(self.values[0]))
        return " ".join(words)


@dataclass(frozen=True, slots=True)
class Filter:
    """Conditions that must all hold; no conditions lets everyone through."""

    conditions: tuple[Condition, ...] = ()

    def __str__(self) -> str:
        return " and ".join(str(c) for c in self.conditions)

    def __bool__(self) -> bool:
        return bool(self.conditions)

    def __and__(self, other: Filter) -> Filter:
        return Filter(self.conditions + other.conditions)

    @property
    def needs_records(self) -> bool:
        return any(c.subject.needs_record for c in self.conditions)


# Words that end a value or start an operator: a value spelt like one must be quoted.
KEYWORDS = frozenset(
    {"and", "in", "not", "is", "empty", "applicable", "before", "after", "within", "last"}
    | {"contains", "starts", "with"}
)
_BARE = re.compile(r"[^\s()\",'=!<>~]+(?:'[^\s()\",'=!<>~]+)*")


def quoted(value: str) -> str:
    """A value as it can be typed back: bare when it is one plain word, else in quotes."""
    if value and _BARE.fullmatch(value) and value.lower() not in KEYWORDS:
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
