"""Writing the sample caseload, and recognising a database that holds only the sample.

`write_demo` writes the caseload of :func:`planner.demo.caseload.build_demo_caseload`
through the ordinary `CaseRepository` API, so the sample is audited like any other change.
Every change is made by the officer named `DEMO_OFFICER`, which is also what marks a demo
database: a database is a demo database when every case in it was created by "Demo data"
(read from the audit log). `write_demo` refuses a database holding any other case, so
sample people are never mixed into real records.

Every name, number, address and phone number in the sample is invented.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from planner.demo.caseload import (
    DemoCase,
    build_demo_caseload,
)
from planner.demo.released import build_released
from planner.domain.checklist import EvidenceValue
from planner.domain.template import Template
from planner.store.errors import StoreError
from planner.store.interface import CaseRepository

DEMO_OFFICER = "Demo data"


class DemoRefused(StoreError):
    """The database holds real records, or already holds the sample and may not be replaced."""


@dataclass(frozen=True)
class DemoCheck:
    """What a database holds, as far as the demo is concerned."""

    demo: int  # cases created by the demo
    real: list[str]  # prison numbers of cases created by anyone else

    @property
    def empty(self) -> bool:
        return self.demo == 0 and not self.real


def check_database(store: CaseRepository) -> DemoCheck:
    """How many cases the demo created, and which cases anyone else created.

    A case counts as the demo's when the latest audit entry creating it was made by
    DEMO_OFFICER; a case with no creation entry (its history purged) counts as real.
    """
    numbers = store.numbers()
    if not numbers:
        return DemoCheck(0, [])
    created_by: dict[str, str] = {}
    for entry in store.history():
        if entry.field == "case" and entry.new == "created" and entry.case:
            created_by[entry.case] = entry.by
    real = [n for n in numbers if created_by.get(n) != DEMO_OFFICER]
    return DemoCheck(len(numbers) - len(real), real)


def is_demo_database(store: CaseRepository) -> bool:
    """True when the database holds cases and every one was made by the demo."""
    check = check_database(store)
    return check.demo > 0 and not check.real


def write_demo(
    store: CaseRepository,
    template: Template,
    today: date,
    *,
    count: int = 40,
    seed: int = 7,
    replace: bool = False,
    released: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> list[DemoCase]:
    """Write the sample caseload through the store; refuse a database with real records.

    With `released`, that many people released in the last 12 months are written too,
    each with their release-day outcomes and follow-ups (when `template` defines outcome
    measures). Returns the people still in custody.

    The store must act as DEMO_OFFICER (that is what marks the cases as sample ones). A
    database that already holds the sample is replaced only with `replace`.
    """
    if store.officer != DEMO_OFFICER:
        raise ValueError(f"open the store with officer={DEMO_OFFICER!r} to write the demo")
    check = check_database(store)
    if check.real:
        n = len(check.real)
        raise DemoRefused(
            f"{store.path} holds {n} real record{'s' if n != 1 else ''} (not made by "
            "'planner demo'); the sample caseload is never mixed with them: choose another "
            "file with --db"
        )
    if check.demo and not replace:
        raise DemoRefused(
            f"{store.path} already holds the sample caseload; add --force to replace it"
        )
    cases = build_demo_caseload(today, template, count=count, seed=seed)
    if check.demo:
        store.remove(store.numbers())
    store.add_many([c.person for c in cases], template)
    for done, case in enumerate(cases, start=1):
        number = case.person.number
        for item in case.items:
            evidence: dict[str, EvidenceValue | None] = dict(item.evidence)
            store.save_item(
                number,
                item.item_id,
                status=item.status,
                evidence=evidence,
                reason=item.reason or None,
                notes=item.notes or None,
            )
        if case.notes:
            store.update_notes(number, case.notes)
        if progress is not None:
            progress(done, len(cases))
    if released and template.outcomes:
        _write_released(store, template, today, released, seed, {c.person.number for c in cases})
    return cases


def _write_released(
    store: CaseRepository, template: Template, today: date, count: int, seed: int, taken: set[str]
) -> None:
    """The released people in one change, then their outcomes in another (audited as an
    officer's would be, answer by answer)."""
    people = build_released(today, template, count=count, seed=seed, taken=taken)
    store.add_many([r.person for r in people], template)
    store.record_outcomes({r.person.number: r.outcome for r in people}, template)
