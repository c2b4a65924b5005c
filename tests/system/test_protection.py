"""Protecting the data with real processes: conflicts between officers, locks left by killed
processes, read-only databases, full disks, and passphrase changes and restores killed at
every step."""

from __future__ import annotations

import errno
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import planner.store.journal as journal_module
from planner.cli import main
from planner.domain.checklist import ItemRecord
from planner.domain.status import ItemStatus
from planner.domain.template import Template
from planner.store.backup import restore_into, verify_backup
from planner.store.backup_folders import backups_root, list_backups
from planner.store.codec import Codec, PlainCodec
from planner.store.crypto import AesGcmCodec
from planner.store.doctor import diagnose
from planner.store.errors import (
    DatabaseLocked,
    ReadOnlyDatabase,
    StaleEdit,
    StoreError,
    WriteFailed,
    WrongPassphrase,
)
from planner.store.layout import DatabaseFiles
from planner.store.rekey import OTHER, SAME
from planner.store.repository import CaseStore
from tests.conftest import NOW, make_person
from tests.platform_branches import both_platforms

NUMBER = "A1234BC"
ROOT = Path(__file__).resolve().parents[2]


def python(script: str, *args: str, **kwargs: Any) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        **kwargs,
    )


def everything(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.endswith(".lock")
    }


@pytest.fixture
def db(db_path: Path, template: Template) -> Path:
    with CaseStore(db_path, officer="First Officer", clock=lambda: NOW) as store:
        store.add(make_person(NUMBER), template)
        store.update_notes(NUMBER, "first notes")
    return db_path


# --- two officers, one database ---------------------------------------------------------------

OTHER_OFFICER = """
import sys
from planner.domain.status import ItemStatus
from planner.store.repository import CaseStore
with CaseStore(sys.argv[1], officer="Second Officer", auto_backup=False) as store:
    store.save_item("A1234BC", "bank.account", status=ItemStatus.IN_PROGRESS, notes="Lloyds")
    store.update_notes("A1234BC", "their notes")
print("saved", flush=True)
"""


def test_a_stale_edit_between_two_processes_shows_both_versions_and_can_be_kept(db: Path):
    with CaseStore(db, officer="First Officer", auto_backup=False) as mine:
        opened = mine.get(NUMBER)
        seen_item = opened.checklist.item("bank.account")
        other = python(OTHER_OFFICER, str(db))
        out, err = other.communicate(timeout=60)
        assert other.returncode == 0 and out.strip() == "saved", err
        before = everything(db.parent)
        with pytest.raises(StaleEdit) as caught:
            mine.save_item(
                NUMBER,
                "bank.account",
                status=ItemStatus.BLOCKED,
                reason="CIFAS marker",
                expected_rev=seen_item.rev,
            )
        stale = caught.value
        assert "Second Officer" in str(stale) and "\n" not in str(stale)
        assert (stale.number, stale.item) == (NUMBER, "bank.account")
        theirs, attempted = stale.current, stale.attempted
        assert isinstance(theirs, ItemRecord) and isinstance(attempted, ItemRecord)
        assert theirs.notes == "Lloyds" and theirs.changed_by == "Second Officer"
        assert attempted.status is ItemStatus.BLOCKED and attempted.notes == "Lloyds"
        assert everything(db.parent) == before  # nothing was written
        # The officer chooses to keep their version: save again against the current rev.
        case = mine.save_item(
            NUMBER,
            "bank.account",
            status=ItemStatus.BLOCKED,
            reason="CIFAS marker",
            expected_rev=theirs.rev,
        )
        kept = case.checklist.item("bank.account")
        assert kept.status is ItemStatus.BLOCKED and kept.rev == theirs.rev + 1
        # Case notes conflict the same way.
        with pytest.raises(StaleEdit) as notes_conflict:
            mine.update_notes(NUMBER, "my notes", expected=opened.notes)
        assert notes_conflict.value.current == "their notes"
        assert notes_conflict.value.attempted == "my notes"
        mine.update_notes(NUMBER, "my notes", expected=notes_conflict.value.current)
    with CaseStore(db, auto_backup=False) as again:
        assert again.get(NUMBER).notes == "my notes"
        changed_by = {e.by for e in again.history(NUMBER) if e.item == "bank.account"}
        assert changed_by == {"First Officer", "Second Officer"}


