"""Fixed caseloads for the report tests: people with equality fields, release outcomes and
checklist items resolved, written through the real store."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, timedelta
from itertools import count

from planner.domain.assessment import applies
from planner.domain.person import CaseState, Circumstances
from planner.domain.release_outcome import record_outcome
from planner.domain.status import ItemStatus
from planner.domain.template import Template
from planner.store.repository import CaseStore
from tests.conftest import TODAY, make_person

_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
NO_NEEDS = Circumstances()


def numbers() -> Iterator[str]:
    """Prison numbers A1000AA, A1001AA, ... (never a real person's: tests only)."""
    for n in count(1000):
        yield f"{_LETTERS[n // 10000 % 24]}{n % 10000:04d}{_LETTERS[n // 240000 % 24]}A"


def add_released(
    store: CaseStore,
    template: Template,
    number: str,
    *,
    released_on: date,
    answers: Mapping[str, str] = {},
    follow_ups: Mapping[str, str] = {},
    circumstances: Circumstances = NO_NEEDS,
    **person: object,
) -> None:
    """A person released on `released_on` with these answers (the rest unknown)."""
    someone = make_person(number, release=released_on, circumstances=circumstances, **person)
    store.add(someone, template)
    outcome = record_outcome(
        template,
        someone,
        released_on=released_on,
        answers=answers,
        follow_ups=follow_ups,
        follow_up_on=TODAY if follow_ups else None,
        today=TODAY,
        by="Test Officer",
    )
    store.record_outcome(number, outcome, template)


def add_due(
    store: CaseStore,
    template: Template,
    number: str,
    *,
    release: date = TODAY + timedelta(days=30),
    resolve: tuple[str, ...] = (),
    everything: bool = False,
    state: CaseState = CaseState.ACTIVE,
    **person: object,
) -> None:
    """An active person due out on `release`, with the items of the sections `resolve`
    (or of every section) marked not required, with a reason."""
    store.add(make_person(number, release=release, state=state, **person), template)
    case = store.get(number)
    for item in template.items:
        if (everything or item.section in resolve) and applies(item, case):
            store.save_item(
                number, item.id, status=ItemStatus.NOT_REQUIRED, reason="Arranged elsewhere"
            )
