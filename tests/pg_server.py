"""A throwaway PostgreSQL server for the team-mode tests and benchmarks.

Found from the machine's own packages (/usr/lib/postgresql/*/bin, or on PATH), installed
with ``apt-get install -y postgresql`` when missing and the tests run as root with apt at
hand, then made with initdb in a temporary folder and started with pg_ctl, listening on a
Unix socket only (``listen_addresses=''``). As root, initdb and the server run as the
``postgres`` user (initdb refuses root). Nothing is left behind: `stop` removes the folder.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

SKIP_VARIABLE = "PLANNER_SKIP_SERVER_TESTS"
SUPERUSER = "postgres"


class ServerUnavailable(Exception):
    """PostgreSQL cannot be found, installed or started here; the message says why."""


def _find_bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if found:
        return Path(found[0]).parent
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).resolve().parent
    return None


def _install() -> None:
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise ServerUnavailable(
            "PostgreSQL's server binaries (initdb, pg_ctl) are not installed and cannot be "
            "installed here (needs root and apt-get): install the 'postgresql' package, or "
            f"set {SKIP_VARIABLE}=1 to skip the server tests"
        )
    print("planner tests: installing PostgreSQL with apt-get (not found)", file=sys.stderr)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    update = subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True, check=False)
    install = subprocess.run(
        ["apt-get", "install", "-y", "-q", "postgresql"], env=env, capture_output=True, check=False
    )
    if install.returncode != 0:
        raise ServerUnavailable(
            "apt-get install postgresql failed: "
            + (install.stderr or update.stderr or b"").decode(errors="replace").strip()[-200:]
        )


def binaries() -> Path:
    """The folder of initdb and pg_ctl, installing PostgreSQL first when it is missing."""
    found = _find_bin_dir()
    if found is None:
        _install()
        found = _find_bin_dir()
    if found is None:
        raise ServerUnavailable("PostgreSQL was installed but initdb is still not found")
    return found


@dataclass
class ThrowawayServer:
    """A running throwaway server; `url` reaches its `planner` database as the superuser."""

    folder: Path
    bin_dir: Path
    port: int
    as_user: str | None

    @property
    def socket_dir(self) -> Path:
        return self.folder / "pg"

    def url(self, database: str = "planner", user: str = SUPERUSER) -> str:
        return f"postgresql://{user}@/{database}?host={self.socket_dir}&port={self.port}"

    def _run(self, *args: str) -> subprocess.CompletedProcess[bytes]:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if self.as_user is not None:
            command = ["runuser", "-u", self.as_user, "--", *command]
        return subprocess.run(command, capture_output=True, check=False)

    def create_database(self, name: str) -> str:
        done = self._run(
            "createdb", "-h", str(self.socket_dir), "-p", str(self.port), "-U", SUPERUSER, name
        )
        if done.returncode != 0:
            raise ServerUnavailable(f"createdb {name} failed: {done.stderr.decode().strip()}")
        return self.url(name)

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.socket_dir / "data"), "-m", "immediate", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


def start_server(port: int = 55432) -> ThrowawayServer:
    """Make and start a server in a new temporary folder (about two seconds)."""
    bin_dir = binaries()
    as_user: str | None = None
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam(SUPERUSER)
        except KeyError:
            raise ServerUnavailable(
                "running as root, and there is no 'postgres' user to run the server as"
            ) from None
        as_user = SUPERUSER
    folder = Path(tempfile.mkdtemp(prefix="planner-pg-"))
    folder.chmod(0o755)
    sockets = folder / "pg"
    sockets.mkdir()
    if as_user is not None:
        os.chown(sockets, owner.pw_uid, owner.pw_gid)
    server = ThrowawayServer(folder, bin_dir, port, as_user)
    made = server._run(
        "initdb", "-D", str(sockets / "data"), "-A", "trust", "-U", SUPERUSER,
        "-E", "UTF8", "--locale=C.UTF-8", "--no-sync",
    )  # fmt: skip
    if made.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        raise ServerUnavailable(f"initdb failed: {made.stderr.decode().strip()[-300:]}")
    options = f"-k {sockets} -p {port} -c listen_addresses='' -c max_connections=60"
    started = server._run(
        "pg_ctl", "-D", str(sockets / "data"), "-o", options, "-l", str(sockets / "log"), "-w",
        "start",
    )  # fmt: skip
    if started.returncode != 0:
        log = (
            (sockets / "log").read_text(errors="replace")[-300:]
            if (sockets / "log").exists()
            else ""
        )
        shutil.rmtree(folder, ignore_errors=True)
        raise ServerUnavailable(f"the test server did not start: {log.strip()}")
    return server


def worker_port() -> int:
    """A port number (the socket file's name) of this xdist worker's own: gw0 55432, gw1 55433."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    digits = "".join(ch for ch in worker if ch.isdigit()) or "0"
    return 55432 + int(digits)