# --- locks ------------------------------------------------------------------------------------

HOLDER = """
import sys, time
from pathlib import Path
from planner.store.locking import DatabaseLock
lock = DatabaseLock(Path(sys.argv[1]), timeout=30)
lock.acquire()
print("HELD", flush=True)
sys.stdin.readline()
lock.release()
print("RELEASED", flush=True)
time.sleep(30)
"""


@pytest.fixture
def holder(db: Path) -> Iterator[subprocess.Popen[str]]:
    proc = python(HOLDER, str(DatabaseFiles(db).journal))  # the journal is the lock
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "HELD", proc.stderr.read() if proc.stderr else ""
    yield proc
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=30)


def test_a_live_holder_blocks_then_times_out_with_one_clear_line(db: Path, holder: Any):
    started = time.monotonic()
    with pytest.raises(DatabaseLocked) as caught:
        CaseStore(db, lock_timeout=0.5)
    waited = time.monotonic() - started
    assert 0.45 <= waited < 5
    assert "busy" in str(caught.value) and "\n" not in str(caught.value)


def test_a_writer_waits_for_the_holder_and_gets_in_when_it_lets_go(db: Path, holder: Any):
    opened: list[float] = []

    def open_and_save() -> None:
        with CaseStore(db, lock_timeout=20, auto_backup=False) as store:
            opened.append(time.monotonic())
            store.update_notes(NUMBER, "after the wait")

    waiter = threading.Thread(target=open_and_save)
    waiter.start()
    time.sleep(0.6)
    assert opened == []  # still shut out
    released_at = time.monotonic()
    holder.stdin.write("go\n")
    holder.stdin.flush()
    assert holder.stdout.readline().strip() == "RELEASED"
    waiter.join(timeout=20)
    assert opened and opened[0] - released_at < 2


@both_platforms
def test_a_holder_killed_by_sigkill_never_blocks_the_next_planner(db: Path, holder: Any):
    with pytest.raises(DatabaseLocked):
        CaseStore(db, lock_timeout=0.2)
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=10)
    started = time.monotonic()
    with CaseStore(db, lock_timeout=10, auto_backup=False) as store:
        store.update_notes(NUMBER, "after the crash")
    assert time.monotonic() - started < 1.5


COUNTER = """
import sys, time, random
from pathlib import Path
from planner.store.locking import DatabaseLock
lock = DatabaseLock(Path(sys.argv[1]), timeout=60)
counter = Path(sys.argv[2])
for _ in range(int(sys.argv[3])):
    with lock.held():
        value = int(counter.read_text())
        time.sleep(random.random() / 500)
        counter.write_text(str(value + 1))
print("DONE", flush=True)
"""


@both_platforms
def test_never_two_writers_at_once_even_when_one_is_killed_holding_the_lock(tmp_path: Path):
    lock, counter = tmp_path / "x.journal", tmp_path / "counter"
    lock.touch()
    counter.write_text("0")
    victim = python(HOLDER, str(lock))
    assert victim.stdout is not None and victim.stdout.readline().strip() == "HELD"
    workers = [python(COUNTER, str(lock), str(counter), "60") for _ in range(3)]
    time.sleep(0.3)
    assert counter.read_text() == "0"  # everyone waits for the victim
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=10)
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert out.strip() == "DONE", err
    assert counter.read_text() == "180"


# --- read-only databases ------------------------------------------------------------------------


