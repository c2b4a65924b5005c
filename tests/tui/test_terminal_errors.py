"""The real `planner` command on a real terminal (a pseudo-terminal): a fault inside the UI
ends in one plain line and exit status 1, with no traceback and no record's values."""

from __future__ import annotations

import fcntl
import os
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from planner.store.repository import CaseStore

SECRET = "Zebedee Quill"

# Runs `planner` as its console script does, with one fault put into the app: the help
# key raises an exception holding a record's values in its message and in a local.
DRIVER = """
import sys
from planner.tui.app import PlannerApp

def explode(self):
    forename = {secret!r}
    raise RuntimeError("no help for " + forename)

PlannerApp.action_help = explode
from planner.cli import run
sys.argv = ["planner", *sys.argv[1:]]
run()
"""


class Terminal:
    """A child process on a pseudo-terminal of 100 x 30; everything it wrote is kept."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        self.process = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
        )
        os.close(slave)
        self.output = b""

    def read_until(self, wanted: bytes | None, timeout: float = 30.0) -> bool:
        """Read until `wanted` appears (or, with None, until the child closes the terminal)."""
        deadline = time.monotonic() + timeout
        while wanted is None or wanted not in self.output:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            ready, _, _ = select.select([self.master], [], [], left)
            if not ready:
                continue
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # the child has gone and closed its side
                return wanted is None
            if not chunk:
                return wanted is None
            self.output += chunk
        return True

    def type(self, text: str) -> None:
        os.write(self.master, text.encode())

    def close(self) -> int:
        try:
            return self.process.wait(timeout=30)
        finally:
            if self.process.poll() is None:  # pragma: no cover - only on a hung child
                self.process.kill()
            os.close(self.master)


@pytest.fixture
def terminal_env(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.delenv("PLANNER_DEBUG", raising=False)
    env = dict(os.environ)
    env.update(TERM="xterm-256color", COLUMNS="100", LINES="30", NO_COLOR="1")
    return env


def test_a_fault_in_the_ui_is_one_line_on_the_terminal_and_exit_status_1(
    caseload: CaseStore, db_path: Path, tmp_path: Path, terminal_env: dict[str, str]
) -> None:
    caseload.close()
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER.format(secret=SECRET), encoding="utf-8")
    args = ["--db", str(db_path), "--officer", "Test Officer", "--today", "2026-11-23"]
    terminal = Terminal([sys.executable, str(driver), *args], terminal_env)
    try:
        assert terminal.read_until(b"Brown"), "the caseload never showed"
        terminal.type("?")
        assert terminal.read_until(None), "planner did not stop"
    finally:
        status = terminal.close()
    output = terminal.output.decode("utf-8", "replace")
    assert status == 1
    assert (
        "planner stopped: an unexpected error (RuntimeError); nothing unsaved was written; "
        "set PLANNER_DEBUG=1 to see details"
    ) in output
    assert "Traceback" not in output and "forename" not in output
    assert SECRET not in output and "no help for" not in output
