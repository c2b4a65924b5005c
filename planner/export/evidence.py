"""Evidence as probation reads it, and what a redacted summary leaves out.

Redaction leaves out special category and health detail: every field a template marks
`sensitive`, everything in the health section, and free-text notes (the callers drop sex,
ethnicity and notes themselves).
"""

from __future__ import annotations

from planner.domain.assessment import missing_evidence, not_met_outcomes
from planner.domain.checklist import EvidenceValue, ItemRecord
from planner.domain.evidence_text import shown_value
from planner.domain.status import ItemStatus
from planner.domain.template import EvidenceField, ItemTemplate
from planner.export.model import Evidence

# Sections whose whole content is health detail.
HEALTH_SECTIONS = frozenset({"health"})
# Circumstances that are health detail; the others (veteran, dependants...) stay.
HEALTH_CIRCUMSTANCES = frozenset({"on_medication", "substance_misuse", "mental_health"})

REDACTION_NOTICE = (
    "REDACTED SUMMARY: sex, ethnicity, religion, sentence length, health and substance "
    "misuse detail, and free-text notes are left out. Ask the prison for the full summary "
    "if you need them."
)
REDACTED_HEALTH = "Left out of this redacted summary (health detail)."


def is_redacted(item: ItemTemplate, field: EvidenceField | None, redact: bool) -> bool:
    """Whether a redacted summary leaves out this field of the item (with None: the item)."""
    if not redact:
        return False
    if item.section in HEALTH_SECTIONS:
        return True
    return field is not None and field.sensitive


def evidence_of(item: ItemTemplate, record: ItemRecord, redact: bool) -> list[Evidence]:
    """What is recorded against an item, in the template's order.

    Values under names the template no longer has (an older version's fields) follow,
    labelled by name, so nothing recorded goes missing; a redacted summary leaves them out,
    as nobody can say whether they are sensitive.
    """
    entries: list[Evidence] = []
    for field in item.evidence:
        value = record.evidence.get(field.name)
        if _blank(value) or is_redacted(item, field, redact):
            continue
        assert value is not None
        entries.append(_entry(field.name, field.label, shown_value(field, value), value))
    if redact:
        return entries
    known = {f.name for f in item.evidence}
    for name, value in record.evidence.items():
        if name not in known and not _blank(value):
            entries.append(_entry(name, name, shown_value(None, value), value))
    return entries


def _entry(name: str, label: str, shown: str, raw: EvidenceValue) -> Evidence:
    return Evidence(field=name, label=label, value=shown, raw=raw)


def _blank(value: EvidenceValue | None) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def not_counted(item: ItemTemplate, record: ItemRecord) -> str | None:
    """Why a `done` item does not count as resolved, in words; None when it does."""
    if record.status is not ItemStatus.DONE:
        return None
    outcomes = []
    for name, value in not_met_outcomes(item, record):
        field = item.field(name)
        if field is not None:
            outcomes.append(f"{field.label}: {field.choice_label(value)}")
    if outcomes:
        return f"the need is not met ({'; '.join(outcomes)})"
    missing = [
        f.missing_label for f in item.required_fields if f.name in missing_evidence(item, record)
    ]
    if not missing:
        return None
    verb = "is" if len(missing) == 1 else "are"
    return f"{_words(missing)} {verb} not recorded"


def _words(labels: list[str]) -> str:
    """'Bank', 'Bank and outcome', 'Jobcentre, appointment date and appointment time'."""
    words = [labels[0], *(label.lower() for label in labels[1:])]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"
