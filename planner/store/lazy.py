"""Documents kept as JSON text until someone reads them.

A database of 20,000 full checklists is about 100 MB of JSON; parsing all of it takes
over a second. The cases table is therefore stored as one JSON string per record and
held in memory as a LazyDocument, parsed the first time a field is read (opening one
person), while the small index table the caseload needs is parsed up front.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import orjson


class LazyDocument(Mapping[str, Any]):
    """A read-only mapping over JSON text, parsed on first access."""

    __slots__ = ("_parsed", "_raw")

    def __init__(self, raw: str | bytes | memoryview) -> None:
        self._raw = raw
        self._parsed: dict[str, Any] | None = None

    def parsed(self) -> dict[str, Any]:
        """The document as a dict, parsed now if it was not yet (do not change it)."""
        return self._data()

    def read(self) -> dict[str, Any]:
        """The document as a dict, parsed now and not kept if it was not parsed yet: for
        one pass over a whole caseload, which would otherwise hold every document twice
        (as text and parsed) until the store closes."""
        if self._parsed is not None:
            return self._parsed
        value = orjson.loads(self._raw)
        if not isinstance(value, dict):
            raise ValueError("a stored document is not a JSON object")
        return value

    def _data(self) -> dict[str, Any]:
        if self._parsed is None:
            self._parsed = self.read()
        return self._parsed

    def __getitem__(self, key: str) -> Any:
        return self._data()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data())

    def __len__(self) -> int:
        return len(self._data())

    def raw_json(self) -> bytes:
        """The document's JSON, without parsing it if it was never read."""
        if self._parsed is None:
            raw = self._raw
            return raw.encode() if isinstance(raw, str) else bytes(raw)
        return orjson.dumps(self._parsed)


def to_fragment(value: object) -> object:
    """orjson `default` hook: embed a LazyDocument's JSON as it is."""
    if isinstance(value, LazyDocument):
        return orjson.Fragment(value.raw_json())
    raise TypeError(f"cannot store a {type(value).__name__}")