def _assert_every_change_refused(store: CaseStore, template: Template) -> None:
    attempts: list[Callable[[], object]] = [
        lambda: store.add(make_person("B2345CD"), template),
        lambda: store.update_notes(NUMBER, "x"),
        lambda: store.save_item(NUMBER, "work.plan", status=ItemStatus.DONE),
        lambda: store.update_person(make_person(NUMBER, location="X")),
        lambda: store.remove([NUMBER]),
        store.compact,
        lambda: store.admin.backup(),
        lambda: store.admin.record_event("x", "y"),
        lambda: store.admin.change_passphrase(PlainCodec()),
    ]
    for attempt in attempts:
        with pytest.raises(ReadOnlyDatabase) as caught:
            attempt()
        assert "read-only" in str(caught.value) and "\n" not in str(caught.value)


def test_a_database_opened_read_only_reads_and_refuses_every_change(db: Path, template: Template):
    before = everything(db.parent)
    with CaseStore(db, read_only=True, clock=lambda: NOW + timedelta(days=2)) as store:
        assert store.read_only
        assert store.get(NUMBER).notes == "first notes"
        assert len(store.history(NUMBER)) > 0
        _assert_every_change_refused(store, template)
    assert everything(db.parent) == before
    assert not backups_root(db).exists()


@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_database_that_cannot_be_written_opens_read_only(
    db: Path, template: Template, what: str, capsys: pytest.CaptureFixture[str]
):
    target = db if what == "file" else db.parent
    mode = target.stat().st_mode
    target.chmod(0o400 if what == "file" else 0o500)
    try:
        with CaseStore(db) as store:
            assert store.read_only
            assert store.get(NUMBER).notes == "first notes"
            _assert_every_change_refused(store, template)
        assert main(["--db", str(db), "show", NUMBER]) == 0
        update = ["update", NUMBER, "--location", "C-1-001"]
        assert main(["--db", str(db), "--officer", "Test Officer", *update]) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "read-only" in err
    finally:
        target.chmod(mode)


def test_a_read_only_reader_waits_for_a_writer(db: Path, holder: Any):
    with pytest.raises(DatabaseLocked):
        CaseStore(db, read_only=True, lock_timeout=0.3)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to act as another user")
def test_read_only_for_a_user_without_write_permission(template: Template):
    folder = Path(tempfile.mkdtemp(prefix="planner-ro-"))
    try:
        folder.chmod(0o755)
        path = folder / "shared.db"
        with CaseStore(path, clock=lambda: NOW) as store:
            store.add(make_person(NUMBER), template)
        for p in folder.iterdir():
            p.chmod(0o644)
        script = (
            "import sys\n"
            "from planner.store.errors import ReadOnlyDatabase\n"
            "from planner.store.repository import CaseStore\n"
            "store = CaseStore(sys.argv[1])\n"
            "print(store.read_only, store.numbers())\n"
            "try:\n"
            "    store.update_notes('A1234BC', 'x')\n"
            "except ReadOnlyDatabase as exc:\n"
            "    print('refused', exc)\n"
        )
        try:
            proc = python(script, str(path), user=65534, cwd="/")
        except PermissionError:
            pytest.skip("the user nobody cannot run this Python")
        out, err = proc.communicate(timeout=60)
        if "Permission denied" in err and "planner" not in out:
            pytest.skip("the user nobody cannot read the project here")
        assert proc.returncode == 0, err
        assert out.splitlines()[0] == "True ['A1234BC']"
        assert out.splitlines()[1].startswith("refused shared.db is read-only")
    finally:
        shutil.rmtree(folder)


# --- full disks and failed writes ---------------------------------------------------------------


