"""The merge rule for a record that comes back from another prison (planner.domain.merge)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from planner.domain.case import Case
from planner.domain.checklist import Checklist, ItemRecord
from planner.domain.merge import (
    NOTES_UNIT,
    PERSON_UNIT,
    Decision,
    Side,
    decide,
    fingerprints,
    item_unit,
    merged_case,
    plan_merge,
)
from planner.domain.person import CaseState
from planner.domain.status import ItemStatus
from tests.conftest import NOW, make_person

IDS = ["id.documents", "bank.account", "health.gp"]


def case(**items: ItemRecord) -> Case:
    return Case(
        person=make_person(),
        checklist=Checklist(
            template_id="england-wales",
            template_version=3,
            items={k.replace("_", "."): v for k, v in items.items()},
        ),
        created_at=NOW,
        updated_at=NOW,
    )


DONE = ItemRecord(status=ItemStatus.DONE, evidence={"bank": "barclays"}, rev=2)
BLOCKED = ItemRecord(status=ItemStatus.BLOCKED, reason="no ID yet", rev=1)


def test_the_rule_for_one_unit() -> None:
    assert decide("b", "x", "x") is Decision.SAME
    assert decide("b", "b", "b") is Decision.SAME
    assert decide("b", "x", "b") is Decision.OURS
    assert decide("b", "b", "y") is Decision.THEIRS
    assert decide("b", "x", "y") is Decision.CONFLICT


fp = st.sampled_from(["a", "b", "c"])


@settings(max_examples=200, deadline=None)
@given(fp, fp, fp)
def test_the_rule_never_loses_a_change_made_on_one_side_only(
    base: str, ours: str, theirs: str
) -> None:
    decision = decide(base, ours, theirs)
    if ours == theirs:
        assert decision is Decision.SAME
    elif ours != base and theirs != base:
        assert decision is Decision.CONFLICT
    else:  # exactly one side changed: the changed side wins
        assert decision is (Decision.OURS if ours != base else Decision.THEIRS)
    # swapping the sides swaps the answer
    swapped = {Decision.OURS: Decision.THEIRS, Decision.THEIRS: Decision.OURS}
    assert decide(base, theirs, ours) is swapped.get(decision, decision)


def test_with_no_agreed_point_the_base_is_the_empty_record() -> None:
    ours = case(bank_account=DONE)
    theirs = case(id_documents=BLOCKED)
    plan = plan_merge(None, ours, theirs, IDS)
    decisions = {u.unit: u.decision for u in plan.units}
    assert decisions[item_unit("bank.account")] is Decision.OURS
    assert decisions[item_unit("id.documents")] is Decision.THEIRS
    assert decisions[item_unit("health.gp")] is Decision.SAME
    assert decisions[PERSON_UNIT] is Decision.SAME  # the same details on both sides
    merged = merged_case(ours, theirs, plan.taken())
    assert merged.checklist.item("bank.account").status is ItemStatus.DONE
    assert merged.checklist.item("id.documents").status is ItemStatus.BLOCKED


def test_the_same_item_changed_on_both_sides_is_a_conflict_until_chosen() -> None:
    ours, theirs = case(bank_account=DONE), case(bank_account=BLOCKED)
    plan = plan_merge(None, ours, theirs, IDS)
    assert [u.item_id for u in plan.conflicts] == ["bank.account"]
    for side, status in ((Side.OURS, ItemStatus.DONE), (Side.THEIRS, ItemStatus.BLOCKED)):
        merged = merged_case(ours, theirs, plan.taken({item_unit("bank.account"): side}))
        assert merged.checklist.item("bank.account").status is status


def test_an_agreed_point_decides_who_changed_an_item() -> None:
    """Both sides agreed on DONE; here it stayed, there it became blocked: take theirs."""
    agreed = case(bank_account=DONE)
    base = fingerprints(agreed, IDS)
    plan = plan_merge(base, case(bank_account=DONE), case(bank_account=BLOCKED), IDS)
    assert {u.unit: u.decision for u in plan.units}[item_unit("bank.account")] is Decision.THEIRS
    assert not plan.conflicts


def test_who_and_when_do_not_make_a_change() -> None:
    """The same content recorded by other officers at other times is the same."""
    there = DONE.model_copy(update={"changed_by": "Sam", "changed_at": NOW, "rev": 9})
    plan = plan_merge(None, case(bank_account=DONE), case(bank_account=there), IDS)
    assert not plan.conflicts
    assert {u.unit: u.decision for u in plan.units}[item_unit("bank.account")] is Decision.SAME


def test_an_item_taken_from_theirs_gets_a_revision_above_both() -> None:
    ours = case(bank_account=ItemRecord(rev=5))
    theirs = case(bank_account=BLOCKED)
    merged = merged_case(ours, theirs, plan_merge(None, ours, theirs, IDS).taken())
    assert merged.checklist.item("bank.account").rev == 6


def test_details_and_notes_merge_as_units_and_state_stays_ours() -> None:
    ours = case().model_copy(update={"notes": "seen by chaplain"})
    moved = make_person(location="H-1-001", state=CaseState.TRANSFERRED, prison="HMP Other")
    theirs = case().model_copy(update={"person": moved})
    plan = plan_merge(None, ours, theirs, IDS)
    decisions = {u.unit: u.decision for u in plan.units}
    # the base of details is "none": both sides have details, and they differ
    assert decisions[PERSON_UNIT] is Decision.CONFLICT
    assert decisions[NOTES_UNIT] is Decision.OURS
    merged = merged_case(ours, theirs, plan.taken({PERSON_UNIT: Side.THEIRS}))
    assert merged.person.location == "H-1-001"
    assert merged.person.state is CaseState.ACTIVE  # the transfer sets it, not the merge
    assert merged.person.prison == "HMP Example"
    assert merged.notes == "seen by chaplain"
