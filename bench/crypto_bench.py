"""What encryption at rest and the daily backup cost, at 20,000 people.

    python bench/crypto_bench.py [--people 20000] [--repeat 5]

Builds the same caseload twice (the documents of bench/core_bench.py, written in one
snapshot through JournalStorage.replace_all), once plain and once encrypted (AES-256-GCM,
scrypt n = 2^17), then measures, median of --repeat, each open in a fresh process:

* unlock: deriving the key from the passphrase and checking it (once per run);
* open: CaseStore(...) + summaries() with the key already derived;
* first open of the day: the same, plus the daily backup (copy, fsync, read back);
* save: one save_item (audit line + journal line, each sealed and fsync'd), warm;
* seal / open of the snapshot body alone, and the file sizes.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

PASSPHRASE = "benchmark passphrase"
NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def write_db(path: Path, docs: Any, encrypt: bool) -> None:
    from core_bench import write_ours

    from planner.store.crypto import AesGcmCodec

    write_ours(path, docs, AesGcmCodec.create(PASSPHRASE) if encrypt else None, NOW)


def child(path: str, mode: str) -> dict[str, Any]:
    from planner.store.crypto import codec_for
    from planner.store.repository import CaseStore
    from planner.store.snapshot import read_snapshot_header

    db = Path(path)
    t0 = time.perf_counter()
    header, _ = read_snapshot_header(db)
    codec = codec_for(header.codec, what=db.name, passphrase=PASSPHRASE)
    unlocked = time.perf_counter()
    if mode == "open":
        store = CaseStore(db, codec=codec, auto_backup=False, clock=lambda: NOW)
        store.summaries()
        opened = time.perf_counter()
        store.close()
        return {"unlock": unlocked - t0, "open": opened - unlocked}
    if mode == "first-open":
        later = NOW + timedelta(days=1)
        store = CaseStore(db, codec=codec, clock=lambda: later)
        store.summaries()
        opened = time.perf_counter()
        assert store.last_backup is not None, store.backup_problem
        store.close()
        shutil.rmtree(db.with_name(db.name + ".backups"))
        return {"first_open": opened - unlocked}
    store = CaseStore(db, codec=codec, auto_backup=False)
    number = sorted(store.numbers())[len(store) // 2]
    saves = []
    for i in range(30):
        t = time.perf_counter()
        store.save_item(number, "work.plan", notes=f"bench {i} {time.time_ns()}")
        saves.append(time.perf_counter() - t)
    store.close()
    return {"save": statistics.median(saves)}


def run_child(path: Path, mode: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(path), mode],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def raw_costs(path: Path) -> dict[str, float]:
    """Seal and open of a snapshot-sized body alone."""
    from planner.store.crypto import AesGcmCodec

    body = path.read_bytes().partition(b"\n")[2]
    codec = AesGcmCodec.create(PASSPHRASE, cost=15)
    t0 = time.perf_counter()
    sealed = codec.seal_blob(body, b"ctx")
    t1 = time.perf_counter()
    codec.open_blob(sealed, b"ctx")
    t2 = time.perf_counter()
    return {"seal": t1 - t0, "open_blob": t2 - t1}


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        print(json.dumps(child(sys.argv[2], sys.argv[3])))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from core_bench import build_docs

    folder = Path(tempfile.mkdtemp(prefix="planner-crypto-bench-"))
    started = time.perf_counter()
    docs = build_docs(args.people)
    print(f"built {args.people} documents in {time.perf_counter() - started:.1f} s")
    results: dict[str, dict[str, list[float]]] = {}
    sizes: dict[str, int] = {}
    for kind in ("plain", "encrypted"):
        path = folder / kind / "planner.db"
        path.parent.mkdir()
        write_db(path, docs, kind == "encrypted")
        sizes[kind] = path.stat().st_size
        runs: dict[str, list[float]] = {}
        for _ in range(args.repeat):
            for mode in ("open", "first-open", "save"):
                for key, value in run_child(path, mode).items():
                    runs.setdefault(key, []).append(value)
        results[kind] = runs
        if kind == "plain":
            raw = raw_costs(path)
    shutil.rmtree(folder)

    def ms(kind: str, key: str) -> str:
        return f"{statistics.median(results[kind][key]) * 1000:.0f} ms"

    print(f"\n{args.people:,} people, median of {args.repeat}\n")
    print("| measure | plain | encrypted |")
    print("|---|---|---|")
    print(f"| snapshot size | {sizes['plain'] / 1e6:.1f} MB | {sizes['encrypted'] / 1e6:.1f} MB |")
    print(f"| unlock (scrypt n=2^17, once per run) | - | {ms('encrypted', 'unlock')} |")
    print(f"| open + summaries (key ready) | {ms('plain', 'open')} | {ms('encrypted', 'open')} |")
    print(
        f"| first open of the day (with the backup) | {ms('plain', 'first_open')} | "
        f"{ms('encrypted', 'first_open')} |"
    )
    save = f"{ms('plain', 'save')} | {ms('encrypted', 'save')}"
    print(f"| save_item (audit + journal, fsync'd) | {save} |")
    print(
        f"| AES-GCM seal / open of the {sizes['plain'] / 1e6:.0f} MB body alone | - | "
        f"{raw['seal'] * 1000:.0f} ms / {raw['open_blob'] * 1000:.0f} ms |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