class FailOnce:
    """Replace an os function so that its `nth` call fails with `code`."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, name: str, nth: int, code: int) -> None:
        self.real = getattr(os, name)
        self.calls = 0
        self.nth = nth
        self.code = code
        monkeypatch.setattr(os, name, self)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        if self.calls == self.nth:
            raise OSError(self.code, os.strerror(self.code))
        return self.real(*args, **kwargs)


@pytest.mark.parametrize(
    ("name", "nth", "code", "what"),
    [
        ("pwrite", 1, errno.ENOSPC, "the journal line"),
        ("fsync", 1, errno.EIO, "the journal fsync"),
    ],
)
def test_a_failed_write_changes_nothing_and_the_store_goes_on(
    db: Path, monkeypatch: pytest.MonkeyPatch, name: str, nth: int, code: int, what: str
):
    with CaseStore(db, officer="O", auto_backup=False) as store:
        store.update_notes(NUMBER, "acknowledged")
        history = store.history()
        seq = store.change_number
        journal = DatabaseFiles(db).journal.read_bytes()
        failing = FailOnce(monkeypatch, name, nth, code)
        with pytest.raises(WriteFailed) as caught:
            store.update_notes(NUMBER, "lost to a full disk")
        monkeypatch.setattr(os, name, failing.real)
        message = str(caught.value)
        assert "nothing was changed" in message and "\n" not in message, what
        assert os.strerror(code) in message
        assert store.get(NUMBER).notes == "acknowledged"
        assert store.change_number == seq
        assert store.history() == history
        assert DatabaseFiles(db).journal.read_bytes() == journal  # no half record left
        store.update_notes(NUMBER, "after the disk was freed")
    with CaseStore(db, auto_backup=False) as again:
        assert again.get(NUMBER).notes == "after the disk was freed"
        news = [e.new for e in again.history(NUMBER) if e.field == "notes"]
        assert news == ["first notes", "acknowledged", "after the disk was freed"]


def test_an_audit_line_that_fails_after_the_commit_is_finished_by_the_next_save(
    db: Path, monkeypatch: pytest.MonkeyPatch
):
    """The journal is the commit point: a full disk between it and the audit log leaves a
    saved change whose audit line the journal carries, and the next save appends it."""
    with CaseStore(db, officer="O", auto_backup=False) as store:
        failing = FailOnce(monkeypatch, "pwrite", 2, errno.ENOSPC)
        store.update_notes(NUMBER, "saved, its audit line not yet")
        monkeypatch.setattr(os, "pwrite", failing.real)
        assert failing.calls == 2
        assert store.integrity_problem is None
        store.update_notes(NUMBER, "the next save")
    with CaseStore(db, auto_backup=False) as again:
        news = [e.new for e in again.history(NUMBER) if e.field == "notes"]
        assert news == ["first notes", "saved, its audit line not yet", "the next save"]
        assert again.integrity_problem is None


@pytest.mark.parametrize("background", [False, True])
def test_a_compaction_that_fails_after_a_commit_does_not_lose_the_commit(
    db: Path, monkeypatch: pytest.MonkeyPatch, background: bool
):
    monkeypatch.setattr(journal_module, "COMPACT_MIN_BYTES", 1)
    with CaseStore(db, auto_backup=False, background_folds=background) as store:
        failing = FailOnce(monkeypatch, "replace", 1, errno.ENOSPC)
        store.update_notes(NUMBER, "committed before the compaction")  # no WriteFailed
        store.wait_for_fold()
        assert failing.calls == 1
        monkeypatch.setattr(os, "replace", failing.real)
        assert store.get(NUMBER).notes == "committed before the compaction"
        store.update_notes(NUMBER, "and the next one")
    assert not [p for p in db.parent.iterdir() if p.name.startswith(".planner-tmp-")]
    with CaseStore(db, auto_backup=False) as again:
        assert again.get(NUMBER).notes == "and the next one"


FILL_UP = """
import resource, signal, sys
from pathlib import Path
from planner.store.errors import WriteFailed
from planner.store.repository import CaseStore
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
store = CaseStore(sys.argv[1], auto_backup=False)
limit = max(p.stat().st_size for p in Path(sys.argv[1]).parent.iterdir() if p.is_file()) + 6000
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
n = 0
while True:
    try:
        store.update_notes("A1234BC", f"note {n} " + "x" * 400)
    except WriteFailed as exc:
        print("FAILED", exc, flush=True)
        break
    print("ACK", n, flush=True)
    n += 1
