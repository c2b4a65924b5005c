"""Loading checklist templates from TOML files, with problems an officer can fix.

`load_template` reads one file and turns every validation error into a `TemplateProblem`
that names the place in the template ("items[3] (bank.account) > evidence[1] > type") and,
as far as it can be found, the line of the file. `TemplateLibrary` finds the templates a
site uses: its own folders first, then the templates shipped with the planner.
"""

from __future__ import annotations

import builtins
import importlib.resources
import re
import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

from pydantic import ValidationError

from planner.domain.template import Condition, Template

LocPart = int | str
Loc = tuple[LocPart, ...]

_TOP = "template"


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


# --- loading ------------------------------------------------------------------------------


def load_template(path: Path) -> Template:
    """Read and validate one template file; raise `TemplateError` listing every problem."""
    path = Path(path)
    name = path.name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise TemplateError(
            path, [TemplateProblem("file", None, f"cannot read: {reason}", name)]
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problem = TemplateProblem("file", line, "is not UTF-8 text; save it as UTF-8", name)
        raise TemplateError(path, [problem]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(path, [_syntax_problem(str(exc), text, name)]) from None
    except RecursionError:
        problem = TemplateProblem("TOML syntax", None, "values are nested too deeply", name)
        raise TemplateError(path, [problem]) from None
    try:
        return Template.model_validate(data)
    except ValidationError as exc:
        problems = _problems(exc, data, text, name)
    except RecursionError:
        problems = [TemplateProblem(_TOP, None, "values are nested too deeply", name)]
    raise TemplateError(path, problems)


_TOML_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_TOML_END = re.compile(r"\s*\(at end of document\)\s*$")


def _syntax_problem(message: str, text: str, file: str) -> TemplateProblem:
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


# --- turning pydantic errors into problems ------------------------------------------------


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


def _problems(
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
    index = _TomlIndex(text)
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
    return " > ".join(parts) if parts else _TOP


def _item_id(data: dict[str, Any], index: int) -> str | None:
    items = data.get("items")
    if isinstance(items, list) and 0 <= index < len(items):
        entry = items[index]
        if isinstance(entry, dict) and isinstance(entry.get("id"), str):
            return _one_line(entry["id"])[:80] or None
    return None


# --- finding lines ------------------------------------------------------------------------

_HEADER = re.compile(r"""^\s*(\[\[?)\s*([A-Za-z0-9_\-."' ]+?)\s*(\]\]?)\s*(?:#.*)?$""")


@dataclass
class _Block:
    """The lines under one TOML table header, and where that table sits in the data."""

    address: Loc
    header_line: int | None  # 1-based; None for the lines before the first header
    lines: list[tuple[int, str]]


class _TomlIndex:
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


# --- finding templates --------------------------------------------------------------------


def builtin_template_dir() -> Path:
    """The templates shipped with the planner.

    An installed wheel carries them in `planner/_checklists`; a source checkout or editable
    install reads the repository's top-level `checklists/` folder.
    """
    try:
        packaged = importlib.resources.files("planner") / "_checklists"
        if isinstance(packaged, Path) and packaged.is_dir():
            return packaged
    except (ModuleNotFoundError, OSError):  # pragma: no cover - defensive
        pass
    return Path(__file__).resolve().parents[2] / "checklists"


@dataclass(frozen=True)
class TemplateInfo:
    """What a template list shows before a template is chosen."""

    id: str
    version: int
    title: str
    path: Path
    item_count: int


class TemplateLibrary:
    """The templates a site can use: its own folders first, then the built-in ones.

    A template in a site folder with the same id as a built-in template replaces it.
    Files that fail to load are reported by `problems()` and never stop the others.
    """

    default_id = "england-wales"

    def __init__(self, extra_dirs: Sequence[Path] = ()) -> None:
        self.dirs: tuple[Path, ...] = (*(Path(d) for d in extra_dirs), builtin_template_dir())
        self._loaded: dict[str, tuple[Template, Path]] | None = None
        self._all: list[tuple[Template, Path]] = []
        self._problems: list[TemplateError] = []

    def reload(self) -> None:
        """Read the folders again on next use (after a site edits a template)."""
        self._loaded = None

    def _scan(self) -> dict[str, tuple[Template, Path]]:
        if self._loaded is not None:
            return self._loaded
        loaded: dict[str, tuple[Template, Path]] = {}
        everything: list[tuple[Template, Path]] = []
        problems: list[TemplateError] = []
        seen_dirs: set[Path] = set()
        for folder in self.dirs:
            key = folder.resolve()
            if key in seen_dirs or not folder.is_dir():
                continue
            seen_dirs.add(key)
            in_this_dir: dict[str, Path] = {}
            for path in sorted(folder.glob("*.toml")):
                try:
                    template = load_template(path)
                except TemplateError as exc:
                    problems.append(exc)
                    continue
                if template.id in in_this_dir:
                    other = in_this_dir[template.id].name
                    message = (
                        f"template id {template.id!r} is also used by {other}; this file is ignored"
                    )
                    problem = TemplateProblem(
                        "id", _TomlIndex(_read_text(path)).line_of(("id",)), message, path.name
                    )
                    problems.append(TemplateError(path, [problem]))
                    continue
                in_this_dir[template.id] = path
                everything.append((template, path))
                loaded.setdefault(template.id, (template, path))
        self._loaded = loaded
        self._all = everything
        self._problems = problems
        return loaded

    def list(self) -> list[TemplateInfo]:
        """The templates in use, the default first, then by id."""
        infos = [
            TemplateInfo(t.id, t.version, t.title, path, len(t.items))
            for t, path in self._scan().values()
        ]
        return sorted(infos, key=lambda i: (i.id != self.default_id, i.id))

    def problems(self) -> builtins.list[TemplateError]:
        """Template files that could not be loaded, each with its problems."""
        self._scan()
        return list(self._problems)

    def get(self, template_id: str) -> Template:
        """The template in use with this id; a site's own template wins over a built-in."""
        loaded = self._scan()
        if template_id in loaded:
            return loaded[template_id][0]
        known = ", ".join(sorted(loaded)) or "none"
        folders = ", ".join(str(d) for d in self.dirs)
        broken = (
            f"; {len(self._problems)} template file(s) failed to load" if self._problems else ""
        )
        raise KeyError(
            f"no template {template_id!r}; known templates: {known} (searched {folders}){broken}"
        )

    def get_version(self, template_id: str, version: int) -> Template | None:
        """A template by id and exact version, even one a site template has replaced.

        Plans record the template version they were made with; this finds that version when
        any folder still holds it.
        """
        self._scan()
        for template, _path in self._all:
            if template.id == template_id and template.version == version:
                return template
        return None

    def path_of(self, template_id: str) -> Path:
        """The file the template in use with this id was read from."""
        self.get(template_id)
        return self._scan()[template_id][1]


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return ""
