"""The offline installer, built and installed for real.

scripts/bundle builds the Linux bundle for the Python running the tests (the Windows
wheels are left out: install.ps1 cannot run here), and install.sh installs it into a
fresh virtual environment with every package index off and no find-links but the
bundle's own wheels: the planner it installs then shows its help and writes the demo.
Running install.sh again (an upgrade) leaves the database alone, and an upgrade that
fails puts the planner installed before back. A bundle changed after it was built (a byte
of a wheel, a wheel added), a Python it has no wheels for and a folder that is not the
installer's are refused before anything is written.

The bundle is built once for the whole run, by whichever test process asks first (the
others wait for it): building it takes pip's index and most of half a minute.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYTHON = f"{sys.version_info[0]}.{sys.version_info[1]}"
NAME = "planner-offline-0.1.0"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        sysconfig.get_platform() != "linux-x86_64" or shutil.which("bash") is None,
        reason="the Linux bundle installs on Linux x86_64 with bash",
    ),
]


def shared_folder(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """A folder of this test run that every test process sees."""
    base = tmp_path_factory.getbasetemp()
    return base if worker_id == "master" else base.parent


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The folder scripts/bundle wrote (the bundle, its zip and what it said, built.txt),
    with the zip unzipped beside them in carried/, as an officer unzips it."""
    out = shared_folder(tmp_path_factory, worker_id) / "offline-bundle"
    with (out.parent / "offline-bundle.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (out / "built.txt").exists():
            shutil.rmtree(out, ignore_errors=True)
            done = subprocess.run(
                [
                    "bash",
                    "scripts/bundle",
                    "--platform=linux",
                    f"--python={PYTHON}",
                    f"--out={out}",
                ],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=900,
                check=False,
            )
            assert done.returncode == 0, done.stdout + done.stderr
            with zipfile.ZipFile(out / f"{NAME}.zip") as archive:
                archive.extractall(out / "carried")
            (out / "built.txt").write_text(done.stdout, encoding="utf-8")
    return out


@pytest.fixture
def bundle(built: Path, tmp_path: Path) -> Path:
    """The unzipped bundle for one test: its files linked, not copied (a test that changes
    one replaces it)."""
    return Path(shutil.copytree(built / "carried" / NAME, tmp_path / NAME, copy_function=os.link))


def replace(path: Path, contents: bytes) -> None:
    """Write a linked file of the bundle anew, leaving the other tests' copies alone."""
    path.unlink()
    path.write_bytes(contents)


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Path]:
    """The officer's home (and so the installation, and the database's usual folder), in
    memory where the machine has it (/dev/shm): an installation writes thousands of files,
    which on a disk shared with the rest of the suite take twice as long."""
    shm = Path("/dev/shm")
    if not shm.is_dir() or not os.access(shm, os.W_OK):
        yield tmp_path / "home"
        return
    folder = Path(tempfile.mkdtemp(prefix="planner-bundle-test-", dir=shm))
    try:
        yield folder / "home"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def environment(home: Path) -> dict[str, str]:
    """An officer's environment on a computer with no network: pip may use no index and
    no find-links but the bundle's; the Python running the tests is found on the PATH;
    planner's files are in a home of the test's own."""
    kept = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("PLANNER_", "PIP_", "XDG_", "VIRTUAL_ENV", "PYTHON"))
    }
    return kept | {
        "HOME": str(home),
        "PATH": f"{Path(sys.base_prefix) / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "PIP_NO_INDEX": "1",
    }


