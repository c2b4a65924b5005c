"""What is wrong with a template file, said so that a site can fix it.

`TemplateProblem` names the place in the template ("items[3] (bank.account) >
evidence[1] > type") and, as far as it can be found, the line of the file;
`TemplateError` carries every problem of one file. `validation_problems` turns pydantic's
validation errors into problems: one for each condition that was meant as one kind
of condition (not one per kind pydantic tried), and one for each finding of the
template's check of its meaning (:mod:`planner.domain.template_checks`), placed where
that finding says.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

from pydantic import ValidationError

from planner.domain.template import Condition
from planner.domain.template_checks import TemplateMeaningError, findings_in_parts
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

    def __init__(
        self, path: Path, problems: Sequence[TemplateProblem], template_id: str | None = None
    ) -> None:
        self.path = path
        self.problems: list[TemplateProblem] = list(problems)
        self.template_id = template_id  # the id the file gives, when it can be read
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
    raw: list[_Err] = []
    meaning_checked = False
    for e in exc.errors(include_url=False, include_context=True, include_input=True):
        cause = e.get("ctx", {}).get("error")
        if isinstance(cause, TemplateMeaningError):
            # The template's own check of its meaning: one problem for each finding.
            raw.extend(_Err(f.loc, "meaning", f.message) for f in cause.findings)
            meaning_checked = True
        else:
            message = _plain_message(e["type"], e["msg"], e.get("input"))
            raw.append(_Err(tuple(e["loc"]), e["type"], message))
    if not meaning_checked:
        # Some values did not validate, so the whole was never checked: check the parts.
        raw.extend(_Err(f.loc, "meaning", f.message) for f in findings_in_parts(data))
    # A list whose entries all failed is also reported as too short: say only why they failed.
    parents = {err.loc[:i] for err in raw for i in range(len(err.loc))}
    raw = [err for err in raw if not (err.kind == "too_short" and err.loc in parents)]
    errors = _collapse_unions(raw)
    index = TomlIndex(text)
    problems = [
        TemplateProblem(_place(err.loc, data), index.line_of(err.loc), err.message, file)
        for err in errors
    ]
    # In file order, so a site can work down the file; problems with no line come last.
    return sorted(problems, key=lambda p: (p.line is None, p.line or 0))


def _plain_message(kind: str, message: str, value: object) -> str:
    if kind in _PLAIN_MESSAGES:
        return _PLAIN_MESSAGES[kind]
    if kind == "int_type":
        return f"needs a whole number (like 28), not {_kind_of(value)}"
    if kind == "bool_type":
        return f"needs true or false, not {_kind_of(value)}"
    for prefix in _VALUE_PREFIXES:
        if message.startswith(prefix):
            return message[len(prefix) :]
    return message


def _kind_of(value: object) -> str:
    """What a TOML value is, in the words of a template's author."""
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, str):
        shown = value if len(value) <= 20 else value[:20] + "..."
        return f"the text {_one_line(shown)!r} (leave out the quotes)"
    if isinstance(value, float):
        return f"the decimal {value}"
    if isinstance(value, int):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return "a date or time" if value is not None else "nothing"


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


def _place(loc: Loc, data: dict[str, Any]) -> str:
    """A readable place: items[3] (bank.account) > evidence[1] > type."""
    parts: list[str] = []
    for i, part in enumerate(loc):
        if isinstance(part, int):
            label = f"[{part}]"
            if loc[:i] in (("items",), ("outcomes",)):
                item_id = _item_id(data, part, str(loc[0]))
                if item_id:
                    label += f" ({item_id})"
            if parts:
                parts[-1] += label
            else:
                parts.append(label)
        else:
            parts.append(str(part))
    return " > ".join(parts) if parts else TOP


def _item_id(data: dict[str, Any], index: int, table: str = "items") -> str | None:
    items = data.get(table)
    if isinstance(items, list) and 0 <= index < len(items):
        entry = items[index]
        if isinstance(entry, dict) and isinstance(entry.get("id"), str):
            return _one_line(entry["id"])[:80] or None
    return None