print("STILL", store.get("A1234BC").notes.split()[1], flush=True)
"""


def test_a_file_size_limit_mid_save_loses_no_acknowledged_change(db: Path):
    proc = python(FILL_UP, str(db))
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    lines = out.splitlines()
    acked = [int(line.split()[1]) for line in lines if line.startswith("ACK")]
    failed = [line for line in lines if line.startswith("FAILED")]
    assert acked and len(failed) == 1, out
    assert "nothing was changed" in failed[0]
    assert lines[-1] == f"STILL {acked[-1]}"
    with CaseStore(db, auto_backup=False) as store:
        assert store.get(NUMBER).notes.startswith(f"note {acked[-1]} ")
        store.update_notes(NUMBER, "room again")
        assert len([e for e in store.history(NUMBER) if e.field == "notes"]) == len(acked) + 2


# --- killed at every step -----------------------------------------------------------------------

STEP_CALLS = (
    "replace",
    "rename",
    "unlink",
    "fsync",
    "link",
    "rmdir",
    "mkdir",
    "truncate",
    "ftruncate",
    "pwrite",
)


def run_until_killed(action: Callable[[], None], kill_at: int) -> bool:
    """Run `action` in a forked child that SIGKILLs itself just before its `kill_at`-th
    call of a file-system operation that orders what reaches the disk; True if it ran to
    the end first."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            count = [0]

            def wrap(real: Callable[..., Any]) -> Callable[..., Any]:
                def step(*args: Any, **kwargs: Any) -> Any:
                    count[0] += 1
                    if count[0] == kill_at:
                        os.kill(os.getpid(), signal.SIGKILL)
                    return real(*args, **kwargs)

                return step

            for name in STEP_CALLS:
                setattr(os, name, wrap(getattr(os, name)))
            action()
        except BaseException:
            os._exit(3)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        assert os.WTERMSIG(status) == signal.SIGKILL
        return False
    assert os.WEXITSTATUS(status) == 0, "the action failed in the child"
    return True


def kill_at_random(action: Callable[[], None], delay: float) -> bool:
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            action()
        except BaseException:
            os._exit(3)
        os._exit(0)
    time.sleep(delay)
    os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    return not os.WIFSIGNALED(status)


def _content(store: CaseStore) -> tuple[Any, ...]:
    history = [(e.seq, e.case, e.field, e.new) for e in store.history() if e.case]
    return (store.cases(), history)


def _opens_with(db: Path, *codecs: Codec) -> tuple[int, tuple[Any, ...]]:
    """Which of `codecs` opens the database (each tried on its own copy); exactly one must."""
    opened = []
    for index, codec in enumerate(codecs):
        with tempfile.TemporaryDirectory() as scratch:
            copy = Path(scratch) / "copy"
            shutil.copytree(db.parent, copy)
            try:
                with CaseStore(copy / db.name, codec=codec, auto_backup=False) as store:
                    opened.append((index, _content(store)))
            except WrongPassphrase:
                continue
    assert len(opened) == 1, f"{len(opened)} passphrases open it"
    return opened[0]


def _build(folder: Path, template: Template, codec: Codec, people: int) -> Path:
    db = folder / "planner.db"
    day = [NOW]
    with CaseStore(db, codec=codec, clock=lambda: day[0]) as store:
        store.add_many([make_person(f"P{n:04d}AA") for n in range(people)], template)
        store.update_notes("P0000AA", "in the snapshot")
        store.compact()
        store.update_notes("P0001AA", "in the journal")
    for _ in range(2):  # two daily backups
        day[0] += timedelta(days=1)
        with CaseStore(db, codec=codec, clock=lambda: day[0]) as store:
            store.update_notes("P0002AA", f"day {day[0].day}")
    return db


