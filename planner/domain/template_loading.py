"""Loading checklist templates from TOML files, with problems an officer can fix.

`load_template` reads one file and turns every problem into a `TemplateProblem` (see
:mod:`planner.domain.template_problems`). `TemplateLibrary` finds the templates a site
uses: its own folders first, then the templates shipped with the planner.
"""

from __future__ import annotations

import builtins
import importlib.resources
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from planner.domain.template import Template
from planner.domain.template_problems import (
    TOP,
    TemplateError,
    TemplateProblem,
    syntax_problem,
    validation_problems,
)
from planner.domain.toml_index import TomlIndex
from planner.inputs import MB, InputRefused, read_input

__all__ = [
    "TemplateError",
    "TemplateInfo",
    "TemplateLibrary",
    "TemplateProblem",
    "builtin_template_dir",
    "load_template",
]

MAX_TEMPLATE_BYTES = 2 * MB  # the shipped template is under 30 KB


def load_template(path: Path) -> Template:
    """Read and validate one template file; raise `TemplateError` listing every problem."""
    path = Path(path)
    name = path.name
    try:
        raw = read_input(path, limit=MAX_TEMPLATE_BYTES, what="a template file")
    except InputRefused as exc:
        raise TemplateError(path, [TemplateProblem("file", None, exc.reason, name)]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problem = TemplateProblem("file", line, "is not UTF-8 text; save it as UTF-8", name)
        raise TemplateError(path, [problem]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(path, [syntax_problem(str(exc), text, name)]) from None
    except RecursionError:
        problem = TemplateProblem("TOML syntax", None, "values are nested too deeply", name)
        raise TemplateError(path, [problem]) from None
    try:
        return Template.model_validate(data)
    except ValidationError as exc:
        problems = validation_problems(exc, data, text, name)
    except RecursionError:
        problems = [TemplateProblem(TOP, None, "values are nested too deeply", name)]
    claimed = data.get("id")
    raise TemplateError(path, problems, claimed if isinstance(claimed, str) else None)


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
    Files that fail to load are reported by `problems()` and never stop the others; but a
    broken file is never silently passed over for a template of the same id further down
    the folders: asking for that id names the file's first problem and its line.
    """

    default_id = "england-wales"

    def __init__(self, extra_dirs: Sequence[Path] = ()) -> None:
        self.dirs: tuple[Path, ...] = (*(Path(d) for d in extra_dirs), builtin_template_dir())
        self._loaded: dict[str, tuple[Template, Path]] | None = None
        self._all: list[tuple[Template, Path]] = []
        self._problems: list[TemplateError] = []
        self._broken: dict[str, TemplateError] = {}  # id -> the broken file that would win

    def reload(self) -> None:
        """Read the folders again on next use (after a site edits a template)."""
        self._loaded = None

    def _scan(self) -> dict[str, tuple[Template, Path]]:
        if self._loaded is not None:
            return self._loaded
        loaded: dict[str, tuple[Template, Path]] = {}
        everything: list[tuple[Template, Path]] = []
        problems: list[TemplateError] = []
        broken: dict[str, TemplateError] = {}
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
                    claimed = exc.template_id
                    if claimed is not None and claimed not in loaded:
                        broken.setdefault(claimed, exc)
                    continue
                if template.id in in_this_dir:
                    other = in_this_dir[template.id].name
                    message = (
                        f"template id {template.id!r} is also used by {other}; this file is ignored"
                    )
                    problem = TemplateProblem(
                        "id", TomlIndex(_read_text(path)).line_of(("id",)), message, path.name
                    )
                    problems.append(TemplateError(path, [problem]))
                    continue
                in_this_dir[template.id] = path
                everything.append((template, path))
                if template.id not in broken:
                    loaded.setdefault(template.id, (template, path))
        self._loaded = loaded
        self._all = everything
        self._problems = problems
        self._broken = broken
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
        if template_id in self._broken:
            raise KeyError(
                f"template {template_id!r} cannot be used: {self._broken[template_id].summary()}"
            )
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


def _read_text(path: Path) -> str:
    try:
        return read_input(path, limit=MAX_TEMPLATE_BYTES, what="a template file").decode(
            "utf-8-sig"
        )
    except (InputRefused, UnicodeDecodeError):
        return ""
