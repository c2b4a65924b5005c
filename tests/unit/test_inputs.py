"""Files an officer names are read with a bound, and never a pipe or a device."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from planner.config import ConfigError, load_settings
from planner.domain.errors import InvalidInput
from planner.domain.releases_csv import MAX_BYTES, load_releases
from planner.inputs import InputMissing, InputRefused, read_input

# Runs the CLI with at most 2 GiB of address space, so a read that ignores its bound fails
# fast in the child instead of filling this machine's memory.
_BOUNDED_CLI = (
    "import resource, sys\n"
    "resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))\n"
    "from planner.cli import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)
posix_only = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs and /dev/zero")


def test_reads_a_regular_file_whole(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes(b"x" * 10)
    assert read_input(path, limit=10, what="a list") == b"x" * 10


def test_one_byte_over_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes(b"x" * 2049)
    with pytest.raises(InputRefused) as refused:
        read_input(path, limit=2048, what="a list")
    assert str(refused.value) == f"{path}: is larger than 2 KB, too large for a list"


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(InputMissing, match="no such file"):
        read_input(tmp_path / "absent.csv", limit=10, what="a list")
    with pytest.raises(InputRefused, match="is a folder, not a list"):
        read_input(tmp_path, limit=10, what="a list")


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc")
def test_the_bound_counts_bytes_read_not_the_size_the_file_claims() -> None:
    status = Path("/proc/self/status")
    assert status.stat().st_size == 0  # it claims to be empty, and is not
    with pytest.raises(InputRefused, match="too large"):
        read_input(status, limit=16, what="a list")


@posix_only
def test_fifo_and_device_are_refused_without_reading(tmp_path: Path) -> None:
    fifo = tmp_path / "list.csv"
    os.mkfifo(fifo)
    for path in (fifo, Path("/dev/zero")):
        with pytest.raises(InputRefused, match="is not a regular file"):
            read_input(path, limit=10, what="a list")


@posix_only
def test_config_file_that_is_a_device_is_one_clear_error() -> None:
    with pytest.raises(ConfigError, match="/dev/zero: is not a regular file"):
        load_settings(Path("/dev/zero"))


def test_oversized_config_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b"#" * (1024 * 1024 + 1))
    with pytest.raises(ConfigError, match="too large for a config file"):
        load_settings(path)


def test_missing_config_file_gives_the_defaults(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "config.toml").officer == ""


def _cli(tmp_path: Path, *argv: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """The CLI in a child process that is killed if it does not finish in 60 s."""
    child_env = {
        **os.environ,
        "PLANNER_DB": str(tmp_path / "planner.db"),
        "PLANNER_OFFICER": "Test Officer",  # who is acting, as every change records it
        **(env or {}),
    }
    try:
        proc = subprocess.run(
            [sys.executable, "-c", _BOUNDED_CLI, *argv],
            capture_output=True,
            text=True,
            timeout=60,
            env=child_env,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"planner {' '.join(argv)} did not finish: it waited on its input")
    return proc.returncode, proc.stdout, proc.stderr


@posix_only
@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_import_of_a_fifo_or_device_is_refused_at_once(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "releases.csv"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path = Path("/dev/zero")
    code, _, err = _cli(tmp_path, "import", str(path))
    assert code == 2
    assert err == f"planner: {path}: is not a regular file (a device or a pipe?), not a " + (
        "releases-due list (CSV)\n"
    )
    assert not (tmp_path / "planner.db").exists()


@posix_only
def test_template_check_and_config_of_a_fifo_are_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "site.toml"
    os.mkfifo(fifo)
    code, _, err = _cli(tmp_path, "templates", "check", str(fifo))
    assert code == 2 and "is not a regular file" in err and "Traceback" not in err
    code, _, err = _cli(tmp_path, "list", env={"PLANNER_CONFIG": str(fifo)})
    assert code == 2
    assert err.count("\n") == 1
    assert err.startswith(f"planner: config file {fifo}: is not a regular file")


@posix_only
def test_a_fifo_in_a_template_folder_is_a_problem_not_a_hang(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "site.toml")
    code, out, err = _cli(tmp_path, "templates", "--json", env={"PLANNER_TEMPLATES": str(tmp_path)})
    assert code == 0, err
    [problem] = json.loads(out)["problems"]
    assert problem.startswith("site.toml: file: is not a regular file")


def test_releases_list_over_the_limit_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "releases.csv"
    with path.open("wb") as handle:
        handle.truncate(MAX_BYTES + 1)  # sparse: no disk space used
    with pytest.raises(InvalidInput) as refused:
        load_releases(path)
    assert str(refused.value) == (
        f"{path}: is larger than 50 MB, too large for a releases-due list (CSV)"
    )


@posix_only
def test_a_database_path_that_is_a_fifo_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "planner.db"
    os.mkfifo(fifo)
    for argv in (["--db", str(fifo), "list"], ["--db", "/dev/zero", "list"]):
        code, out, err = _cli(tmp_path, *argv)
        assert (code, out) == (2, "")
        assert err.count("\n") == 1
        assert err.endswith(
            ": is not a regular file (a device or a pipe?), not a planner database; "
            "give a database file name with --db\n"
        )
