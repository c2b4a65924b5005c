"""The caseload's filter language: read what an officer types into a :class:`Filter`.

A filter is a list of conditions that must all hold, joined by ``and``::

    bank.account != done
    accommodation.address.accommodation_type in (no_fixed_abode, rough_sleeping)
    id.documents.date_received is empty and release within 28
    flag = critical and assigned = me

Grammar (words are case-insensitive; a value with spaces or punctuation, or spelt like
one of the words below, goes in quotes, "..." or '...', with \\ before a quote inside)::

    filter     := condition ("and" condition)*
    condition  := subject operator [value | "(" value ("," value)* ")" | N ["days"]]
    subject    := a person's field   number surname forename prison location release_kind
                                     state crn sex ethnicity date_of_birth phone email
                                     assigned com com.name com.role com.unit com.phone
                                     com.email pom pom.name ... (com is com.name)
                | an item            bank.account                  (its status)
                | an item's field    id.documents.date_received    (its evidence)
                | "flag"             the person's flags today (a severity or a kind)
                | "release"          the release date
    operator   := "=" | "!=" | "in" | "not in" | "is empty" | "is not empty"
                | "before" | "after" | "within" N | "within last" N     (dates)
                | "contains" | "starts with"                              (text)
                | "is applicable" | "is not applicable"                   (items)

What each subject takes:

* text (names, location, contacts, text evidence): ``=``, ``!=``, ``in``, ``not in``
  (ignoring case), ``contains``, ``starts with``, ``is [not] empty``. ``assigned = me`` is
  the acting officer.
* a choice (release_kind, state, sex, ethnicity, choice evidence): ``=``, ``!=``, ``in``,
  ``not in``, ``is [not] empty``, with a choice's value or label in any case.
* a date (release, date_of_birth, date evidence): ``=``, ``!=``, ``before``, ``after``
  (a date as YYYY-MM-DD or DD/MM/YYYY, or ``today``), ``within N`` (from today up to N
  days ahead), ``within last N`` (from N days ago up to today), ``is [not] empty``.
* yes/no evidence: ``= yes``, ``= no``, ``!=``, ``is [not] empty``.
* an item's status: ``=``, ``!=``, ``in``, ``not in`` with not_started, in_progress, done,
  not_required, declined, blocked; ``is applicable``, ``is not applicable``.
* ``flag``: ``= critical`` (some flag of that severity), ``= no_fixed_abode`` (some flag
  of that kind), ``!=`` (no such flag), ``in``, ``not in``, ``is empty`` (no flags).

**An item that does not apply to a person** (the Duty to Refer once an address is
settled, medication for someone not on any) has no status and no evidence: every
condition on its status or evidence is false for that person, ``!=`` and ``is empty``
included, except ``is not applicable``. So ``accommodation.duty_to_refer != done`` lists
only people who need a Duty to Refer. An item the person's template does not have counts
as not applicable. ``!=`` and ``not in`` hold for an empty value (a blank is not "B-2").

Errors are :class:`FilterError` (an InvalidInput): one line naming the unknown item,
field, choice or operator, with the nearest known names.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from planner.domain.filter_terms import (
    KEYWORDS,
    OPERATORS,
    Condition,
    Filter,
    FilterError,
    Kind,
    Op,
    Subject,
)
from planner.domain.filter_vocabulary import Vocabulary, day_count, did_you_mean, shown
from planner.domain.text import visible

__all__ = [
    "Condition",
    "Filter",
    "FilterError",
    "Kind",
    "Op",
    "Subject",
    "Vocabulary",
    "parse_condition",
    "parse_filter",
    "tokens",
]

MAX_LENGTH = 2_000  # far more than any filter an officer types


class Tok(StrEnum):
    WORD = "word"
    TEXT = "quoted text"
    SYMBOL = "symbol"  # = != < > ...
    OPEN = "("
    CLOSE = ")"
    COMMA = ","


@dataclass(frozen=True, slots=True)
class Token:
    kind: Tok
    text: str
    at: int  # where it starts in the filter's text

    def is_word(self, *words: str) -> bool:
        return self.kind is Tok.WORD and self.text.lower() in words


_WORD = re.compile(r"[^\s()\",'=!<>~]+(?:'[^\s()\",'=!<>~]+)*")
_SYMBOL = re.compile(r"[=!<>~]+")
_SYMBOLS = {"=": Op.EQ, "==": Op.EQ, "!=": Op.NE, "<>": Op.NE, "<": Op.BEFORE, ">": Op.AFTER}
_PUNCTUATION = {"(": Tok.OPEN, ")": Tok.CLOSE, ",": Tok.COMMA}


def tokens(text: str, *, lenient: bool = False) -> list[Token]:
    """The words, quoted values and symbols of a filter. An unclosed quote is an error,
    or (`lenient`, for completion while typing) the rest of the text as one value."""
    found: list[Token] = []
    i, end = 0, len(text)
    while i < end:
        char = text[i]
        if char.isspace():
            i += 1
        elif char in _PUNCTUATION:
            found.append(Token(_PUNCTUATION[char], char, i))
            i += 1
        elif char in "\"'":
            value, after = _quoted(text, i, lenient=lenient)
            found.append(Token(Tok.TEXT, value, i))
            i = after
        elif (symbol := _SYMBOL.match(text, i)) is not None:
            found.append(Token(Tok.SYMBOL, symbol.group(), i))
            i = symbol.end()
        else:
            word = _WORD.match(text, i)
            if word is None:  # a lone apostrophe inside a word: take it as part of it
                found.append(Token(Tok.WORD, char, i))
                i += 1
                continue
            found.append(Token(Tok.WORD, word.group(), i))
            i = word.end()
    return found


def _quoted(text: str, start: int, *, lenient: bool) -> tuple[str, int]:
    quote = text[start]
    out: list[str] = []
    i = start + 1
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
        elif char == quote:
            return "".join(out), i + 1
        else:
            out.append(char)
            i += 1
    if lenient:
        return "".join(out), len(text)
    raise FilterError(f"a quote is not closed: {visible(text[start : start + 40])}")


def parse_filter(text: str | Sequence[str], vocabulary: Vocabulary) -> Filter:
    """Read one filter, or several (each `--where`) that must all hold."""
    texts = [text] if isinstance(text, str) else list(text)
    conditions: list[Condition] = []
    for one in texts:
        conditions.extend(_Parser(one, vocabulary).conditions())
    return Filter(tuple(conditions))


def parse_condition(text: str, vocabulary: Vocabulary) -> Condition:
    """Read exactly one condition."""
    found = _Parser(text, vocabulary).conditions()
    if len(found) != 1:
        raise FilterError(f"expected one condition, not {len(found)}: {shown(text)}")
    return found[0]


class _Parser:
    def __init__(self, text: str, vocabulary: Vocabulary) -> None:
        if len(text) > MAX_LENGTH:
            raise FilterError(f"a filter is at most {MAX_LENGTH:,} characters long")
        self.text = text
        self.vocabulary = vocabulary
        self.toks = tokens(text)
        self.i = 0

    def peek(self, offset: int = 0) -> Token | None:
        at = self.i + offset
        return self.toks[at] if at < len(self.toks) else None

    def take(self) -> Token | None:
        tok = self.peek()
        self.i += tok is not None
        return tok

    def conditions(self) -> list[Condition]:
        found: list[Condition] = []
        if not self.toks:
            return found
        while True:
            found.append(self.condition())
            tok = self.take()
            if tok is None:
                return found
            if not tok.is_word("and"):
                raise FilterError(
                    f'expected "and" before {shown(self.text[tok.at :])} (after {found[-1]})'
                )
            if self.peek() is None:
                raise FilterError('nothing after "and": add a condition or remove "and"')

    def condition(self) -> Condition:
        tok = self.take()
        if tok is None or tok.kind is not Tok.WORD or tok.text.lower() in KEYWORDS:
            where = "the end" if tok is None else shown(self.text[tok.at :])
            raise FilterError(f'expected a field, an item, "flag" or "release" at {where}')
        subject = self.vocabulary.subject(tok.text)
        op = self.operator(subject)
        allowed = OPERATORS[subject.kind]
        if op not in allowed:
            raise FilterError(
                f"operator {shown(op.value)} does not apply to {subject.path} "
                f"({subject.kind.described}); use one of: {', '.join(o.value for o in allowed)}"
            )
        return Condition(subject, op, self.values(subject, op))

    def operator(self, subject: Subject) -> Op:
        allowed = OPERATORS[subject.kind]
        options = ", ".join(o.value for o in allowed)
        tok = self.take()
        if tok is None:
            raise FilterError(f"{subject.path}: needs an operator, one of: {options}")
        if tok.kind is Tok.SYMBOL:
            op = _SYMBOLS.get(tok.text)
            if op is None:
                raise FilterError(
                    f"unknown operator {shown(tok.text)} after {subject.path}"
                    f"{did_you_mean(tok.text, _SYMBOLS)}; use one of: {options}"
                )
            return op
        word = tok.text.lower() if tok.kind is Tok.WORD else ""
        second = self.peek()
        if word in ("in", "before", "after", "contains"):
            return Op(word)
        if word == "within":
            if second is not None and second.is_word("last"):
                self.i += 1
                return Op.WITHIN_LAST
            return Op.WITHIN
        pairs = {
            ("not", "in"): Op.NOT_IN,
            ("is", "empty"): Op.EMPTY,
            ("is", "applicable"): Op.APPLICABLE,
            ("starts", "with"): Op.STARTS_WITH,
        }
        if second is not None and (word, second.text.lower()) in pairs:
            self.i += 1
            return pairs[(word, second.text.lower())]
        third = self.peek(1)
        if word == "is" and second is not None and second.is_word("not") and third is not None:
            after = {"empty": Op.NOT_EMPTY, "applicable": Op.NOT_APPLICABLE}.get(third.text.lower())
            if after is not None and third.kind is Tok.WORD:
                self.i += 2
                return after
        typed = " ".join(t.text for t in self.toks[self.i - 1 : self.i + 1] if t.kind is Tok.WORD)
        words = [o.value for o in allowed]
        hint = did_you_mean(typed, words) or did_you_mean(tok.text, words)
        if word == "is" and not hint:
            hint = " (did you mean =?)"
        raise FilterError(
            f"unknown operator {shown(typed or tok.text)} after {subject.path}{hint}; "
            f"use one of: {options}"
        )

    def values(self, subject: Subject, op: Op) -> tuple[str, ...]:
        if op.takes == 0:
            return ()
        if op in (Op.WITHIN, Op.WITHIN_LAST):
            days = day_count(subject, self.day_text(subject, op))
            unit = self.peek()
            if unit is not None and unit.is_word("days", "day"):
                self.i += 1
            return (days,)
        if op.takes == 1:
            return (self.checked(subject, op, self.value_text(subject, op)),)
        opening = self.peek()
        if opening is None or opening.kind is not Tok.OPEN:  # a single value: `in done`
            return (self.checked(subject, op, self.value_text(subject, op)),)
        self.i += 1
        found: list[str] = []
        while True:
            found.append(self.checked(subject, op, self.value_text(subject, op, in_list=True)))
            tok = self.take()
            if tok is not None and tok.kind is Tok.CLOSE:
                return tuple(dict.fromkeys(found))
            if tok is None or tok.kind is not Tok.COMMA:
                where = "the end" if tok is None else shown(self.text[tok.at :])
                raise FilterError(
                    f'{subject.path} {op.value} (...): expected "," or ")" at {where}'
                )

    def day_text(self, subject: Subject, op: Op) -> str:
        tok = self.take()
        if tok is None or tok.kind not in (Tok.WORD, Tok.TEXT):
            where = "the end" if tok is None else shown(self.text[tok.at :])
            raise FilterError(f"{subject.path} {op.value}: needs a number of days at {where}")
        return tok.text

    def value_text(self, subject: Subject, op: Op, *, in_list: bool = False) -> str:
        """A quoted value, or words up to the next "and" (in a list: up to "," or ")"),
        so `location = B wing` and `in (rough sleeping, no fixed abode)` read as typed."""
        tok = self.take()
        if tok is not None and tok.kind is Tok.TEXT:
            return tok.text
        if tok is not None and tok.kind is Tok.WORD and (in_list or not tok.is_word("and")):
            words = [tok.text]
            while (more := self.peek()) is not None and more.kind is Tok.WORD:
                if not in_list and more.is_word("and"):
                    break
                words.append(more.text)
                self.i += 1
            return " ".join(words)
        where = "the end" if tok is None else shown(self.text[tok.at :])
        note = ' (put a value spelt like a word of the language in quotes: "and")'
        keyword = tok is not None and tok.kind is Tok.WORD
        raise FilterError(
            f"{subject.path} {op.value}: expected a value at {where}{note if keyword else ''}"
        )

    def checked(self, subject: Subject, op: Op, raw: str) -> str:
        if op in (Op.CONTAINS, Op.STARTS_WITH) or subject.kind is Kind.TEXT:
            return raw.strip()
        return self.vocabulary.value(subject, raw)