def test_a_passphrase_change_killed_at_every_step_opens_with_old_or_new(
    tmp_path: Path, template: Template
):
    old = AesGcmCodec.create("the old passphrase", cost=15)
    new = AesGcmCodec.create("the new passphrase", cost=15)
    origin = _build(tmp_path / "origin", template, old, people=3)
    with CaseStore(origin, codec=old, auto_backup=False) as store:
        expected = _content(store)
    sides: Counter[int] = Counter()
    step = 0
    while True:
        step += 1
        work = tmp_path / f"step-{step}"
        shutil.copytree(origin.parent, work)
        db = work / origin.name

        def change(db: Path = db) -> None:
            with CaseStore(db, codec=old, auto_backup=False) as store:
                store.admin.change_passphrase(new)

        finished = run_until_killed(change, step)
        side, content = _opens_with(db, old, new)
        sides[side] += 1
        assert content == expected
        current = (old, new)[side]
        report = diagnose(db, current)
        for backup in list_backups(backups_root(db)):
            works = []
            for codec in (old, new):
                try:
                    verify_backup(backup, codec)
                    works.append(codec)
                except StoreError:
                    pass
            assert len(works) == 1, f"step {step}: backup {backup.folder.name}"
            # doctor (and backup --list) say which passphrase opens it
            said = report.backup_keys[backup.folder]
            assert said == (SAME if works == [current] else OTHER), f"step {step}"
        shutil.rmtree(work)
        if finished:
            break
        assert step < 400
    assert step > 20, "fewer steps than expected: is the rekey still staged?"
    assert sides[0] and sides[1], sides  # the kill landed on both sides of the commit


def test_a_passphrase_change_killed_at_random_moments(tmp_path: Path, template: Template):
    old = AesGcmCodec.create("the old passphrase", cost=15)
    new = AesGcmCodec.create("the new passphrase", cost=15)
    origin = _build(tmp_path / "origin", template, old, people=400)
    with CaseStore(origin, codec=old, auto_backup=False) as store:
        expected = _content(store)
    work = tmp_path / "timing"
    shutil.copytree(origin.parent, work)

    def change(db: Path = work / origin.name) -> None:
        with CaseStore(db, codec=old, auto_backup=False) as store:
            store.admin.change_passphrase(new)

    started = time.monotonic()
    assert run_until_killed(change, kill_at=0) is True  # 0: never killed; just time it
    duration = time.monotonic() - started
    shutil.rmtree(work)
    rng = random.Random(int(os.environ.get("PLANNER_CRASH_SEED", "7")))
    sides: Counter[int] = Counter()
    for _round in range(12):
        shutil.copytree(origin.parent, work)
        kill_at_random(change, rng.uniform(0, duration))
        side, content = _opens_with(work / origin.name, old, new)
        sides[side] += 1
        assert content == expected
        shutil.rmtree(work)
    assert sum(sides.values()) == 12


@both_platforms
def test_a_restore_killed_at_every_step_leaves_the_old_or_the_restored_database(
    tmp_path: Path, template: Template
):
    origin = _build(tmp_path / "origin", template, PlainCodec(), people=3)
    with CaseStore(origin, auto_backup=False) as store:
        current = _content(store)
        oldest = store.admin.backups()[-1]
    with CaseStore(oldest.files.data) as backup_store:
        backed_up = _content(backup_store)
    assert backed_up != current
    outcomes: Counter[str] = Counter()
    step = 0
    while True:
        step += 1
        work = tmp_path / f"step-{step}"
        shutil.copytree(origin.parent, work)
        db = work / origin.name
        (chosen,) = [b for b in list_backups(backups_root(db)) if b.seq == oldest.seq]

        def put_back(db: Path = db, chosen: Any = chosen) -> None:
            restore_into(db, chosen, now=datetime.now().astimezone(), lock_timeout=5)

        finished = run_until_killed(put_back, step)
        with CaseStore(db, auto_backup=False) as store:
            content = _content(store)
        assert content in (current, backed_up), f"step {step}"
        outcomes["restored" if content == backed_up else "current"] += 1
        if content == backed_up:
            aside = sorted(p.name for p in work.glob("*.before-restore-*"))
            assert len(aside) == 3, aside  # the replaced files are kept
        shutil.rmtree(work)
        if finished:
            break
        assert step < 400
    assert outcomes["restored"] and outcomes["current"], outcomes
