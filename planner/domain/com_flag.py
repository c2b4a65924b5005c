"""The rule that a person close to release has a community offender manager (COM).

Probation must own the case before release (HMPPS handover policy); without a COM no
handover meeting can be held and nobody receives the handover summary. The template's
``[flags.no_com]`` says when it matters: a warning from `within_days` before release (in
the default template the day the allocation is due, R-84), critical from
`critical_within_days` (the day the handover meeting is due, R-28).

Stage one (:func:`com_missing`, stored with the assessment) reads the record: a COM is
recorded when the person's COM contact has a name, or the allocation item's field holds
one; an allocation item marked not required or declined (the officer recorded why) means
none is expected. Stage two (:func:`no_com_flag`) turns that into a flag for a given day.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from planner.domain.case import Case
from planner.domain.flags import Flag, FlagKind, Severity
from planner.domain.status import ItemStatus
from planner.domain.template import ItemTemplate, Template

NOT_EXPECTED = frozenset({ItemStatus.NOT_REQUIRED, ItemStatus.DECLINED})


def com_missing(
    case: Case, template: Template, applies: Callable[[ItemTemplate, Case], bool]
) -> bool:
    """Whether the template's COM rule finds no COM recorded for this case. `applies` says
    whether an item is part of the plan (`planner.domain.assessment.applies`, passed in
    because that module builds on this one)."""
    rule = template.flags.no_com
    if rule is None or not template.has_item(rule.item):
        return False
    item = template.item(rule.item)
    if not applies(item, case):
        return False
    record = case.checklist.item(item.id)
    if record.status in NOT_EXPECTED:
        return False
    recorded = record.evidence.get(rule.field)
    named = isinstance(recorded, str) and bool(recorded.strip())
    return not (named or case.person.community_offender_manager.name.strip())


def no_com_flag(
    number: str, missing: bool, release: date | None, template: Template, today: date
) -> Flag | None:
    """The flag of a missing COM as of `today`, if release is inside the rule's window."""
    rule = template.flags.no_com
    if not missing or rule is None or release is None or not template.has_item(rule.item):
        return None
    days_left = (release - today).days
    if not 0 <= days_left <= rule.within_days:
        return None
    severity = Severity.CRITICAL if days_left <= rule.critical_within_days else Severity.WARNING
    section = template.item(rule.item).section
    return Flag(number, FlagKind.NO_COM, severity, rule.item, section, release, "", today)
