"""What is wrong with a template file, said so that a site can fix it.

`TemplateProblem` names the place in the template ("items[3] (bank.account) >
evidence[1] > type") and, as far as it can be found, the line of the file;
`TemplateError` carries every problem of one file. `validation_problems` turns pydantic's
validation errors into problems: one for each condition that was meant as one kind
of condition (not one per kind pydantic tried), and one for each finding of the
template's own consistency check, placed at the item or section it is about.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

from pydantic import ValidationError

from planner.domain.template import Condition
from planner.domain.toml_index import Loc, LocPart, TomlIndex

TOP = "template"


@dataclass(frozen=True)
class TemplateProblem:
    """One thing wrong with a template file, and where."""

    place: str
    line: int | None
    message: str
    file: str = ""

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where = f"{where}:{self.line}" if where else f"line {self.line}"
        text = f"{self.place}: {self.message}" if self.place else self.message
        return f"{where}: {text}" if where else text


class TemplateError(Exception):
    """A template file that cannot be used, with every problem found in it."""

    def __init__(self, path: Path, problems: Sequence[TemplateProblem]) -> None:
        self.path = path
        self.problems: list[TemplateProblem] = list(problems)
        super().__init__(self.summary())

    def summary(self) -> str:
        count = len(self.problems)
        if count == 0:
            return f"{self.path.name}: template cannot be used"
        first = _one_line(str(self.problems[0]))
        if count == 1:
            return f"template {self.path.name} has a problem: {first}"
        return f"template {self.path.name} has {count} problems; the first is {first}"

    def report(self) -> str:
        """Every problem, one a line, for a log or an error screen."""
        return "\n".join([self.summary(), *(f"  {p}" for p in self.problems)])

    def __str__(self) -> str:
        return self.summary()


def _one_line(text: str) -> str:
    return " ".join(text.split())


_TOML_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_TOML_END = re.compile(r"\s*\(at end of document\)\s*$")


def syntax_problem(message: str, text: str, file: str) -> TemplateProblem:
    at = _TOML_AT.search(message)
    if at:
        detail = f"{message[: at.start()]} (column {at.group(2)})"
        return TemplateProblem("TOML syntax", int(at.group(1)), detail, file)
    end = _TOML_END.search(message)
    if end:
        lines = max(1, len(text.splitlines()))
        return TemplateProblem(
            "TOML syntax", lines, f"{message[: end.start()]} (at end of file)", file
        )
    return TemplateProblem("TOML syntax", None, message, file)


@dataclass(frozen=True)
class _Err:
    loc: Loc
    kind: str
    message: str


_PLAIN_MESSAGES = {
    "missing": "required key is missing",
    "extra_forbidden": "unknown key; check its spelling against the template format",
}
_VALUE_PREFIXES = ("Value error, ", "Assertion failed, ")
# Errors that say "this input is not shaped like this kind of condition at all".
_SHAPE_KINDS = frozenset(
    {"missing", "extra_forbidden", "model_type", "model_attributes_type", "dict_type"}
)
_CONDITION_TAGS = frozenset(cls.__name__ for cls in get_args(Condition))
_WRAPPED_TAG = re.compile(r"^function-[a-z-]+\[.*, (\w+)\]$")
_NOT_A_CONDITION = (
    "is not a condition: use one of { circumstance = ... }, { age_under = ... }, "
    "{ item = ..., field = ..., in = [...] or not_in = [...] }, { all = [...] } or { any = [...] }"
)


def validation_problems(
    exc: ValidationError, data: dict[str, Any], text: str, file: str
) -> list[TemplateProblem]:
    raw = [
        _Err(tuple(e["loc"]), e["type"], _plain_message(e["type"], e["msg"]))
        for e in exc.errors(include_url=False, include_context=False, include_input=False)
    ]
    # A list whose entries all failed is also reported as too short: say only why they failed.
    parents = {err.loc[:i] for err in raw for i in range(len(err.loc))}
    raw = [err for err in raw if not (err.kind == "too_short" and err.loc in parents)]
    errors: list[_Err] = []
    for err in _collapse_unions(raw):
        if err.loc == () and err.kind == "value_error":
            # Template._consistent joins its findings with "; ": one problem each.
            errors.extend(_model_problem(part, data) for part in err.message.split("; ") if part)
        else:
            errors.append(err)
    index = TomlIndex(text)
    problems = [
        TemplateProblem(_place(err.loc, data), index.line_of(err.loc), err.message, file)
        for err in errors
    ]
    # In file order, so a site can work down the file; problems with no line come last.
    return sorted(problems, key=lambda p: (p.line is None, p.line or 0))


def _plain_message(kind: str, message: str) -> str:
    if kind in _PLAIN_MESSAGES:
        return _PLAIN_MESSAGES[kind]
    for prefix in _VALUE_PREFIXES:
        if message.startswith(prefix):
            return message[len(prefix) :]
    return message


def _union_tag(part: LocPart) -> str | None:
    """The condition kind pydantic put in an error location, when this part is one."""
    if not isinstance(part, str):
        return None
    if part in _CONDITION_TAGS:
        return part
    wrapped = _WRAPPED_TAG.match(part)
    if wrapped and wrapped.group(1) in _CONDITION_TAGS:
        return wrapped.group(1)
    return None


def _first_tag(loc: Loc) -> int | None:
    for i, part in enumerate(loc):
        if _union_tag(part) is not None:
            return i
    return None


def _collapse_unions(errors: list[_Err]) -> list[_Err]:
    """Keep, for each condition, only the errors of the kind of condition it was meant to be.

    Pydantic tries every kind of condition and reports why each failed; a condition that
    was meant as `{ circumstance = "vetran" }` would otherwise also be told it lacks
    `age_under`, `item`, `all` and `any`.
    """
    out: list[_Err | Loc] = []
    groups: dict[Loc, dict[str, list[_Err]]] = {}
    for err in errors:
        at = _first_tag(err.loc)
        if at is None:
            out.append(err)
            continue
        prefix = err.loc[:at]
        if prefix not in groups:
            groups[prefix] = {}
            out.append(prefix)
        tag = _union_tag(err.loc[at]) or ""
        groups[prefix].setdefault(tag, []).append(
            _Err(prefix + err.loc[at + 1 :], err.kind, err.message)
        )
    result: list[_Err] = []
    for entry in out:
        if isinstance(entry, _Err):
            result.append(entry)
            continue
        members = {tag: _collapse_unions(errs) for tag, errs in groups[entry].items()}

        def shape_errors(errs: list[_Err], prefix: Loc = entry) -> int:
            return sum(e.kind in _SHAPE_KINDS and len(e.loc) <= len(prefix) + 1 for e in errs)

        best = min(members.values(), key=lambda errs: (shape_errors(errs), len(errs)))
        if len(members) > 1 and shape_errors(best) == len(best):
            result.append(_Err(entry, "condition", _NOT_A_CONDITION))
        else:
            result.extend(best)
    return result


_ITEM_MESSAGE = re.compile(r"^item '([^']+)'")
_SECTION_TWICE = re.compile(r"^section '([^']+)' is listed twice$")


def _model_problem(message: str, data: dict[str, Any]) -> _Err:
    """Place one of Template._consistent's findings at the item or section it is about."""
    loc: Loc = ()
    item = _ITEM_MESSAGE.match(message)
    section = _SECTION_TWICE.match(message)
    if item:
        index = _nth_with_id(data.get("items"), item.group(1), last="listed twice" in message)
        if index is not None:
            rest = message[item.end() :]
            key = (
                "section"
                if rest.startswith(": section")
                else "applies"
                if rest.startswith(": condition")
                else "id"
            )
            loc = ("items", index, key)
    elif section:
        index = _nth_with_id(data.get("sections"), section.group(1), last=True)
        if index is not None:
            loc = ("sections", index, "id")
    elif message.startswith("flags.no_fixed_abode"):
        loc = ("flags", "no_fixed_abode", "item")
    return _Err(loc, "value_error", message)


def _nth_with_id(entries: object, wanted: str, *, last: bool) -> int | None:
    if not isinstance(entries, list):
        return None
    found = [i for i, e in enumerate(entries) if isinstance(e, dict) and e.get("id") == wanted]
    if not found:
        return None
    return found[-1] if last else found[0]


def _place(loc: Loc, data: dict[str, Any]) -> str:
    """A readable place: items[3] (bank.account) > evidence[1] > type."""
    parts: list[str] = []
    for i, part in enumerate(loc):
        if isinstance(part, int):
            label = f"[{part}]"
            if loc[:i] == ("items",):
                item_id = _item_id(data, part)
                if item_id:
                    label += f" ({item_id})"
            if parts:
                parts[-1] += label
            else:
                parts.append(label)
        else:
            parts.append(str(part))
    return " > ".join(parts) if parts else TOP


def _item_id(data: dict[str, Any], index: int) -> str | None:
    items = data.get("items")
    if isinstance(items, list) and 0 <= index < len(items):
        entry = items[index]
        if isinstance(entry, dict) and isinstance(entry.get("id"), str):
            return _one_line(entry["id"])[:80] or None
    return None
