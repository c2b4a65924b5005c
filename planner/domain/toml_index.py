"""Where a value of a TOML file sits: a best-effort map from data locations to lines.

Python's TOML reader gives data without positions; a template problem is far easier to
fix with its line number. `TomlIndex` scans the text for ``[table]`` and
``[[array.of.tables]]`` headers instead of parsing it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

LocPart = int | str
Loc = tuple[LocPart, ...]

_HEADER = re.compile(r"""^\s*(\[\[?)\s*([A-Za-z0-9_\-."' ]+?)\s*(\]\]?)\s*(?:#.*)?$""")


@dataclass
class _Block:
    """The lines under one TOML table header, and where that table sits in the data."""

    address: Loc
    header_line: int | None  # 1-based; None for the lines before the first header
    lines: list[tuple[int, str]]


class TomlIndex:
    """A best-effort map from data locations to line numbers, by scanning the file text.

    It follows `[table]` and `[[array.of.tables]]` headers and counts the array entries, so
    `("items", 3, "evidence", 1, "type")` finds the `type =` line of the second
    `[[items.evidence]]` under the fourth `[[items]]`. Anything it cannot follow (inline
    tables, quoted dotted keys) falls back to the nearest enclosing header.
    """

    def __init__(self, text: str) -> None:
        self.blocks: list[_Block] = [_Block((), None, [])]
        arrays: dict[Loc, int] = {}  # array address -> index of its latest entry
        for number, line in self._lines(text):
            header = _HEADER.match(line)
            if header is None or len(header.group(1)) != len(header.group(3)):
                self.blocks[-1].lines.append((number, line))
                continue
            keys = [k.strip().strip("\"'") for k in header.group(2).split(".")]
            address: Loc = ()
            for depth, key in enumerate(keys):
                address = (*address, key)
                is_new_entry = header.group(1) == "[[" and depth == len(keys) - 1
                if is_new_entry:
                    arrays[address] = arrays.get(address, -1) + 1
                if address in arrays:
                    address = (*address, arrays[address])
            self.blocks.append(_Block(address, number, []))

    @staticmethod
    def _lines(text: str) -> Iterator[tuple[int, str]]:
        """Numbered lines, skipping those inside multi-line strings."""
        in_string: str | None = None
        for number, line in enumerate(text.splitlines(), start=1):
            scan = line
            was_in_string = in_string is not None
            while True:
                if in_string is None:
                    found = [(scan.find(q), q) for q in ('"""', "'''") if q in scan]
                    if not found:
                        break
                    pos, quote = min(found)
                    in_string = quote
                    scan = scan[pos + 3 :]
                else:
                    pos = scan.find(in_string)
                    if pos < 0:
                        break
                    in_string = None
                    scan = scan[pos + 3 :]
            if not was_in_string:
                yield number, line

    def line_of(self, loc: Loc) -> int | None:
        block = max(
            (b for b in self.blocks if loc[: len(b.address)] == b.address),
            key=lambda b: len(b.address),
        )
        rest = loc[len(block.address) :]
        key = rest[0] if rest else None
        if isinstance(key, str):
            pattern = re.compile(rf"""^\s*(["']?){re.escape(key)}\1\s*[=.]""")
            for number, line in block.lines:
                if pattern.match(line):
                    return number
        return block.header_line
