"""Build the offline installer: a folder, and a zip of it, that installs planner on a
computer with no network at all.

The folder holds planner's own wheel and a wheel of every dependency, pinned by hash, for
Linux x86_64 and Windows amd64 and for each Python planner supports; the install scripts
(install.sh, install.ps1 with install.cmd); requirements.txt, the hash of every wheel
pip may install; targets.txt, the platforms and Pythons it has wheels for; BUNDLE.txt,
what was built from what; and SHA256SUMS, the checksum of every other file, which the
install scripts check before they install anything.

Run through `bash scripts/bundle` (README: "Installing without a network"); it needs
PyPI, and reuses pip's cache. The dependencies come from requirements.lock: the packages
planner needs at run time (the lock's "via" notes lead back to planner), not the build
backend it also pins.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import time
import tomllib
import zipfile
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

# packaging comes with the build backend, which scripts/bundle makes sure is installed.
from packaging.markers import Marker

ROOT = Path(__file__).resolve().parent.parent
INSTALLER = ROOT / "installer"
LOCK = ROOT / "requirements.lock"
# README: "Python 3.11 or later". The oldest comes from requires-python; this is the newest
# released, the last one a bundle carries wheels for.
NEWEST_PYTHON = (3, 15)
SYSTEMS = ("linux", "windows")
# The Linux wheels: the most widely usable build of each pin, from manylinux1 (glibc 2.5)
# up to, by default, glibc 2.28 (Debian 10, Ubuntu 20.04, RHEL 8); an older build is
# preferred. --glibc allows newer builds, for computers that have a newer glibc.
DEFAULT_GLIBC = "2.28"
INSTALLER_FILES = ("install.sh", "install.ps1", "install.cmd", "README.txt")
EXECUTABLE = frozenset({"install.sh"})
PLANNER_ROOT = "planner (pyproject.toml)"
# pip downloads one wheel after another, mostly waiting for the index: each target's pins
# go in this many downloads, and this many run at once.
DOWNLOADS_PER_TARGET = 4
DOWNLOADS_AT_ONCE = 8


def say(message: str) -> None:
    print(f"== scripts/bundle: {message}", flush=True)


class BundleError(Exception):
    """Something the bundle cannot be built without; its message says what."""


@dataclass(frozen=True)
class Target:
    """One platform and Python version the bundle carries wheels for."""

    system: str  # "linux" or "windows"
    python: str  # "3.11"
    glibc: int = 28  # Linux: the newest glibc (2.N) a wheel may need

    @property
    def platform(self) -> str:
        """The name Python itself gives the platform (sysconfig.get_platform()), which the
        install scripts compare with targets.txt."""
        return "linux-x86_64" if self.system == "linux" else "win-amd64"

    @property
    def label(self) -> str:
        name = "Linux x86_64" if self.system == "linux" else "Windows amd64"
        return f"{name}, Python {self.python}"

    @property
    def lacking(self) -> str:
        """What a pin without a wheel here has none for."""
        return f" for glibc 2.{self.glibc} or older" if self.system == "linux" else ""

    def pip_platforms(self) -> list[str]:
        if self.system == "windows":
            return ["win_amd64"]
        legacy = ["manylinux1_x86_64", "manylinux2010_x86_64", "manylinux2014_x86_64"]
        return legacy + [f"manylinux_2_{minor}_x86_64" for minor in range(5, self.glibc + 1)]

    def marker_environment(self) -> dict[str, str]:
        """The environment markers as Python on the target computer sees them."""
        windows = self.system == "windows"
        return {
            "implementation_name": "cpython",
            "platform_python_implementation": "CPython",
            "python_version": self.python,
            "python_full_version": f"{self.python}.0",
            "implementation_version": f"{self.python}.0",
            "sys_platform": "win32" if windows else "linux",
            "platform_system": "Windows" if windows else "Linux",
            "os_name": "nt" if windows else "posix",
            "platform_machine": "AMD64" if windows else "x86_64",
        }


@dataclass
class Pin:
    """One package of requirements.lock: its line, its hashes and what needs it."""

    name: str
    version: str
    marker: str | None
    hashes: list[str] = field(default_factory=list)
    needed_by: list[str] = field(default_factory=list)

    def line(self, *, with_marker: bool) -> str:
        head = f"{self.name}=={self.version}"
        if with_marker and self.marker:
            head += f" ; {self.marker}"
        return " \\\n    ".join([head, *(f"--hash=sha256:{h}" for h in self.hashes)])

    def applies_to(self, target: Target) -> bool:
        return self.marker is None or Marker(self.marker).evaluate(target.marker_environment())


PIN_LINE = re.compile(r"^([A-Za-z0-9._-]+)==(\S+?)\s*(?:;\s*(.*?))?\s*\\?$")
HASH_LINE = re.compile(r"^\s+--hash=sha256:([0-9a-f]{64})")
VIA_LINE = re.compile(r"^\s+#\s+(?:via\s+)?(\S.*?)\s*$")


def read_lock(path: Path) -> list[Pin]:
    pins: list[Pin] = []
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not text.strip() or text.startswith("#"):
            continue
        if match := PIN_LINE.match(text):
            pins.append(Pin(match[1].lower(), match[2], match[3] or None))
        elif match := HASH_LINE.match(text):
            pins[-1].hashes.append(match[1])
        elif re.match(r"^\s+#\s+via\s*$", text):
            continue
        elif match := VIA_LINE.match(text):
            pins[-1].needed_by.append(match[1])
        else:
            raise BundleError(f"{path.name} line {number}: not a pin, hash or note: {text!r}")
    return pins


def run_time_pins(pins: Sequence[Pin]) -> list[Pin]:
    """The pins planner needs to run: those its "via" notes lead back to planner, leaving
    out the build backend (hatchling and what it needs)."""
    if not any(PLANNER_ROOT in pin.needed_by for pin in pins):
        raise BundleError(
            f"{LOCK.name} does not say which packages planner needs (no '{PLANNER_ROOT}' "
            "note): make it again with bash scripts/lock"
        )
    needed: set[str] = {PLANNER_ROOT}
    grew = True
    while grew:
        grew = False
        for pin in pins:
            if pin.name not in needed and needed.intersection(pin.needed_by):
                needed.add(pin.name)
                grew = True
    return [pin for pin in pins if pin.name in needed]


def read_pip_pin(path: Path) -> Pin:
    """The pip the install scripts run (installer/pip.txt): one line, pip==VERSION and the
    hash of its wheel."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line[:1] != "#"]
    match = re.fullmatch(r"pip==(\S+) --hash=sha256:([0-9a-f]{64})", " ".join(lines).strip())
    if not match:
        raise BundleError(f"{path.name}: not one line 'pip==VERSION --hash=sha256:HASH'")
    return Pin("pip", match[1], None, [match[2]])


