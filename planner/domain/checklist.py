"""A person's checklist: one record per template item, bound to a template version."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from pydantic import ConfigDict, Field, ValidationInfo, field_validator

from planner.domain.status import ItemStatus
from planner.domain.text import NameText, NotesText, line_text
from planner.domain.validated import ValidatedModel, read_back

# Evidence values as stored: dates are ISO strings, yes/no are booleans, the rest text.
EvidenceValue = str | bool


class ItemRecord(ValidatedModel):
    """What an officer has recorded against one checklist item."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    status: ItemStatus = ItemStatus.NOT_STARTED
    evidence: dict[str, EvidenceValue] = Field(default_factory=dict)
    reason: NotesText = ""
    notes: NotesText = ""
    changed_by: NameText = ""
    changed_at: datetime | None = None
    rev: int = 0

    @field_validator("evidence")
    @classmethod
    def _evidence_text(
        cls, evidence: dict[str, EvidenceValue], info: ValidationInfo
    ) -> dict[str, EvidenceValue]:
        """Evidence text is one line of free text, checked like every other text."""
        if read_back(info):
            return evidence
        for name, value in evidence.items():
            if isinstance(value, str):
                try:
                    line_text(value)
                except ValueError as exc:
                    raise ValueError(f"field {name}: {exc}") from None
        return evidence

    def edited(
        self,
        *,
        status: ItemStatus | None = None,
        evidence: Mapping[str, EvidenceValue | None] | None = None,
        reason: str | None = None,
        notes: str | None = None,
    ) -> ItemRecord:
        """This record with an officer's edit applied: None leaves a part as it is, and
        evidence is merged (a None value clears that field). Who changed it, when, and
        the revision are the store's to set."""
        merged = dict(self.evidence)
        for name, value in (evidence or {}).items():
            if value is None:
                merged.pop(name, None)
            else:
                merged[name] = value
        return self.model_copy(
            update={
                "status": self.status if status is None else status,
                "evidence": merged,
                "reason": self.reason if reason is None else reason,
                "notes": self.notes if notes is None else notes,
            }
        )


class Checklist(ValidatedModel):
    """The items of one person's plan, keyed by template item id."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    template_id: str
    template_version: int
    items: dict[str, ItemRecord] = Field(default_factory=dict)

    def item(self, item_id: str) -> ItemRecord:
        """The record of an item; an item never touched reads as not started."""
        return self.items.get(item_id) or ItemRecord()
