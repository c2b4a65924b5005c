"""The audit entries that describe how one case became another."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from planner.domain.case import Case
from planner.domain.checklist import ItemRecord
from planner.domain.release_outcome import ReleaseOutcome

_ITEM_FIELDS = ("status", "reason", "notes")
# Person fields that are contacts: recorded part by part ("person.community_offender_manager
# .email"), so the history says which detail changed, from what to what.
_CONTACT_FIELDS = frozenset({"prison_offender_manager", "community_offender_manager"})


def case_changes(old: Case | None, new: Case | None) -> list[dict[str, Any]]:
    """One entry per changed field: person details (a contact's each part), case notes,
    the assigned officer, item status and evidence."""
    number = (new or old).number if (new or old) else None  # type: ignore[union-attr]
    entries: list[dict[str, Any]] = []

    def add(item: str | None, field: str, before: Any, after: Any) -> None:
        if before != after:
            entries.append(
                {"case": number, "item": item, "field": field, "old": before, "new": after}
            )

    if old is None and new is not None:
        add(None, "case", None, "created")
    if new is None and old is not None:
        add(None, "case", "present", "removed")
        return entries
    assert new is not None
    before_person = old.person.model_dump(mode="json") if old else {}
    after_person = new.person.model_dump(mode="json")
    for name, value in after_person.items():
        earlier = before_person.get(name)
        if name in _CONTACT_FIELDS and isinstance(value, dict):
            was: dict[str, Any] = earlier if isinstance(earlier, dict) else {}
            for part in [*value, *(k for k in was if k not in value)]:  # the model's order
                add(None, f"person.{name}.{part}", was.get(part) or "", value.get(part) or "")
        else:
            add(None, f"person.{name}", earlier, value)
    _outcome_changes(old.outcome if old else None, new.outcome, add)
    add(None, "notes", old.notes if old else "", new.notes)
    add(None, "assigned_to", old.assigned_to if old else "", new.assigned_to)
    old_items = old.checklist.items if old else {}
    for item_id in sorted(set(old_items) | set(new.checklist.items)):
        before = old_items.get(item_id) or ItemRecord()
        after = new.checklist.item(item_id)
        for name in _ITEM_FIELDS:
            add(item_id, name, str(getattr(before, name)), str(getattr(after, name)))
        for key in sorted(set(before.evidence) | set(after.evidence)):
            add(item_id, f"evidence.{key}", before.evidence.get(key), after.evidence.get(key))
    if old is None:
        entries = [e for e in entries if e["new"] not in (None, "", False) or e["field"] == "case"]
    return entries


def _outcome_changes(
    old: ReleaseOutcome | None,
    new: ReleaseOutcome | None,
    add: Callable[[str | None, str, Any, Any], None],
) -> None:
    """The release day and each answer, release-day or follow-up, as its own field
    ("outcome.released_on", "outcome.first_night"): the history says which changed."""
    if old is None and new is None:
        return
    add(
        None,
        "outcome.released_on",
        old.released_on.isoformat() if old else None,
        new.released_on.isoformat() if new else None,
    )
    before = {**(old.answers if old else {})}
    before.update({k: v.answer for k, v in (old.follow_ups if old else {}).items()})
    after = {**(new.answers if new else {})}
    after.update({k: v.answer for k, v in (new.follow_ups if new else {}).items()})
    for measure_id in [*after, *(k for k in before if k not in after)]:
        add(None, f"outcome.{measure_id}", before.get(measure_id), after.get(measure_id))
    was = old.follow_ups if old else {}
    now = new.follow_ups if new else {}
    for measure_id in [*now, *(k for k in was if k not in now)]:
        day_before, day_after = was.get(measure_id), now.get(measure_id)
        add(
            None,
            f"outcome.{measure_id}.recorded_on",
            day_before.recorded_on.isoformat() if day_before else None,
            day_after.recorded_on.isoformat() if day_after else None,
        )
