"""The platform module: each branch's rules, the Windows branch's exercised here on Linux.

The Windows branch runs here with flock standing in for LockFileEx and os.replace for
MoveFileExW; everything else in it is the code Windows runs. Only the two Windows calls
(the bodies of `Kernel32Locks` and `move_write_through` under their sys.platform checks)
need Windows itself; the mapping of their answers is tested here.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from planner.store import platform
from planner.store.errors import DatabaseLocked, FileInUse, StoreError
from planner.store.inspect import file_mode_problem
from planner.store.locking import DatabaseLock, open_regular
from planner.store.platform import windows as win
from planner.store.platform.posix import FlockLocks, PosixPlatform
from planner.store.platform.windows import WindowsPlatform

ROOT = Path(__file__).resolve().parents[2]


class FakeTime:
    """A clock that moves only when slept on, and the sleeps asked for."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class RecordingLocks:
    """The flock backend, noting each unlock (to see the branch unlock before closing)."""

    def __init__(self) -> None:
        self.flock = FlockLocks()
        self.unlocked: list[int] = []

    def try_lock(self, fd: int, *, exclusive: bool) -> bool:
        return self.flock.try_lock(fd, exclusive=exclusive)

    def unlock(self, fd: int) -> None:
        self.unlocked.append(fd)
        self.flock.unlock(fd)


def windows_branch(
    move: Callable[[Path, Path], None] = os.replace, time: FakeTime | None = None
) -> WindowsPlatform:
    time = time or FakeTime()
    return WindowsPlatform(locks=RecordingLocks(), move=move, clock=time.clock, sleep=time.sleep)


def branches() -> list[platform.Platform]:
    return [PosixPlatform(), windows_branch()]


@pytest.fixture(params=["posix", "windows"])
def each(request: pytest.FixtureRequest) -> Iterator[platform.Platform]:
    chosen = PosixPlatform() if request.param == "posix" else windows_branch()
    with platform.use(chosen):
        yield chosen


def in_use_for(times: int, action: Callable[..., None]) -> Callable[..., None]:
    """`action`, failing as Windows does while another program holds the file, `times`
    times first."""
    failures = [times]

    def flaky(*args: object) -> None:
        if failures[0]:
            failures[0] -= 1
            raise PermissionError(errno.EACCES, "The process cannot access the file")
        action(*args)

    return flaky


# --- Windows: replacing and removing a file another program holds open --------------------


def test_windows_replace_retries_while_the_file_is_in_use_then_replaces(tmp_path: Path):
    source, target = tmp_path / "new", tmp_path / "db"
    source.write_bytes(b"new")
    target.write_bytes(b"old")
    time = FakeTime()
    branch = windows_branch(in_use_for(3, os.replace), time)
    branch.replace(source, target)
    assert target.read_bytes() == b"new" and not source.exists()
    assert time.sleeps == [0.01, 0.02, 0.04]  # short steps, growing


def test_windows_replace_gives_up_after_about_a_second_with_one_clear_line(tmp_path: Path):
    source, target = tmp_path / "new", tmp_path / "planner.db"
    source.write_bytes(b"new")
    target.write_bytes(b"old")
    time = FakeTime()
    branch = windows_branch(in_use_for(10_000, os.replace), time)
    with pytest.raises(FileInUse, match=r"^planner\.db could not be replaced: another program"):
        branch.replace(source, target)
    assert 1.0 <= time.now < 1.2  # bounded: about a second, then the error
    assert max(time.sleeps) == win.LAST_STEP
    assert target.read_bytes() == b"old" and source.read_bytes() == b"new"


def test_windows_replace_does_not_retry_what_waiting_cannot_mend(tmp_path: Path):
    time = FakeTime()
    branch = windows_branch(os.replace, time)
    with pytest.raises(FileNotFoundError):
        branch.replace(tmp_path / "missing", tmp_path / "db")
    assert time.sleeps == []


def test_windows_remove_and_folder_rename_retry_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    time = FakeTime()
    branch = windows_branch(os.replace, time)
    doomed = tmp_path / "planner.db.restore"
    doomed.write_bytes(b"x")
    monkeypatch.setattr(os, "unlink", in_use_for(2, os.unlink))
    branch.remove(doomed)
    assert not doomed.exists() and len(time.sleeps) == 2
    (tmp_path / "staging").mkdir()
    monkeypatch.setattr(os, "rename", in_use_for(1, os.rename))
    branch.move_folder(tmp_path / "staging", tmp_path / "2026-11-23T0930")
    assert (tmp_path / "2026-11-23T0930").is_dir() and len(time.sleeps) == 3
    monkeypatch.setattr(os, "unlink", in_use_for(10_000, os.unlink))
    (tmp_path / "held").write_bytes(b"x")
    with pytest.raises(FileInUse, match=r"^held could not be removed"):
        branch.remove(tmp_path / "held")


def test_posix_replace_never_waits(tmp_path: Path):
    source, target = tmp_path / "new", tmp_path / "db"
    source.write_bytes(b"new")
    PosixPlatform().replace(source, target)
    assert target.read_bytes() == b"new"


