"""What stored text may hold: one rule for every text field, and how to show any text.

Stored text is data: it is shown literally everywhere and must never act on a terminal,
a spreadsheet or a reader's eye. So the models refuse, whoever writes:

* in every field: control characters (C0, DEL, C1; free text keeps newline and tab),
  lone surrogates (not text at all), the line and paragraph separators, and the
  bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069), which
  make text read in another order than it is stored;
* in names and identifiers also: the bidirectional marks (U+200E, U+200F, U+061C) and
  zero-width characters (U+200B-U+200D, U+2060, U+FEFF), which make two different
  names look alike, except the zero-width joiner and non-joiner between two letters of a
  script whose spelling needs them (Persian and Urdu in the Arabic script, the Indic
  scripts: "مهر‌ناز" is spelt with one); and names are kept in Unicode normal form C, so
  'Zoë' typed either way is one name.

Each check raises ValueError with a message the caller prefixes with the field's name
(pydantic does): "surname: contains a control character (U+001B)". The message names the
character by its code, never echoes the text: it may be personal data.

:func:`visible` is the other half, for showing text that never went through a model (an
audit entry written by an older planner, a caseload index entry): whatever the free-text
rule refuses is shown as its code, ``<U+001B>``, so it cannot reach a terminal.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection
from typing import Annotated

from planner.domain.validated import for_new_values

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
BIDI_MARKS = frozenset("\u200e\u200f\u061c")
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")
JOINERS = frozenset("\u200c\u200d")
# Scripts that spell some words with a joiner or non-joiner between two of their letters:
# Arabic (Persian, Urdu), its presentation forms, and the Indic scripts and Sinhala.
JOINING_SCRIPTS = (
    (0x0600, 0x06FF),
    (0x0750, 0x077F),
    (0x08A0, 0x08FF),
    (0x0900, 0x0DFF),
    (0xFB50, 0xFDFF),
    (0xFE70, 0xFEFF),
)
LINE_SEPARATORS = frozenset("\u2028\u2029")
MULTILINE = frozenset("\n\t")  # what free text of several lines keeps of the controls


def _is_control(code: int) -> bool:
    return code < 0x20 or 0x7F <= code <= 0x9F


def _is_surrogate(code: int) -> bool:
    return 0xD800 <= code <= 0xDFFF


def _problem(char: str, *, name: bool) -> str | None:
    """What is wrong with `char` in a name (`name`) or in free text; None if nothing."""
    code = ord(char)
    if _is_control(code):
        what = "a control character"
    elif _is_surrogate(code):
        what = "a character that is not valid text"
    elif char in LINE_SEPARATORS:
        what = "a line separator"
    elif char in BIDI_CONTROLS or (name and char in BIDI_MARKS):
        what = "a bidirectional control character"
    elif name and char in ZERO_WIDTH:
        what = "a zero-width character"
    else:
        return None
    return f"contains {what} (U+{code:04X})"


def _check(value: str, *, name: bool, keep: Collection[str] = ()) -> None:
    if value.isprintable():  # the common case: no control, format or separator character
        return
    for index, char in enumerate(value):
        if char in keep or (name and char in JOINERS and _joins_a_word(value, index)):
            continue
        problem = _problem(char, name=name)
        if problem is not None:
            raise ValueError(problem)


def _joins_a_word(value: str, index: int) -> bool:
    """Whether the joiner at `index` stands between two letters of a joining script."""
    if index == 0 or index + 1 >= len(value):
        return False
    return _in_joining_script(value[index - 1]) and _in_joining_script(value[index + 1])


def _in_joining_script(char: str) -> bool:
    code = ord(char)
    letter = unicodedata.category(char)[0] in "LM"
    return letter and any(low <= code <= high for low, high in JOINING_SCRIPTS)


def name_text(value: str) -> str:
    """A name or identifier as stored: one line, nothing invisible, in NFC."""
    _check(value, name=True)
    return value if unicodedata.is_normalized("NFC", value) else unicodedata.normalize("NFC", value)


def line_text(value: str) -> str:
    """Free text of one line (an evidence value): no control or bidi override characters."""
    _check(value, name=False)
    return value


def notes_text(value: str) -> str:
    """Free text of several lines (notes, reasons): newline and tab kept, CR LF read as a
    newline, nothing else that controls a terminal or the reading order."""
    if "\r\n" in value:
        value = value.replace("\r\n", "\n")
    _check(value, name=False, keep=MULTILINE)
    return value


NameText = Annotated[str, for_new_values(name_text)]
NotesText = Annotated[str, for_new_values(notes_text)]


# --- showing any text -----------------------------------------------------------------------


def visible(value: str, *, multiline: bool = False) -> str:
    """`value` with what free text may not hold shown as its code (``<U+001B>``); newline
    and tab are kept when `multiline`. Text the models accepted comes back unchanged."""
    if value.isprintable():
        return value
    keep = MULTILINE if multiline else frozenset()
    return "".join(
        f"<U+{ord(c):04X}>" if c not in keep and _problem(c, name=False) else c for c in value
    )