def install(
    bundle: Path, environment: dict[str, str], *arguments: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(bundle / "install.sh"), *arguments],
        cwd=bundle.parent,
        env=environment | {"PIP_FIND_LINKS": str(bundle / "wheels")},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def run(command: list[str], environment: dict[str, str], cwd: Path) -> str:
    done = subprocess.run(
        command, cwd=cwd, env=environment, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def files_of(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file under `folder`: its contents' hash and when it was last changed."""
    return {
        path.relative_to(folder).as_posix(): (
            hashlib.sha256(path.read_bytes()).hexdigest(),
            path.stat().st_mtime_ns,
        )
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_scripts_bundle_says_what_it_built_and_sha256sum_accepts_its_checksums(
    built: Path,
) -> None:
    said = (built / "built.txt").read_text(encoding="utf-8")
    assert f"Linux x86_64, Python {PYTHON}: every wheel is in" in said
    assert "Windows" not in said
    *_, zipped, took = said.rstrip().splitlines()
    assert zipped.startswith(f"Zip: {built / NAME}.zip (") and zipped.endswith(" MB)")
    assert took.startswith("Built in ")
    folder = built / NAME
    assert (
        (folder / "targets.txt")
        .read_text()
        .splitlines()[-1]
        .startswith(f"linux-x86_64 {PYTHON} glibc-2.")
    )
    listed = {line.split("  ", 1)[1] for line in (folder / "SHA256SUMS").read_text().splitlines()}
    every_file = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert listed == every_file - {"SHA256SUMS"}
    checked = subprocess.run(
        ["sha256sum", "--check", "--strict", "--quiet", "SHA256SUMS"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_bundle_installs_with_every_index_off_runs_the_demo_and_upgrades_leaving_the_database(
    bundle: Path, environment: dict[str, str], home: Path, tmp_path: Path
) -> None:
    installed = install(bundle, environment)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    folder = home / ".local" / "share" / "planner-app"
    assert f"Start planner with:\n   {folder / 'bin' / 'planner'}\n" in installed.stdout
    planner = str(folder / "bin" / "planner")

    assert "Usage: planner" in run([planner, "--help"], environment, tmp_path)
    work = home.parent / "work"
    work.mkdir()
    wrote = run([planner, "demo", "--db", str(work / "demo.db")], environment, tmp_path)
    assert wrote.startswith("Wrote 40 sample people to ")
    where = run(
        [str(folder / "bin" / "python"), "-c", "import planner; print(planner.__file__)"],
        environment,
        tmp_path,
    )
    assert Path(where.strip()).is_relative_to(folder), "planner ran from outside the install"

    # A database in its usual place too, beside the installation.
    database = home / ".local" / "share" / "planner" / "planner.db"
    shutil.copytree(work, database.parent)
    before = files_of(database.parent), files_of(work)
    assert before[0] and before[1]

    # The upgrade skips compiling the modules to bytecode, which the first install did and
    # which takes two thirds of an install's time (PIP_NO_COMPILE=0 is pip's "don't").
    again = install(bundle, environment | {"PIP_NO_COMPILE": "0"})

    assert again.returncode == 0, again.stdout + again.stderr
    assert f"setting the planner installed in {folder} aside" in again.stdout
    assert (files_of(database.parent), files_of(work)) == before
    assert not Path(f"{folder}.previous").exists()

    # An upgrade that fails half way (here pip refuses every planner) puts back the one
    # installed before.
    impossible = home.parent / "impossible.txt"
    impossible.write_text("planner==0.0.0\n")
    failed = install(bundle, environment | {"PIP_CONSTRAINT": str(impossible)})
    assert failed.returncode != 0
    assert f"the planner installed before is back in {folder}\n" in failed.stderr
    assert run([planner, "--version"], environment, tmp_path) == "planner, version 0.1.0\n"
    assert not Path(f"{folder}.previous").exists()
    assert (files_of(database.parent), files_of(work)) == before
    listed = run([planner, "--db", str(work / "demo.db"), "list", "--all"], environment, tmp_path)
    assert listed.strip()


def test_a_changed_byte_in_a_wheel_stops_install_sh_before_anything_is_written(
    bundle: Path, environment: dict[str, str], home: Path
) -> None:
    wheel = next((bundle / "wheels").glob("pydantic_core-*.whl"))
    contents = bytearray(wheel.read_bytes())
    contents[len(contents) // 2] ^= 0x01
    replace(wheel, bytes(contents))

    refused = install(bundle, environment)

    assert refused.returncode == 1
    assert refused.stderr == (
        f"install.sh: wheels/{wheel.name} does not match SHA256SUMS: it changed after the "
        "bundle was built; nothing was installed\n"
    )
    assert not home.exists(), "install.sh wrote something before it refused"


def test_a_wheel_added_to_the_bundle_stops_install_sh(
    bundle: Path, environment: dict[str, str], home: Path
) -> None:
    (bundle / "wheels" / "click-99.0-py3-none-any.whl").write_bytes(b"PK\x05\x06" + bytes(18))

    refused = install(bundle, environment)

    assert refused.returncode == 1
    assert refused.stderr == (
        "install.sh: wheels/click-99.0-py3-none-any.whl is not in SHA256SUMS: it was added "
        "after the bundle was built; nothing was installed\n"
    )
    assert not home.exists()


@pytest.mark.parametrize(
    ("listed", "wanted", "said"),
    [
        ("linux-x86_64 3.99", "3.99", [f"python3 is linux-x86_64 {PYTHON} cpython"]),
        (
            f"linux-x86_64 {PYTHON} glibc-2.99",
            PYTHON,
            [
                f"python{PYTHON} is linux-x86_64 {PYTHON} cpython with glibc 2.",
                ", its wheels needing glibc 2.99 or later",
            ],
        ),
    ],
    ids=["another Python", "an older glibc"],
)
def test_install_sh_refuses_a_python_the_bundle_has_no_wheels_for(
    bundle: Path,
    environment: dict[str, str],
    home: Path,
    listed: str,
    wanted: str,
    said: list[str],
) -> None:
    targets = bundle / "targets.txt"
    replace(targets, f"{listed}\n".encode())
    sums = bundle / "SHA256SUMS"
    digest = hashlib.sha256(targets.read_bytes()).hexdigest()
    lines = [
        f"{digest}  targets.txt" if line.endswith("  targets.txt") else line
        for line in sums.read_text().splitlines()
    ]
    replace(sums, ("\n".join(lines) + "\n").encode())

    refused = install(bundle, environment)

    assert refused.returncode == 1
    assert refused.stderr.startswith(
        f"install.sh: no Python this bundle has wheels for (CPython {wanted} on linux-x86_64; "
    )
    assert all(words in refused.stderr for words in said), refused.stderr
    assert refused.stderr.endswith("nothing was installed\n")
    assert len(refused.stderr.splitlines()) == 1
    assert not home.exists()


@pytest.mark.parametrize("where", ["database folder", "folder of other files"])
def test_install_sh_installs_only_into_a_folder_of_its_own(
    bundle: Path, environment: dict[str, str], home: Path, tmp_path: Path, where: str
) -> None:
    if where == "database folder":
        folder = home / ".local" / "share" / "planner"
        expected = (
            f"{folder} is in planner's database folder ({folder}): install beside it, not in it"
        )
    else:
        folder = tmp_path / "documents"
        expected = f"{folder} exists and was not made by this installer: choose another folder"
    folder.mkdir(parents=True)
    (folder / "planner.db").write_bytes(b"{}")
    before = files_of(folder)

    refused = install(bundle, environment, str(folder))

    assert refused.returncode == 1
    assert refused.stderr == f"install.sh: {expected}; nothing was installed\n"
    assert files_of(folder) == before


@pytest.mark.parametrize("given", ["/", "//", "/.", "/tmp/../", "/opt"])
def test_install_sh_refuses_the_root_or_a_folder_at_the_top_before_anything_is_written(
    bundle: Path, environment: dict[str, str], home: Path, given: str
) -> None:
    """'/' once became an empty folder name: the environment was made in the current
    folder and the system's /bin/python ran pip."""
    before = files_of(bundle.parent)

    refused = install(bundle, environment, given)

    assert refused.returncode == 1
    assert refused.stderr.endswith("nothing was installed\n")
    assert len(refused.stderr.splitlines()) == 1
    assert files_of(bundle.parent) == before
    assert not home.exists()


@pytest.mark.parametrize(
    ("have", "needs", "enough"),
    [
        ("2.39.9000", "2.39", True),  # a development build of glibc 2.39
        ("2.39", "2.28", True),
        ("2.28", "2.28", True),
        ("2.27", "2.28", False),
        ("unknown", "2.28", False),
    ],
)
def test_install_sh_compares_glibc_versions_by_their_minor_number(
    have: str, needs: str, enough: bool
) -> None:
    script = (ROOT / "installer" / "install.sh").read_text(encoding="utf-8")
    start = script.index("glibc_at_least() {")
    function = script[start : script.index("\n}\n", start) + 3]
    done = subprocess.run(
        ["bash", "-c", f'set -u\n{function}\nglibc_at_least "$1" "$2"', "-", have, needs],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode == 0) is enough, done.stderr
