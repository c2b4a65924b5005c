"""The status vocabulary of a checklist item, modelled on HMPPS's resettlement service."""

from __future__ import annotations

from enum import StrEnum


class ItemStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    NOT_REQUIRED = "not_required"
    DECLINED = "declined"
    BLOCKED = "blocked"

    @property
    def resolved(self) -> bool:
        """done, not_required and declined close an item; the others leave it open."""
        return self in RESOLVED

    @property
    def needs_reason(self) -> bool:
        return self in NEEDS_REASON

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


RESOLVED = frozenset({ItemStatus.DONE, ItemStatus.NOT_REQUIRED, ItemStatus.DECLINED})
NEEDS_REASON = frozenset({ItemStatus.NOT_REQUIRED, ItemStatus.DECLINED, ItemStatus.BLOCKED})


def parse_status(raw: str) -> ItemStatus:
    """Accept 'done', 'Not Required', 'not-required'; raise ValueError naming the choices."""
    key = raw.strip().lower().replace("-", "_").replace(" ", "_")
    try:
        return ItemStatus(key)
    except ValueError:
        choices = ", ".join(s.value for s in ItemStatus)
        raise ValueError(f"status {raw!r} is not one of: {choices}") from None