def planner_version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as file:
        version: str = tomllib.load(file)["project"]["version"]
    return version


def oldest_python() -> tuple[int, int]:
    with (ROOT / "pyproject.toml").open("rb") as file:
        requires: str = tomllib.load(file)["project"]["requires-python"]
    match = re.fullmatch(r">=\s*3\.(\d+)", requires.strip())
    if not match:
        raise BundleError(f"pyproject.toml: requires-python {requires!r} is not '>=3.N'")
    return 3, int(match[1])


def supported_pythons() -> list[str]:
    major, oldest = oldest_python()
    return [f"{major}.{minor}" for minor in range(oldest, NEWEST_PYTHON[1] + 1)]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def pip(python: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [python, "-m", "pip", "--disable-pip-version-check", *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def build_planner_wheel(python: str, into: Path) -> Path:
    """planner's own wheel, built from this checkout by the build backend the lock pins
    (the checklists are force-included by pyproject.toml)."""
    into.mkdir(parents=True)
    done = pip(python, "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(into), ".")
    if done.returncode != 0:
        raise BundleError(f"building planner's wheel failed:\n{done.stdout}{done.stderr}")
    (wheel,) = into.glob("planner-*.whl")
    return wheel


NOT_FOUND = re.compile(
    r"(?:Could not find a version that satisfies the requirement|"
    r"No matching distribution found for) ([A-Za-z0-9._-]+)==",
)


def download(python: str, target: Target, pins: Sequence[Pin], into: Path) -> list[str]:
    """Download the wheel of each pin into `into`, for the target. Returns the pins that
    have no wheel there, each as name==version."""
    wanted = {pin.name: pin for pin in pins}
    missing: list[str] = []
    into.mkdir(parents=True)
    requirements = into / "requirements.txt"
    major, minor = target.python.split(".")
    tags = [f"--platform={platform}" for platform in target.pip_platforms()]
    while wanted:
        lines = [pin.line(with_marker=False) for pin in wanted.values()]
        requirements.write_text("\n".join(lines) + "\n", encoding="utf-8")
        done = pip(
            python,
            "download",
            "-q",
            "--no-deps",
            "--require-hashes",
            "--only-binary=:all:",
            *tags,
            f"--python-version={target.python}",
            "--implementation=cp",
            f"--abi=cp{major}{minor}",
            "-d",
            str(into),
            "-r",
            str(requirements),
        )
        if done.returncode == 0:
            break
        found = NOT_FOUND.search(done.stderr)
        if not found or found[1].lower() not in wanted:
            raise BundleError(f"{target.label}: pip download failed:\n{done.stderr}")
        pin = wanted.pop(found[1].lower())
        missing.append(f"{pin.name}=={pin.version}")
    requirements.unlink()
    return missing


@dataclass
class Fetched:
    """What one target got: the wheels it installs, and the pins with no wheel there."""

    wheels: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def download_all(
    python: str, targets: Sequence[Target], pins: Sequence[Pin], wheels: Path, scratch: Path
) -> dict[Target, Fetched]:
    """Download every target's wheels into `wheels`, several pip downloads at a time (each
    spends most of its time waiting for the index), each into a folder of its own, merged
    after: a wheel two targets share is the same file, its hash pinned."""
    jobs: list[tuple[Target, list[Pin], Path]] = []
    for target in targets:
        applying = [pin for pin in pins if pin.applies_to(target)]
        for part in range(DOWNLOADS_PER_TARGET):
            if chunk := applying[part::DOWNLOADS_PER_TARGET]:
                jobs.append((target, chunk, scratch / f"{target.system}-{target.python}-{part}"))
    fetched = {target: Fetched() for target in targets}
    left = {target: sum(1 for job in jobs if job[0] == target) for target in targets}
    with ThreadPoolExecutor(max_workers=DOWNLOADS_AT_ONCE) as pool:
        running = {pool.submit(download, python, *job): job for job in jobs}
        for future in as_completed(running):
            target, _chunk, folder = running[future]
            got = fetched[target]
            got.missing += future.result()
            for wheel in sorted(folder.iterdir()):
                got.wheels.append(wheel.name)
                if not (wheels / wheel.name).exists():
                    shutil.move(wheel, wheels / wheel.name)
            left[target] -= 1
            if left[target] == 0 and got.missing:
                say(
                    f"{target.label}: NO WHEEL{target.lacking} of "
                    f"{', '.join(sorted(got.missing))}: this bundle cannot install planner there"
                )
            elif left[target] == 0:
                say(f"{target.label}: every wheel is in")
    return fetched


def check_installable(python: str, folder: Path, target: Target) -> str | None:
    """Whether the bundle's pip, with the index off, finds the wheel of everything
    requirements.txt asks for on the target, each matching its hash (a dry run: nothing is
    installed). Returns pip's complaint, or None."""
    (pip_wheel,) = (folder / "wheels").glob("pip-*.whl")
    major, minor = target.python.split(".")
    done = subprocess.run(
        [
            python,
            str(pip_wheel / "pip"),
            "install",
            "--dry-run",
            "-q",
            "--disable-pip-version-check",
            "--ignore-installed",
            "--target",
            str(folder / f".dry-run-{target.system}-{target.python}"),
            *(f"--platform={platform}" for platform in target.pip_platforms()),
            f"--python-version={target.python}",
            "--implementation=cp",
            f"--abi=cp{major}{minor}",
            "--only-binary=:all:",
            "--no-index",
            "--find-links",
            str(folder / "wheels"),
            "--require-hashes",
            "--no-cache-dir",
            "-r",
            str(folder / "requirements.txt"),
        ],
        env=os.environ | {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(folder / "wheels")},
        capture_output=True,
        text=True,
        check=False,
    )
    return None if done.returncode == 0 else done.stdout + done.stderr


def check_all_installable(python: str, folder: Path, targets: Sequence[Target]) -> None:
    with ThreadPoolExecutor(max_workers=DOWNLOADS_AT_ONCE) as pool:
        complaints = list(
            pool.map(lambda target: check_installable(python, folder, target), targets)
        )
    for target, complaint in zip(targets, complaints, strict=True):
        if complaint:
            raise BundleError(f"{target.label}: pip cannot install from the bundle:\n{complaint}")


GLIBC_OF_LEGACY = {"manylinux1": (2, 5), "manylinux2010": (2, 12), "manylinux2014": (2, 17)}


def glibc_needed(wheel_names: Iterable[str]) -> tuple[int, int] | None:
    """The newest glibc any Linux wheel needs: for each wheel the oldest its tags allow."""
    newest: tuple[int, int] | None = None
    for name in wheel_names:
        platforms = name.removesuffix(".whl").split("-")[-1].split(".")
        needs: list[tuple[int, int]] = []
        for platform in platforms:
            if match := re.fullmatch(r"manylinux_(\d+)_(\d+)_x86_64", platform):
                needs.append((int(match[1]), int(match[2])))
            elif match := re.fullmatch(r"(manylinux\w+?)_x86_64", platform):
                needs.extend([GLIBC_OF_LEGACY[match[1]]] if match[1] in GLIBC_OF_LEGACY else [])
        if needs and (newest is None or min(needs) > newest):
            newest = min(needs)
    return newest


def glibc_column(glibc: tuple[int, int] | None) -> str:
    return f" glibc-{glibc[0]}.{glibc[1]}" if glibc else ""


def glibc_note(glibc: tuple[int, int] | None) -> str:
    return f" (glibc {glibc[0]}.{glibc[1]} or later)" if glibc else ""


def git_description() -> str:
    def git(*arguments: str) -> str:
        done = subprocess.run(
            ["git", *arguments], cwd=ROOT, capture_output=True, text=True, check=False
        )
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("log", "-1", "--format=commit %H of %cs")
    if not commit:
        return "a folder that is not a git checkout"
    changed = git("status", "--porcelain", "--untracked-files=no")
    return commit + (", with changes not committed" if changed else "")


def zip_timestamp() -> tuple[int, int, int, int, int, int]:
    """The one date every file in the zip carries (so the same bundle makes the same zip):
    SOURCE_DATE_EPOCH if set, else the commit's date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None:
        done = subprocess.run(
            ["git", "log", "-1", "--format=%ct"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        epoch = done.stdout.strip() or "315532800"
    stamp = time.gmtime(max(int(epoch), 315532800))  # a zip holds no date before 1980
    return stamp.tm_year, stamp.tm_mon, stamp.tm_mday, stamp.tm_hour, stamp.tm_min, stamp.tm_sec


def bundle_files(folder: Path) -> list[Path]:
    return sorted(
        (path for path in folder.rglob("*") if path.is_file()),
        key=lambda path: path.relative_to(folder).as_posix(),
    )


def write_zip(folder: Path, archive: Path) -> None:
    """The folder as a zip, the same bytes for the same files: sorted, one date, fixed
    modes. The wheels, zips themselves, are stored; the rest compressed."""
    stamp = zip_timestamp()
    with zipfile.ZipFile(archive, "w") as output:
        for path in bundle_files(folder):
            name = f"{folder.name}/{path.relative_to(folder).as_posix()}"
            info = zipfile.ZipInfo(name, date_time=stamp)
            mode = 0o755 if path.name in EXECUTABLE else 0o644
            info.external_attr = (0o100000 | mode) << 16
            info.create_system = 3  # unix, so the modes above are read
            info.compress_type = (
                zipfile.ZIP_STORED if path.suffix == ".whl" else zipfile.ZIP_DEFLATED
            )
            output.writestr(info, path.read_bytes())


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


@dataclass(frozen=True)
class Options:
    systems: list[str]
    pythons: list[str]
    out: Path
    python: str
    glibc: int


def parse(arguments: Sequence[str]) -> Options:
    supported = supported_pythons()
    parser = argparse.ArgumentParser(
        prog="scripts/bundle",
        description=(
            "Build the offline installer: a folder and a zip that install planner with no "
            "network. By default for Linux x86_64 and Windows amd64, for Python "
            f"{', '.join(supported)}."
        ),
    )
    parser.add_argument(
        "--platform",
        action="append",
        choices=SYSTEMS,
        dest="systems",
        help="only this platform (may be given twice); default both",
    )
    parser.add_argument(
        "--python",
        action="append",
        choices=supported,
        dest="pythons",
        metavar="X.Y",
        help=f"only this Python version (may be given again); default {', '.join(supported)}",
    )
    parser.add_argument(
        "--glibc",
        default=DEFAULT_GLIBC,
        metavar="2.N",
        help=f"Linux: allow wheels needing glibc up to 2.N (default {DEFAULT_GLIBC})",
    )
    parser.add_argument(
        "--only-current",
        action="store_true",
        help="only this computer's platform and the Python running this script",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "dist" / "offline",
        help="the folder to write the bundle and its zip in (default dist/offline)",
    )
    given = parser.parse_args(arguments)
    glibc = re.fullmatch(r"2\.(\d+)", given.glibc)
    if not glibc or not 17 <= int(glibc[1]) <= 99:
        parser.error(f"--glibc: {given.glibc!r} is not a glibc version from 2.17 on")
    systems: list[str] = given.systems or list(SYSTEMS)
    pythons: list[str] = given.pythons or supported
    if given.only_current:
        here = sysconfig.get_platform()
        if here not in ("linux-x86_64", "win-amd64"):
            parser.error(
                f"--only-current: this computer is {here}; a bundle is for "
                "linux-x86_64 or win-amd64"
            )
        current = f"{sys.version_info[0]}.{sys.version_info[1]}"
        if current not in supported:
            parser.error(f"--only-current: Python {current} is not one planner supports")
        systems, pythons = ["linux" if here == "linux-x86_64" else "windows"], [current]
    return Options(
        systems=list(dict.fromkeys(systems)),
        pythons=sorted(set(pythons), key=lambda version: tuple(map(int, version.split(".")))),
        out=given.out.resolve(),
        python=sys.executable,
        glibc=int(glibc[1]),
    )


def build(options: Options) -> None:
    started = time.monotonic()
    version = planner_version()
    folder = options.out / f"planner-offline-{version}"
    archive = options.out / f"{folder.name}.zip"
    targets = [
        Target(system, python, options.glibc)
        for system in options.systems
        for python in options.pythons
    ]
    say(f"building {folder.name} for {len(targets)} platform and Python pairs")
    shutil.rmtree(folder, ignore_errors=True)
    archive.unlink(missing_ok=True)
    wheels = folder / "wheels"
    wheels.mkdir(parents=True)

    say("reading requirements.lock: the pins planner needs at run time")
    pins = run_time_pins(read_lock(LOCK))
    say(f"{len(pins)} pinned dependencies (the build backend left out)")
    pip_pin = read_pip_pin(INSTALLER / "pip.txt")
    say(f"and pip {pip_pin.version} (installer/pip.txt), which the install scripts run")
    pins.append(pip_pin)

    say("building planner's own wheel from this checkout")
    scratch = options.out / f".{folder.name}-build"
    shutil.rmtree(scratch, ignore_errors=True)
    try:
        planner_wheel = build_planner_wheel(options.python, scratch)
        shutil.move(planner_wheel, wheels / planner_wheel.name)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    planner_wheel = wheels / planner_wheel.name
    say(f"{planner_wheel.name} ({megabytes(planner_wheel.stat().st_size)})")

    say(
        f"downloading the pinned wheels for {len(targets)} platform and Python pairs, "
        f"{DOWNLOADS_AT_ONCE} downloads at a time (pip's cache is used)"
    )
    downloads = options.out / f".{folder.name}-downloads"
    shutil.rmtree(downloads, ignore_errors=True)
    try:
        fetched = download_all(options.python, targets, pins, wheels, downloads)
    finally:
        shutil.rmtree(downloads, ignore_errors=True)

    known = {digest for pin in pins for digest in pin.hashes}
    for wheel in sorted(wheels.iterdir()):
        if wheel != planner_wheel and sha256_of(wheel) not in known:
            raise BundleError(f"{wheel.name}: its hash is not in requirements.lock")
    missing = {target: got.missing for target, got in fetched.items() if got.missing}
    complete = [target for target in targets if target not in missing]
    if not complete:
        raise BundleError("no platform and Python pair has every wheel: nothing to bundle")

    say("writing the install scripts, requirements.txt, targets.txt and BUNDLE.txt")
    for name in INSTALLER_FILES:
        shutil.copyfile(INSTALLER / name, folder / name)
    planner_pin = Pin("planner", version, None, [sha256_of(planner_wheel)])
    requirements = [
        "# Every wheel of this bundle, pinned with its hash: install.sh and install.ps1",
        "# install exactly these, with the package index switched off. Made by scripts/bundle.",
        planner_pin.line(with_marker=False),
        *(pin.line(with_marker=True) for pin in pins),
    ]
    (folder / "requirements.txt").write_text("\n".join(requirements) + "\n", encoding="utf-8")
    needs = {target: glibc_needed(fetched[target].wheels) for target in complete}
    (folder / "targets.txt").write_text(
        "# What this bundle installs on: the platform as Python names it, the Python version\n"
        "# and, on Linux, the oldest glibc its wheels run on. Made by scripts/bundle; the\n"
        "# install scripts read it.\n"
        + "".join(
            f"{target.platform} {target.python}{glibc_column(needs[target])}\n"
            for target in complete
        ),
        encoding="utf-8",
    )
    info = [
        f"planner {version}, offline installer",
        f"Built from {git_description()}.",
        "Installs on:",
        *(f"  {target.label}{glibc_note(needs[target])}" for target in complete),
    ]
    if missing:
        info.append("NOT in this bundle (a pinned package has no wheel there):")
        info += [
            f"  {target.label}: no wheel{target.lacking} of {', '.join(names)}"
            for target, names in missing.items()
        ]
    (folder / "BUNDLE.txt").write_text("\n".join(info) + "\n", encoding="utf-8")

    say("checking that pip installs every target from the bundle alone (a dry run, index off)")
    check_all_installable(options.python, folder, complete)

    say("writing SHA256SUMS: the checksum of every file of the bundle")
    sums = [
        f"{sha256_of(path)}  {path.relative_to(folder).as_posix()}\n"
        for path in bundle_files(folder)
    ]
    (folder / "SHA256SUMS").write_text("".join(sums), encoding="utf-8")

    say(f"writing {archive.name}")
    write_zip(folder, archive)

    wheel_count = sum(1 for _ in wheels.iterdir())
    print()
    print(f"Bundle: {folder}  ({wheel_count} wheels)")
    for line in info[2:]:
        print(line)
    print(f"SHA256SUMS sha256: {sha256_of(folder / 'SHA256SUMS')} (install.sh prints it too)")
    print(f"Zip sha256: {sha256_of(archive)}")
    print(f"Zip: {archive} ({megabytes(archive.stat().st_size)})")
    print(f"Built in {time.monotonic() - started:.0f} s.")


def main(arguments: Sequence[str]) -> int:
    try:
        build(parse(arguments))
    except BundleError as error:
        print(f"scripts/bundle: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