# --- Windows: no folder fsync -----------------------------------------------------------


def test_windows_skips_the_folder_fsync_posix_makes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    opened: list[str] = []
    real_open = os.open

    def spy(path: object, flags: int, *args: int) -> int:
        opened.append(str(path))
        return real_open(path, flags, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", spy)
    windows_branch().fsync_dir(tmp_path)
    windows_branch().fsync_dir(tmp_path / "not even there")  # never opened, so no error
    assert opened == []
    PosixPlatform().fsync_dir(tmp_path)
    assert opened == [str(tmp_path)]
    with pytest.raises(FileNotFoundError):
        PosixPlatform().fsync_dir(tmp_path / "not even there")


# --- Locks ------------------------------------------------------------------------------


def test_each_branch_locks_shared_with_shared_and_exclusive_alone(
    tmp_path: Path, each: platform.Platform
):
    path = tmp_path / "planner.db.journal"
    path.write_bytes(b"")
    first, second, third = (os.open(path, os.O_RDWR) for _ in range(3))
    try:
        assert platform.try_lock(first, exclusive=False)
        assert platform.try_lock(second, exclusive=False)  # readers together
        assert not platform.try_lock(third, exclusive=True)  # no writer among them
        platform.close_locked(first)
        platform.close_locked(second)
        assert platform.try_lock(third, exclusive=True)
        fourth = os.open(path, os.O_RDONLY)
        assert not platform.try_lock(fourth, exclusive=False)  # no reader while writing
        os.close(fourth)
    finally:
        platform.close_locked(third)


def test_windows_unlocks_before_it_closes(tmp_path: Path):
    branch = windows_branch()
    assert isinstance(branch.locks, RecordingLocks)
    path = tmp_path / "f"
    path.write_bytes(b"")
    fd = os.open(path, os.O_RDWR)
    assert branch.try_lock(fd, exclusive=True)
    branch.close_locked(fd)
    assert branch.locks.unlocked == [fd]
    with pytest.raises(OSError):
        os.fstat(fd)  # closed as well


def test_the_store_lock_times_out_with_its_own_error_on_each_branch(
    tmp_path: Path, each: platform.Platform
):
    journal = tmp_path / "planner.db.journal"
    journal.write_bytes(b"")
    holder = os.open(journal, os.O_RDWR)
    try:
        assert platform.try_lock(holder, exclusive=True)
        lock = DatabaseLock(journal, timeout=0.05)
        with pytest.raises(DatabaseLocked, match=r"planner\.db is busy"):
            lock.acquire()
        assert not lock.try_exclusive()
    finally:
        platform.close_locked(holder)
    lock.acquire()
    assert lock.exclusive_now
    lock.release()


def test_lockfileex_answers_mean_locked_busy_or_an_error():
    assert win.lock_outcome(True, 0) is True
    assert win.lock_outcome(False, win.ERROR_LOCK_VIOLATION) is False
    assert win.lock_outcome(False, win.ERROR_IO_PENDING) is False
    with pytest.raises(OSError, match="Windows error 6"):
        win.lock_outcome(False, 6)  # ERROR_INVALID_HANDLE
    win.unlock_outcome(True, 0)
    win.unlock_outcome(False, win.ERROR_NOT_LOCKED)  # unlocking twice is harmless
    with pytest.raises(OSError, match="Windows error 6"):
        win.unlock_outcome(False, 6)
    assert win.lock_flags(exclusive=True) == 0x3
    assert win.lock_flags(exclusive=False) == 0x1  # shared, never waiting


def test_the_locked_byte_lies_past_any_journal():
    offset_low, offset_high, length_low, length_high = win.region()
    assert (offset_high << 32) | offset_low == win.LOCK_OFFSET == 1 << 30
    assert (length_low, length_high) == (1, 0)


def test_the_windows_calls_refuse_to_run_off_windows(tmp_path: Path):
    if os.name == "nt":
        pytest.skip("on Windows they run")
    with pytest.raises(OSError, match="Windows only"):
        win.Kernel32Locks()
    with pytest.raises(OSError, match="Windows only"):
        win.move_write_through(tmp_path / "a", tmp_path / "b")


# --- Files ------------------------------------------------------------------------------


def test_pread_and_pwrite_leave_the_file_position_alone(tmp_path: Path, each: platform.Platform):
    path = tmp_path / "f"
    path.write_bytes(b"0123456789")
    fd = os.open(path, os.O_RDWR)
    try:
        os.lseek(fd, 3, os.SEEK_SET)
        assert platform.pread(fd, 4, 5) == b"5678"
        assert platform.pwrite(fd, b"ab", 8) == 2
        assert platform.pwrite(fd, memoryview(b"XY"), 10) == 2
        assert os.lseek(fd, 0, os.SEEK_CUR) == 3
        assert platform.pread(fd, 100, 0) == b"01234567abXY"
    finally:
        os.close(fd)


def test_windows_pread_is_safe_from_two_threads_at_once(tmp_path: Path):
    branch = windows_branch()
    path = tmp_path / "f"
    path.write_bytes(bytes(range(256)) * 64)
    fd = os.open(path, os.O_RDONLY)
    wrong: list[int] = []

    def read(start: int) -> None:
        for offset in range(start, 16_384, 97):
            if branch.pread(fd, 1, offset) != bytes([offset % 256]):
                wrong.append(offset)

    threads = [threading.Thread(target=read, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    os.close(fd)
    assert wrong == []


def test_no_branch_opens_a_symbolic_link_to_its_own_file(tmp_path: Path, each: platform.Platform):
    real = tmp_path / "elsewhere"
    real.write_bytes(b"")
    link = tmp_path / "planner.db.journal"
    link.symlink_to(real)
    with pytest.raises(StoreError, match="is a symbolic link"):
        open_regular(link, os.O_RDWR)
    fd = platform.open_file(link, os.O_RDONLY, follow_links=True)  # a source to copy from
    os.close(fd)


def test_mode_bits_are_set_and_checked_on_posix_only(tmp_path: Path, each: platform.Platform):
    path = tmp_path / "planner.db"
    path.write_bytes(b"")
    path.chmod(0o644)
    fd = os.open(path, os.O_RDWR)
    platform.set_mode(fd, 0o600)
    os.close(fd)
    mode = stat.S_IMODE(path.stat().st_mode)
    if each.name == "posix":
        assert mode == 0o600
        path.chmod(0o644)
        assert "can be read by other users" in (file_mode_problem(path) or "")
    else:  # the bits say nothing on Windows: neither set nor warned about
        assert mode == 0o644
        assert file_mode_problem(path) is None


def test_read_only_files_in_a_folder_are_removed_with_it(tmp_path: Path, each: platform.Platform):
    backup = tmp_path / "planner.db.backups" / "2026-11-23T0930"
    backup.mkdir(parents=True)
    for name in ("planner.db", "manifest.json"):
        (backup / name).write_bytes(b"x")
        (backup / name).chmod(0o400)
    platform.remove_tree(backup.parent)
    assert not backup.parent.exists()
    platform.remove_tree(tmp_path / "never there")  # nothing to do is no error


def test_the_windows_tree_removal_clears_read_only_before_trying_again(tmp_path: Path):
    kept = tmp_path / "planner.db"
    kept.write_bytes(b"x")
    kept.chmod(0o400)

    def unlink_as_windows_does(path: str) -> None:
        if not os.stat(path).st_mode & stat.S_IWRITE:
            raise PermissionError(errno.EACCES, "Access is denied", path)
        os.unlink(path)

    win._clear_read_only(unlink_as_windows_does, str(kept), None)
    assert not kept.exists()


def test_a_temporary_file_in_use_is_passed_by_and_a_left_one_removed(
    tmp_path: Path, each: platform.Platform
):
    in_use, left = tmp_path / ".planner-tmp-a", tmp_path / ".planner-tmp-b"
    in_use.write_bytes(b"fold")
    left.write_bytes(b"crash")
    holder = os.open(in_use, os.O_RDWR)
    try:
        assert platform.try_lock(holder, exclusive=True)
        assert not platform.remove_if_unused(in_use)
        assert platform.remove_if_unused(left)
    finally:
        platform.close_locked(holder)
    assert in_use.exists() and not left.exists()
    assert not platform.remove_if_unused(left)  # gone already


# --- Choosing ---------------------------------------------------------------------------


def test_the_platform_is_chosen_by_name_or_by_the_machine(monkeypatch: pytest.MonkeyPatch):
    assert platform.select("windows").name == "windows"
    monkeypatch.setenv(platform.CHOICE_VARIABLE, "windows")
    assert platform.select().name == "windows"
    monkeypatch.delenv(platform.CHOICE_VARIABLE)
    assert platform.select().name == ("windows" if os.name == "nt" else "posix")
    with pytest.raises(ValueError, match="PLANNER_PLATFORM must be"):
        platform.select("beos")


def test_platform_branch_fixture_reaches_processes_the_test_starts(platform_branch: str):
    assert os.environ[platform.CHOICE_VARIABLE] == platform_branch == platform.current().name


# --- Keeping it so ----------------------------------------------------------------------

FORBIDDEN = re.compile(
    r"\bimport fcntl\b|\bfcntl\.|\bmsvcrt\b|\bos\.(?:replace|rename|pread|pwrite|fchmod|open)\("
    r"|\bO_NOFOLLOW\b|\bshutil\.rmtree\("
)


def test_only_the_platform_module_makes_the_calls_that_differ_by_platform():
    found = []
    for folder in ("planner/store", "planner/export"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path.is_relative_to(ROOT / "planner/store/platform"):
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if FORBIDDEN.search(line.split("#")[0]):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []


def test_the_forbidden_calls_are_recognised():
    for line in ("import fcntl", "os.replace(a, b)", "os.pread(fd, 1, 0)", "x | os.O_NOFOLLOW"):
        assert FORBIDDEN.search(line), line
    assert not FORBIDDEN.search("platform.replace(a, b)")
