"""Completion while a filter is typed: item ids, fields, operators and choices.

``complete(text, vocabulary)`` says what could come next at the end of `text`: the offset
where the word being typed starts, and the words that would fit there (subjects at the
start of a condition, the subject's operators after it, its choices, statuses, flags or
``today`` after an operator, then ``and``). A filter bar replaces ``text[start:]`` with
the chosen word. Nothing here raises: an unreadable subject completes to nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.domain.filter_terms import OPERATORS, FilterError, Op, Subject, quoted
from planner.domain.filter_vocabulary import Vocabulary
from planner.domain.filters import Tok, Token, tokens

MAX_CANDIDATES = 50


@dataclass(frozen=True, slots=True)
class Completion:
    start: int  # where the word being completed starts in the text
    candidates: tuple[str, ...]  # what may replace text[start:], best first


def complete(text: str, vocabulary: Vocabulary) -> Completion:
    found = tokens(text, lenient=True)
    typing = bool(found) and not text[-1:].isspace() and found[-1].kind in (Tok.WORD, Tok.TEXT)
    partial = found[-1].text if typing else ""
    start = found[-1].at if typing else len(text)
    before = found[:-1] if typing else found
    words = _current_condition(before)
    candidates = _after(words, vocabulary, partial)
    return Completion(start, tuple(candidates[:MAX_CANDIDATES]))


def _current_condition(before: list[Token]) -> list[Token]:
    """The tokens of the condition being typed: those after the last top-level "and"."""
    depth, cut = 0, 0
    for index, tok in enumerate(before):
        if tok.kind is Tok.OPEN:
            depth += 1
        elif tok.kind is Tok.CLOSE:
            depth = max(depth - 1, 0)
        elif depth == 0 and tok.is_word("and"):
            cut = index + 1
    return before[cut:]


def _matching(options: list[str], partial: str) -> list[str]:
    low = partial.lower()
    starts = [o for o in options if o.lower().startswith(low)]
    inside = [o for o in options if low and low in o.lower() and o not in starts]
    return starts + inside


_SYMBOL_OPS = {"=": Op.EQ, "==": Op.EQ, "!=": Op.NE, "<>": Op.NE, "<": Op.BEFORE, ">": Op.AFTER}


def _after(words: list[Token], vocabulary: Vocabulary, partial: str) -> list[str]:
    if not words:
        return _matching(vocabulary.subject_paths(), partial)
    try:
        subject = vocabulary.subject(words[0].text)
    except FilterError:
        return []
    rest = words[1:]
    op, used = _operator(rest, subject)
    if op is None:  # still typing the operator: offer what completes the word at hand
        typed = " ".join(t.text.lower() for t in rest)
        phrase = f"{typed} {partial}".strip() if typed else partial
        cut = len(typed) + 1 if typed else 0
        return [
            o.value[cut:]
            for o in OPERATORS[subject.kind]
            if o.value.startswith(phrase.lower()) and len(o.value) > cut
        ]
    values = rest[used:]
    given = [t for t in values if t.kind in (Tok.WORD, Tok.TEXT)]
    if op.takes == 0 or any(t.kind is Tok.CLOSE for t in values):
        return _matching(["and"], partial)
    if op in (Op.WITHIN, Op.WITHIN_LAST):
        if given:
            return _matching(["days", "and"], partial)
        days = ["7", "14", "28", "84"] + (["last"] if op is Op.WITHIN else [])
        return _matching(days, partial)
    if op.takes == 1 and given:
        return _matching(["and"], partial)
    options = [quoted(v) for v in vocabulary.value_words(subject)]
    if op.takes == -1 and not any(t.kind is Tok.OPEN for t in values):
        return ["("] if not partial else _matching(options, partial)
    return _matching(options, partial)


def _operator(rest: list[Token], subject: Subject) -> tuple[Op | None, int]:
    """The operator the tokens after the subject begin with, and how many it takes
    (the longest that fits: "within last" before "within")."""
    if rest and rest[0].kind is Tok.SYMBOL:
        op = _SYMBOL_OPS.get(rest[0].text)
        return (op, 1) if op in OPERATORS[subject.kind] else (None, 0)
    words = [t.text.lower() for t in rest if t.kind is Tok.WORD]
    for op in sorted(OPERATORS[subject.kind], key=lambda o: -len(o.value.split())):
        size = len(op.value.split())
        if words[:size] == op.value.split() and len(rest) >= size:
            return op, size
    return None, 0
