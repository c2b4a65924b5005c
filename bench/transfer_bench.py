"""Transfer file benchmark: build and check one person's transfer file with a full history.

    python bench/transfer_bench.py [--repeat 7] [--edits 3]

Builds a database with one person whose every checklist item was edited --edits times
(status, then evidence, reason or notes: about 200 audit entries), plus their notes, then
measures, median of --repeat, in one process:

* build: read the person, template, history and transfer points at one instant
  (store.transfers.outgoing), make the payload and seal it (scrypt n = 2^15, AES-256-GCM,
  SHA-256), as `planner transfer out` does before writing the file;
* check: open and authenticate the sealed bytes (scrypt again, key check, tag) and parse
  and validate the payload (the record, the template, the history), as `planner transfer
  in` does before its preview;
* baseline: the same payload as a plain JSON dump and load (orjson), no crypto, no checks.

The target is build + check under 0.5 s.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import orjson

from planner.domain.person import Person
from planner.domain.status import ItemStatus
from planner.domain.template import FieldType
from planner.domain.template_loading import TemplateLibrary
from planner.store.repository import CaseStore
from planner.transfer.container import open_sealed, seal
from planner.transfer.payload import build_payload, parse_payload

TARGET_S = 0.5
PASSPHRASE = "amber rocket violin harbour"
NUMBER = "A1234BC"
NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def build_person(path: Path, edits: int) -> int:
    """The person with a full history; returns how many audit entries they have."""
    template = TemplateLibrary().get("england-wales")
    with CaseStore(path, officer="Bench Officer", clock=lambda: NOW, auto_backup=False) as store:
        person = Person(
            number=NUMBER,
            surname="Example",
            forename="Alex",
            date_of_birth=date(1990, 5, 17),
            release_date=date(2026, 12, 16),
            prison="HMP Example",
            location="B-2-014",
        )
        store.add(person, template)
        for round_ in range(edits):
            for item in template.items:
                status = (ItemStatus.IN_PROGRESS, ItemStatus.BLOCKED, ItemStatus.DONE)[round_ % 3]
                evidence: dict[str, str | bool | None] = {}
                for field in item.evidence:
                    if field.type is FieldType.TEXT:
                        evidence[field.name] = f"note {round_}"
                    elif field.type is FieldType.YES_NO:
                        evidence[field.name] = bool(round_ % 2)
                reason = "waiting on a reply" if status is ItemStatus.BLOCKED else None
                store.save_item(
                    NUMBER,
                    item.id,
                    status=status,
                    evidence=evidence or None,
                    reason=reason,
                    notes=f"round {round_}",
                )
            store.update_notes(NUMBER, f"notes after round {round_}")
        return len(store.history(NUMBER))


def median_of(repeat: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--edits", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ.setdefault("PLANNER_CACHE_DIR", str(Path(folder) / "cache"))
        path = Path(folder) / "bench.db"
        entries = build_person(path, args.edits)
        with CaseStore(path, read_only=True) as store:

            def build() -> bytes:
                out = store.transfers.outgoing(NUMBER)
                payload, _point = build_payload(
                    out,
                    transfer_id="bench",
                    at=NOW,
                    by="Bench Officer",
                    from_prison="HMP Example",
                    to_prison="HMP Leeds",
                )
                return seal(payload, PASSPHRASE)

            sealed = build()
            raw, _ = build_payload(
                store.transfers.outgoing(NUMBER),
                transfer_id="bench",
                at=NOW,
                by="Bench Officer",
                from_prison="HMP Example",
                to_prison="HMP Leeds",
            )
            build_s = median_of(args.repeat, build)
            check_s = median_of(args.repeat, lambda: parse_payload(open_sealed(sealed, PASSPHRASE)))
            baseline_s = median_of(
                args.repeat, lambda: orjson.loads(orjson.dumps(orjson.loads(raw)))
            )
    total = build_s + check_s
    print(f"python {sys.version.split()[0]}, {platform.platform()}, {os.cpu_count()} CPUs")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"person: {entries} audit entries, file {len(sealed):,} bytes, payload {len(raw):,}")
    print(f"build (read + payload + seal): {build_s * 1000:.1f} ms (median of {args.repeat})")
    print(f"check (open + authenticate + validate): {check_s * 1000:.1f} ms")
    print(f"baseline (plain JSON dump + load of the payload): {baseline_s * 1000:.2f} ms")
    verdict = "PASS" if total < TARGET_S else "FAIL"
    print(f"build + check: {total * 1000:.1f} ms (target < {TARGET_S * 1000:.0f} ms): {verdict}")
    return 0 if total < TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
