"""Tables as plain aligned lines that fit the terminal, fast enough for 20,000 rows.

A rich Table lays out every row before printing anything (30 s for 20,000 rows); these
tables measure each column once, then print line by line. Nothing is ever cut: a column
that may wrap (a name, a flag's words) wraps onto more lines, and when the columns still
do not fit the width, the last of them are listed under each row instead ("Most urgent
flag: ..."), down to one column and the rest beneath it at the narrowest.

Cells are text as given: the caller shows stored text with :func:`planner.domain.text.
visible`, so no control character reaches the terminal. Widths are terminal cells, so
names in Chinese or with emoji line up.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from rich.cells import cell_len

GAP = 2
INDENT = 4
MIN_WRAP = 12  # a wrapping column is never made narrower than this


@dataclass(frozen=True, slots=True)
class Col:
    heading: str
    wrap: bool = False  # may wrap onto more lines
    right: bool = False  # numbers line up on the right
    keep: bool = False  # stays in the table when others move under the rows
    below: bool = False  # always listed under the row (unlabelled when heading is "")


@dataclass(frozen=True, slots=True)
class Heading:
    """A line of its own between rows, e.g. a section title."""

    text: str


Line = Sequence[str] | Heading


def width_of(text: str) -> int:
    return len(text) if text.isascii() else cell_len(text)


def wrap(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` cells, broken at spaces where it can be; its own
    line breaks are kept. Nothing is dropped."""
    width = max(width, 1)
    out: list[str] = []
    for paragraph in text.split("\n"):
        if width_of(paragraph) <= width:
            out.append(paragraph)
            continue
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if width_of(candidate) <= width:
                line = candidate
                continue
            if line:
                out.append(line)
            while width_of(word) > width:
                head, word = _split_cells(word, width)
                out.append(head)
            line = word
        out.append(line)
    return out


def _split_cells(word: str, width: int) -> tuple[str, str]:
    used = 0
    for index, char in enumerate(word):
        used += width_of(char)
        if used > width:
            cut = max(index, 1)
            while cut < len(word) and width_of(word[cut]) == 0:
                cut += 1  # a combining mark stays with the letter it is on
            return word[:cut], word[cut:]
    return word, ""


def pad(text: str, width: int, *, right: bool = False) -> str:
    room = width - width_of(text)
    if room <= 0:
        return text
    return " " * room + text if right else text + " " * room


@dataclass(frozen=True, slots=True)
class Plan:
    shown: list[int]  # columns in the table, in order
    widths: list[int]  # their widths
    below: list[int]  # columns listed under each row


def plan(cols: Sequence[Col], natural: Sequence[int], width: int) -> Plan:
    """Which columns fit side by side in `width`, how wide each is, and which go below."""
    shown = [i for i, c in enumerate(cols) if not c.below]
    below = [i for i, c in enumerate(cols) if c.below]
    while True:
        widths = _fit([cols[i] for i in shown], [natural[i] for i in shown], width)
        if widths is not None:
            return Plan(shown, widths, sorted(below))
        movable = [i for i in shown[1:] if not cols[i].keep]
        wrapping = [i for i in movable if cols[i].wrap]
        if wrapping:  # the widest text goes first: it would wrap the most
            choice = max(wrapping, key=lambda i: (natural[i], i))
        elif movable or shown[1:]:
            choice = (movable or shown[1:])[-1]
        else:
            return Plan(shown, [min(natural[shown[0]], width)], sorted(below))
        shown.remove(choice)
        below.append(choice)


def _fit(cols: Sequence[Col], natural: Sequence[int], width: int) -> list[int] | None:
    total = sum(natural) + GAP * (len(cols) - 1)
    if total <= width:
        return list(natural)
    fixed = sum(n for c, n in zip(cols, natural, strict=True) if not c.wrap)
    room = width - fixed - GAP * (len(cols) - 1)
    wrapping = sorted((n, i) for i, (c, n) in enumerate(zip(cols, natural, strict=True)) if c.wrap)
    if not wrapping or sum(_narrowest(n) for n, _ in wrapping) > room:
        return None
    widths = list(natural)
    left = len(wrapping)
    for n, i in wrapping:  # the narrowest take what they need, the rest share what is left
        share = room // left
        widths[i] = max(min(n, share), _narrowest(n))
        room -= widths[i]
        left -= 1
    return widths if sum(widths) + GAP * (len(cols) - 1) <= width else None


def _narrowest(natural: int) -> int:
    """How narrow a wrapping column may be made: two lines for its longest text, and
    never under MIN_WRAP; below that, it is better listed under the row."""
    return min(natural, max(MIN_WRAP, -(-natural // 2)))


def render(cols: Sequence[Col], lines: Sequence[Line], width: int) -> Iterator[str]:
    """The heading, a rule, then each row (and the columns that went below it)."""
    rows = [line for line in lines if not isinstance(line, Heading)]
    natural = [width_of(c.heading) for c in cols]
    for row in rows:
        for index, cell in enumerate(row):
            size = (
                max(width_of(part) for part in cell.split("\n"))
                if "\n" in cell
                else (width_of(cell))
            )
            if size > natural[index]:
                natural[index] = size
    chosen = plan(cols, natural, width)
    shown = [cols[i] for i in chosen.shown]
    yield _join(shown, chosen.widths, [c.heading for c in shown])
    yield _join(shown, chosen.widths, ["-" * w for w in chosen.widths])
    below = [(cols[i].heading, i) for i in chosen.below]
    for line in lines:
        if isinstance(line, Heading):
            yield from wrap(line.text, width)
            continue
        yield from _row(shown, chosen, line)
        for heading, index in below:
            if line[index]:
                text = f"{heading}: {line[index]}" if heading else line[index]
                for part in wrap(text, width - INDENT):
                    yield " " * INDENT + part


def _row(shown: Sequence[Col], chosen: Plan, row: Sequence[str]) -> Iterator[str]:
    cells = [row[i] for i in chosen.shown]
    if all("\n" not in c and width_of(c) <= w for c, w in zip(cells, chosen.widths, strict=True)):
        yield _join(shown, chosen.widths, cells)
        return
    wrapped = [wrap(c, w) for c, w in zip(cells, chosen.widths, strict=True)]
    for depth in range(max(len(w) for w in wrapped)):
        yield _join(shown, chosen.widths, [w[depth] if depth < len(w) else "" for w in wrapped])


def _join(cols: Sequence[Col], widths: Sequence[int], cells: Sequence[str]) -> str:
    parts = [pad(cell, w, right=c.right) for c, w, cell in zip(cols, widths, cells, strict=True)]
    return (" " * GAP).join(parts).rstrip()


def details(lines: Sequence[str], width: int, indent: int = INDENT) -> Iterator[str]:
    """Lines of text indented under a row, wrapped to the width."""
    for text in lines:
        for part in wrap(text, width - indent):
            yield " " * indent + part
