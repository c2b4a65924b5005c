"""Who the community offender manager is, as every export tells it.

The person's COM contact is what officers record; an older plan may have the name and
probation delivery unit only on the allocation item (handover.com_allocated), so those
fill in what the contact leaves blank.
"""

from __future__ import annotations

from planner.domain.case import Case

COM_ITEM = "handover.com_allocated"


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def com_name_and_unit(case: Case) -> tuple[str, str]:
    """The COM's name and probation delivery unit ("" for what nobody recorded)."""
    com = case.person.community_offender_manager
    allocated = case.checklist.item(COM_ITEM).evidence
    name = com.name.strip() or _text(allocated.get("com_name"))
    unit = com.unit.strip() or _text(allocated.get("pdu"))
    return name, unit
