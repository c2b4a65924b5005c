"""The version planner reports is the version it is packaged as."""

from __future__ import annotations

import tomllib
from pathlib import Path

import planner


def test_version_matches_pyproject() -> None:
    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    assert planner.__version__ == tomllib.loads(pyproject.read_text())["project"]["version"]
