"""One officer's edit of one checklist item, as every store makes it.

The file store and the server store lock and commit in their own ways; what the edit is
(the template's checks, the stale-view check, who and when, the revisions) is here once.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from planner.domain.case import Case
from planner.domain.checklist import EvidenceValue
from planner.domain.evidence import check_evidence
from planner.domain.status import ItemStatus
from planner.domain.template import Template
from planner.store.errors import StaleEdit, StoreError


def edited_case(
    old: Case,
    template: Template,
    item_id: str,
    *,
    status: ItemStatus | None,
    evidence: Mapping[str, EvidenceValue | None] | None,
    reason: str | None,
    notes: str | None,
    expected_rev: int | None,
    officer: str,
    at: datetime,
) -> Case | None:
    """The case with the item edited, or None when the edit changes nothing.

    Raises StoreError for an item the template does not have, InvalidInput for evidence
    it does not define, and StaleEdit when the item's revision is no longer
    `expected_rev` (someone saved it since the officer opened it)."""
    number = old.number
    if not template.has_item(item_id):
        raise StoreError(f"{item_id} is not an item of template {template.key}")
    check_evidence(template.item(item_id), evidence or {})
    current = old.checklist.item(item_id)
    updated = current.edited(status=status, evidence=evidence, reason=reason, notes=notes)
    if expected_rev is not None and current.rev != expected_rev:
        raise StaleEdit(
            f"{item_id} for {number} was changed by {current.changed_by or 'someone else'} "
            "since you opened it",
            current=current,
            attempted=updated,
            number=number,
            item=item_id,
        )
    if updated == current:
        return None
    updated = updated.model_copy(
        update={"changed_by": officer, "changed_at": at, "rev": current.rev + 1}
    )
    items = {**old.checklist.items, item_id: updated}
    return old.model_copy(
        update={
            "checklist": old.checklist.model_copy(update={"items": items}),
            "updated_at": at,
            "rev": old.rev + 1,
        }
    )
