"""Exact, replayable descriptions of how the stored documents of a change differ.

An audit record's entries say in words what changed; its patch says it exactly, so the
changes a lost journal held can be made again from the audit log alone. A patch is a list
of operations, one per document: ``[table, key, None]`` removes the document,
``[table, key, {"put": DOC}]`` stores it whole (a new document), and ``[table, key,
{"set": [[PATH, VALUE], ...], "unset": [PATH, ...], "digest": HEX}]`` changes the fields
at those paths of the stored document (a path is a list of keys; lists are values). The
digest is of the document that must result, so a patch applied to anything but the
document it was made from is recognised instead of giving a wrong record.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Mapping
from typing import Any

import orjson

Path = list[str]
Operation = list[Any]  # [table, key, None | {"put": ...} | {"set", "unset", "digest"}]


class PatchMismatch(ValueError):
    """A patch does not fit the document it is applied to."""


def digest(doc: Mapping[str, Any]) -> str:
    """A short hash of a document's content, the same however its keys are ordered."""
    return hashlib.sha256(orjson.dumps(dict(doc), option=orjson.OPT_SORT_KEYS)).hexdigest()[:32]


def operation(
    table: str, key: str, old: Mapping[str, Any] | None, new: Mapping[str, Any] | None
) -> Operation:
    """The operation that turns the stored document `old` (None: none yet) into `new`."""
    if new is None:
        return [table, key, None]
    if old is None:
        return [table, key, {"put": dict(new)}]
    sets: list[list[Any]] = []
    unsets: list[Path] = []
    _diff(dict(old), dict(new), [], sets, unsets)
    return [table, key, {"set": sets, "unset": unsets, "digest": digest(new)}]


def _diff(
    old: dict[str, Any], new: dict[str, Any], path: Path, sets: list[list[Any]], unsets: list[Path]
) -> None:
    for name in old:
        if name not in new:
            unsets.append([*path, name])
    for name, value in new.items():
        before = old.get(name, _ABSENT)
        if isinstance(before, dict) and isinstance(value, dict):
            _diff(before, value, [*path, name], sets, unsets)
        elif before is _ABSENT or before != value or type(before) is not type(value):
            sets.append([[*path, name], value])


_ABSENT = object()


def apply(doc: Mapping[str, Any] | None, change: dict[str, Any] | None) -> dict[str, Any] | None:
    """The document `change` (an operation's third part) makes of `doc`; PatchMismatch
    when it does not fit."""
    if change is None:
        return None
    if "put" in change:
        put = change["put"]
        if not isinstance(put, dict):
            raise PatchMismatch("a stored document is not an object")
        return copy.deepcopy(put)
    if doc is None:
        raise PatchMismatch("the document a change was made to is not there")
    result = copy.deepcopy(dict(doc))
    try:
        for path in change["unset"]:
            parent = _parent(result, path)
            parent.pop(path[-1], None)
        for path, value in change["set"]:
            _parent(result, path, create=True)[path[-1]] = copy.deepcopy(value)
        wanted = change["digest"]
    except (KeyError, TypeError, ValueError, IndexError):
        raise PatchMismatch("a change is malformed") from None
    if digest(result) != wanted:
        raise PatchMismatch("a change does not fit the document it is applied to")
    return result


def _parent(doc: dict[str, Any], path: Any, *, create: bool = False) -> dict[str, Any]:
    if not isinstance(path, list) or not path or not all(isinstance(p, str) for p in path):
        raise PatchMismatch("a change names a malformed path")
    node = doc
    for name in path[:-1]:
        child = node.get(name)
        if not isinstance(child, dict):
            if not create:
                return {}
            child = node[name] = {}
        node = child
    return node
