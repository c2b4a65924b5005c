"""The records the caseload's filters read: all of a file's at once; a server's when
needed, and again only for the cases changed since."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from planner.domain.status import ItemStatus
from planner.domain.template import Template
from planner.server.store import ServerStore
from planner.store.interface import CaseRepository
from planner.store.repository import CaseStore
from planner.tui.stored_records import StoredRecords
from tests.conftest import NOW, make_person


@dataclass(frozen=True)
class Row:
    number: str
    rev: int


def rows_of(store: CaseRepository) -> list[Row]:
    return [Row(s.number, s.rev) for s in store.summaries()]


def two_people(store: CaseRepository, template: Template) -> None:
    store.add(make_person("A1234BC"), template)
    store.add(make_person("B2345CD", surname="Brown"), template)


def practice(record: Mapping[str, Any]) -> object:
    return record["checklist"]["items"]["health.gp"]["evidence"].get("practice")


def test_a_files_records_are_all_at_hand_with_the_rows(
    store: CaseStore, template: Template
) -> None:
    two_people(store, template)
    records = StoredRecords().renewed(store, rows_of(store))
    assert len(records) == 2
    at_hand = records.at_hand(["A1234BC", "B2345CD", "Z9999ZZ"])
    assert at_hand is not None and sorted(at_hand) == ["A1234BC", "B2345CD"]


def test_a_servers_records_are_fetched_when_needed_and_kept_while_unchanged(
    server_url: str, template: Template
) -> None:
    with ServerStore(server_url, officer="Test Officer", clock=lambda: NOW) as store:
        two_people(store, template)
        records = StoredRecords().renewed(store, rows_of(store))
        assert len(records) == 0
        assert records.at_hand(["A1234BC"]) is None  # not here: a worker must fetch it
        assert records.at_hand(["Z9999ZZ"]) == {}  # no such case: nothing to fetch
        assert sorted(records.read(["A1234BC", "B2345CD", "Z9999ZZ"])) == ["A1234BC", "B2345CD"]
        assert len(records) == 2 and records.at_hand(["A1234BC", "B2345CD"]) is not None

        store.save_item("B2345CD", "health.gp", status=ItemStatus.DONE,
                        evidence={"practice": "Riverside Surgery"})  # fmt: skip
        renewed = records.renewed(store, rows_of(store))
        assert len(renewed) == 1  # B2345CD changed: its record goes
        assert renewed.at_hand(["A1234BC"]) is not None
        assert renewed.at_hand(["B2345CD"]) is None
        assert practice(renewed.read(["B2345CD"])["B2345CD"]) == "Riverside Surgery"
