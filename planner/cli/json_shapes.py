"""The JSON shapes of `--json` output, in one place so they stay stable (see README)."""

from __future__ import annotations

from datetime import date
from typing import Any

from planner.domain.assessment import applies, due_date
from planner.domain.case import Case
from planner.domain.gaps import (
    Evaluation,
    Flag,
    Severity,
    days_to_release,
)
from planner.domain.history import AuditRecord, what
from planner.domain.release_outcome import follow_ups_due
from planner.domain.template import Template
from planner.store.summary import CaseSummary


def item_rows(template: Any, case: Case, evaluation: Evaluation) -> list[dict[str, Any]]:
    items = []
    for item in template.items:
        record = case.checklist.item(item.id)
        items.append(
            {
                "id": item.id,
                "section": item.section,
                "title": item.title,
                "applies": applies(item, case),
                "status": record.status.value,
                "due": iso(due_date(item, case.person.release_date, case.created_at.date())),
                "evidence": record.evidence,
                "reason": record.reason,
                "notes": record.notes,
                "changed_by": record.changed_by,
                "changed_at": record.changed_at.isoformat() if record.changed_at else None,
                "rev": record.rev,
            }
        )
    return items


def iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def flag_json(flag: Flag) -> dict[str, Any]:
    return {
        "number": flag.number,
        "kind": flag.kind.value,
        "severity": flag.severity.value,
        "item": flag.item_id,
        "section": flag.section,
        "due": iso(flag.due),
        "reason": flag.reason,
    }


def case_json(
    case: Case,
    evaluation: Evaluation,
    items: list[dict[str, Any]],
    measures: Template | None = None,
) -> dict[str, Any]:
    outcome = case.outcome
    due = follow_ups_due(case, measures, evaluation.today) if measures is not None else []
    return {
        "today": evaluation.today.isoformat(),
        "person": case.person.model_dump(mode="json"),
        "template": f"{case.checklist.template_id}@{case.checklist.template_version}",
        "rev": case.rev,
        "days_to_release": evaluation.days_to_release,
        "readiness": round(evaluation.readiness, 4),
        "sections": [
            {
                "id": s.section,
                "title": s.title,
                "applicable": s.applicable,
                "resolved": s.resolved,
                "status": s.label,
            }
            for s in evaluation.sections
        ],
        "items": items,
        "flags": [flag_json(f) for f in evaluation.flags],
        "outcome": None if outcome is None else outcome.model_dump(mode="json"),
        "follow_ups_due": [
            {"measure": d.measure.id, "label": d.measure.label, "due": d.due.isoformat()}
            for d in due
        ],
    }


def flag_counts(flags: list[Flag]) -> dict[str, int]:
    counts = {s.value: 0 for s in Severity}
    for flag in flags:
        counts[flag.severity.value] += 1
    return counts


def summary_json(s: CaseSummary, flags: list[Flag], today: date) -> dict[str, Any]:
    return {
        "number": s.number,
        "surname": s.surname,
        "forename": s.forename,
        "prison": s.prison,
        "location": s.location,
        "release_date": s.release_date.isoformat() if s.release_date else None,
        "release_weekday": f"{s.release_date:%A}" if s.release_date else None,
        "release_kind": s.release_kind,
        "days_to_release": days_to_release(s.assessment, today),
        "readiness": round(s.assessment.readiness, 4),
        "state": s.state,
        "flags": flag_counts(flags),
        "most_urgent": flags[0].reason if flags else None,
    }


def history_json(
    number: str, entries: list[Any], template: Template | None, measures: Template | None = None
) -> dict[str, Any]:
    """Oldest change first, as recorded; `what` is the field as the history screen names it."""
    records: list[AuditRecord] = entries
    return {
        "number": number,
        "entries": [
            {
                "change": e.seq,
                "at": e.at.isoformat(),
                "by": e.by,
                "item": e.item,
                "field": e.field,
                "what": what(e, template, measures),
                "old": e.old,
                "new": e.new,
                **({"copied_change": e.copied_change} if e.copied_change is not None else {}),
            }
            for e in records
        ],
    }
