"""A demo-scale database file to the server and back: every record identical.

The sample caseload (people at every stage, released people with their outcomes and
follow-ups, each with their audit history) is copied to a real server, copied again
(nothing twice), and one prison's worth and then every case is written back to a new
file: each record is the same by its checksum, and each case's history came along with
its times, officers and change numbers. The same round trip at 20,000 people is timed in
bench/server_bench.py (BENCHMARKS.md).
"""

from __future__ import annotations

from pathlib import Path

from planner.demo.database import DEMO_OFFICER, write_demo
from planner.domain.template import Template
from planner.server.copying import checksum, copy_to_file, copy_to_server
from planner.server.store import ServerStore
from planner.store.repository import CaseStore
from planner.store.transfers import history_elsewhere, section_entries
from tests.conftest import NOW, TODAY

PEOPLE = 50
RELEASED = 15


def test_the_demo_caseload_goes_to_the_server_and_back_with_identical_records(
    server_url: str, tmp_path: Path, template: Template
) -> None:
    source_path = tmp_path / "site.db"
    with CaseStore(source_path, officer=DEMO_OFFICER, clock=lambda: NOW) as site:
        write_demo(site, template, TODAY, count=PEOPLE, released=RELEASED)
    with CaseStore(source_path, read_only=True, auto_backup=False) as source:
        records = source.raw_records()
        histories = {number: source.history(number) for number in records}
        with ServerStore(server_url, officer="Administrator", clock=lambda: NOW) as server:
            report = copy_to_server(source, server, by="Administrator")
            assert report.verified and report.copied == len(records) == PEOPLE + RELEASED
            assert report.audit_entries == sum(len(h) for h in histories.values())
            again = copy_to_server(source, server, by="Administrator")
            assert again.copied == 0 and again.skipped == len(records) and again.verified

            on_server = server.raw_records()
            assert {n: checksum(r) for n, r in on_server.items()} == {
                n: checksum(r) for n, r in records.items()
            }
            for number, history in histories.items():
                copied = server.history(number)
                assert [(e.at, e.by, e.item, e.field, e.old, e.new) for e in copied] == [
                    (e.at, e.by, e.item, e.field, e.old, e.new) for e in history
                ], number
                assert [e.copied_change for e in copied] == [e.seq for e in history]

            back_path = tmp_path / "back.db"
            with CaseStore(back_path, officer="Administrator", clock=lambda: NOW) as back:
                out = copy_to_file(server, back, prison=None, at=NOW, by="Administrator")
                assert out.verified and out.copied == len(records)
                returned = back.raw_records()
                assert {n: checksum(r) for n, r in returned.items()} == {
                    n: checksum(r) for n, r in records.items()
                }
                some = sorted(records)[0]
                (section,) = history_elsewhere(back, some)
                assert len(section_entries(some, section)) == len(histories[some])
