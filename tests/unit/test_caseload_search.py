"""A search typed letter by letter may look only among the matches of the letters before:
it then finds exactly whom a search of everyone finds."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from planner.domain.caseload_search import narrows, search, search_text, searched_for


@dataclass(frozen=True)
class Person:
    number: str
    forename: str
    surname: str


LETTERS = "abcdeiklmnos ,-'ÉéSMITH"
names = st.text(alphabet=LETTERS, min_size=0, max_size=8)
people = st.lists(
    st.builds(Person, st.text(alphabet="AB12", min_size=7, max_size=7), names, names),
    max_size=30,
)


def find(rows: list[Person], text: str) -> list[Person]:
    return search(rows, text, text_of=search_text)  # type: ignore[type-var,arg-type]


@settings(max_examples=200, deadline=None)
@given(rows=people, earlier=st.text(alphabet=LETTERS, max_size=4), more=names)
def test_a_narrowing_search_finds_whom_a_whole_search_finds(
    rows: list[Person], earlier: str, more: str
) -> None:
    text = earlier + more
    if narrows(earlier, text):
        assert find(find(rows, earlier), text) == find(rows, text)


def test_what_narrows() -> None:
    assert narrows("sm", "smi")
    assert narrows("SM", "  sm  ith")
    assert narrows("smi", "smith, j")
    assert not narrows("smi", "sm")  # a letter taken away finds more
    assert not narrows("", "s")  # nothing was searched for before
    assert not narrows("ab", "a b")
    assert searched_for("  Smith   Jo ") == "smith jo"
