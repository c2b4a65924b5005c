"""Every UI worker is described in words, never by the repr of its arguments.

Textual describes an undescribed ``@work`` method by its call, arguments included, for its
debug output and error reports: a passphrase, a file path or a list of people would sit in
that string. This test reads the UI's source and fails on any worker left undescribed.
"""

from __future__ import annotations

import ast
from pathlib import Path

import planner.tui

TUI = Path(planner.tui.__file__).parent


def _work_decorators(tree: ast.AST) -> list[tuple[int, ast.expr]]:
    found: list[tuple[int, ast.expr]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for decorator in node.decorator_list:
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                if isinstance(target, ast.Name) and target.id == "work":
                    found.append((node.lineno, decorator))
    return found


def test_every_work_method_has_a_description() -> None:
    undescribed: list[str] = []
    checked = 0
    for source in sorted(TUI.rglob("*.py")):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for line, decorator in _work_decorators(tree):
            checked += 1
            keywords = decorator.keywords if isinstance(decorator, ast.Call) else []
            if not any(k.arg == "description" for k in keywords):
                undescribed.append(f"{source.relative_to(TUI)}:{line}")
    assert checked >= 10, "the UI's workers were not found: has the decorator been renamed?"
    assert undescribed == []


def test_an_undescribed_worker_would_be_found() -> None:
    tree = ast.parse(
        "@work(thread=True)\ndef f(passphrase):\n    pass\n"
        "@work(thread=True, description='x')\ndef g(passphrase):\n    pass\n"
    )
    found = _work_decorators(tree)
    assert len(found) == 2
    described = [
        any(k.arg == "description" for k in d.keywords) for _, d in found if isinstance(d, ast.Call)
    ]
    assert described == [False, True]
