"""Text a careless or hostile user might type, for the fuzz tests of every entry point."""

from __future__ import annotations

from hypothesis import strategies as st

from planner.domain.text import BIDI_CONTROLS, BIDI_MARKS, ZERO_WIDTH

PIECES = (
    "[/]",
    "[link=http://evil.example/]click[/link]",
    "[bold green]DONE[/]",
    "Jim [aka Jimmy]",
    "[@click=app.quit]x[/]",
    "\x1b[2J",
    "\x1b]8;;http://evil.example/\x07link\x1b]8;;\x07",
    "\x9b31m",
    "\r",
    "\n",
    "\t",
    "\x00",
    "\x7f",
    "\u202egnp.exe",
    "\ufeff",
    "\udcff",  # what a byte that is not UTF-8 in a command's arguments becomes
    "🙂",
    "\U0001f468\u200d\U0001f469\u200d\U0001f467",
    "Zoe\u0308",
    '=HYPERLINK("http://evil.example")',
    "+1",
    "-1",
    "@SUM(A1)",
    "# heading",
    "| a | b |",
    "---",
    "1. list",
    "> quote",
    "<b>html</b>",
    "&amp;",
    "*bold* _em_ `code`",
    "http://evil.example/",
    "x" * 300,
)
SPECIAL = "".join(sorted(BIDI_CONTROLS | BIDI_MARKS | ZERO_WIDTH)) + "\u2028\u2029\x85\x1b"


def hostile_text(*, min_size: int = 1, max_size: int = 12) -> st.SearchStrategy[str]:
    """Short strings made of hostile pieces, special characters and any other text."""
    part = st.one_of(
        st.sampled_from(PIECES),
        st.sampled_from(SPECIAL),
        st.text(st.characters(codec=None, exclude_categories=()), min_size=1, max_size=4),
    )
    return st.lists(part, min_size=min_size, max_size=max_size).map("".join)
