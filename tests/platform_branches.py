"""Running a store test on each platform branch (see planner.store.platform).

`@both_platforms` runs a test twice: on the POSIX branch and on the Windows branch, the
latter with flock and os.replace standing in for LockFileEx and MoveFileExW (the only
two calls of that branch that need Windows). The branch is chosen, before the test's
other fixtures, in the test's own process and, by PLANNER_PLATFORM, in every process it
starts. The tests so marked are the crash-safety tests that go through the platform's
calls: locks, replacing files, folder fsyncs, removing files, positional reads and writes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import pytest

BRANCHES = ("posix", "windows")
Test = TypeVar("Test", bound=Callable[..., object])


def both_platforms(test: Test) -> Test:
    marked: Test = pytest.mark.usefixtures("platform_branch")(test)
    twice: Test = pytest.mark.parametrize("platform_branch", BRANCHES, indirect=True)(marked)
    return twice


def on_platforms(*cases: tuple[object, str]) -> pytest.MarkDecorator:
    """Parametrize `(case, platform_branch)` pairs: a test whose cases need not all run
    on both branches."""
    return pytest.mark.parametrize(("case", "platform_branch"), cases, indirect=["platform_branch"])
