"""The model, store and exports run with no terminal: they must never import Textual."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import planner

HEADLESS = (
    "planner.domain",
    "planner.store",
    "planner.export",
    "planner.reports",
    "planner.config",
)


def _headless_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(planner.__path__, "planner."):
        if info.name.startswith(HEADLESS):
            names.append(info.name)
    return names


def test_there_are_headless_modules_to_check() -> None:
    names = _headless_modules()
    assert "planner.domain.gaps" in names
    assert "planner.store.repository" in names
    assert "planner.reports.outcomes" in names


def test_importing_headless_modules_leaves_textual_out() -> None:
    names = _headless_modules()
    code = (
        "import importlib, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "leaked = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(leaked))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "", f"headless modules imported Textual: {result.stdout}"
