"""One child process measured whole: wall clock, CPU and peak memory.

The figures come from the kernel's accounting of that child alone (`os.wait4`), not from
this process's running totals, so a benchmark can run other children before and after it.
CPU is user + system seconds of the child and of the children it waited for (a pool of
workers); peak memory is the largest resident set of the child or of one of those.
Output goes to a file, never a pipe: a command printing 200,000 lines would otherwise
wait on the reader, and a file is what a redirected command writes to.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


class ProcessFailed(RuntimeError):
    """A measured process exited with a non-zero status."""


@dataclass(frozen=True)
class ProcessRun:
    wall: float  # seconds from spawn to exit
    cpu: float  # user + system seconds
    peak_mb: float  # maximum resident set size, MB (10**6 bytes)
    output: str  # what it wrote to stdout


def run_process(
    command: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    keep_output: bool = True,
) -> ProcessRun:
    """Run `command` to its end and measure it; ProcessFailed (with the end of its stderr)
    when it fails."""
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
    ):
        started = time.perf_counter()
        child = subprocess.Popen(list(command), stdout=out, stderr=err, env=env)
        _pid, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            err.seek(0)
            tail = err.read().decode(errors="replace").strip().splitlines()[-5:]
            raise ProcessFailed(
                f"{' '.join(command[:4])}... exited with {child.returncode}: " + " / ".join(tail)
            )
        output = ""
        if keep_output:
            out.seek(0)
            output = out.read().decode()
    return ProcessRun(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        peak_mb=usage.ru_maxrss * 1024 / 1e6,  # Linux reports kilobytes
        output=output,
    )


def run_json(
    command: Sequence[str], *, env: Mapping[str, str] | None = None
) -> tuple[Any, ProcessRun]:
    """A child that prints one JSON document as its last line: the document, and the run."""
    run = run_process(command, env=env)
    lines = run.output.strip().splitlines()
    if not lines:
        raise ProcessFailed(f"{' '.join(command[:4])}... printed nothing")
    return json.loads(lines[-1]), run


def cpu_seconds() -> float:
    """User + system seconds of this process and of every child it has waited for."""
    own = os.times()
    return own.user + own.system + own.children_user + own.children_system
