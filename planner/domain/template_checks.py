"""What a template means, checked as a whole, each finding placed where it belongs.

The models in :mod:`planner.domain.template` check each value on its own (its type, its
range, its shape). This module checks what only the whole template can tell:

* every section and item id is listed once, and every item's section exists;
* every condition names an item that exists, one of its evidence fields, and that field
  is a choice whose choices include every value the condition lists (a yes/no, date or
  text field cannot be tested: its values are not a fixed list);
* no item's applicability depends on itself, directly or through other items' conditions
  (such an item can never be decided);
* an item's recommended day is not after its deadline, and an escalation (a later, harder
  deadline) does not come before it;
* a choice field does not mark every one of its choices `not_met` (the item could never
  be met);
* the no-fixed-abode and address-not-booked flags name a choice field and its choices, and
  the address-not-booked flag a booking item that exists;
* every outcome measure id is listed once, its answers once each (never "unknown", which
  every measure has), its `yes` and `excluded` answers are among them and apart, and at
  least one answer is a "no" (or the rate could only ever be 100%).

Each `Finding` carries the location in the template's data (``("items", 3, "applies",
"in")``), so a problem can be shown with its line of the file. `findings_in_parts` checks
the sections and items that validate in a file where others do not, so one reading of a
file can list both kinds of problem.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeVar

from pydantic import ValidationError

from planner.domain.outcome_measures import UNKNOWN, OutcomeMeasure
from planner.domain.template import (
    AllOf,
    AnyOf,
    Condition,
    EvidenceField,
    EvidenceIn,
    FieldType,
    FlagSettings,
    ItemTemplate,
    Section,
    Template,
)
from planner.domain.template_cycles import is_cycle, shortest_cycle, strongly_connected
from planner.domain.toml_index import Loc

__all__ = ["Finding", "TemplateMeaningError", "findings_in_parts", "template_findings"]


@dataclass(frozen=True)
class Finding:
    """One thing a template gets wrong, where in its data, and what (or whom) it is about."""

    loc: Loc
    message: str
    subject: str = ""  # e.g. "item 'a.two'"; the location already says it

    def __str__(self) -> str:
        return f"{self.subject}: {self.message}" if self.subject else self.message


class TemplateMeaningError(ValueError):
    """Raised by the template model; pydantic keeps it, findings and all, in its error."""

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        super().__init__("; ".join(str(f) for f in findings))


@dataclass(frozen=True)
class _Parts:
    """The sections and items to check, each with its index in the file.

    For a whole template these are all of them. For a file with values that do not
    validate, they are the sections and items that do, plus the ids of those that do not,
    so that a reference to one of those is not reported as unknown.
    """

    sections: list[tuple[int, Section]]
    items: list[tuple[int, ItemTemplate]]
    flags: FlagSettings | None
    section_ids: frozenset[str] | None  # every section id the file gives; None: no list
    unread_items: frozenset[str] = frozenset()  # ids of items that did not validate
    outcomes: tuple[tuple[int, OutcomeMeasure], ...] = ()

    @classmethod
    def of(cls, template: Template) -> _Parts:
        return cls(
            list(enumerate(template.sections)),
            list(enumerate(template.items)),
            template.flags,
            frozenset(s.id for s in template.sections),
            outcomes=tuple(enumerate(template.outcomes)),
        )

    @cached_property
    def first_items(self) -> dict[str, tuple[int, ItemTemplate]]:
        """Each item id with the first item that has it, and where that item is."""
        first: dict[str, tuple[int, ItemTemplate]] = {}
        for index, item in self.items:
            first.setdefault(item.id, (index, item))
        return first


def template_findings(template: Template) -> list[Finding]:
    """Everything the template gets wrong as a whole."""
    return _check(_Parts.of(template))


def findings_in_parts(data: Mapping[str, Any]) -> list[Finding]:
    """What the sections and items of a template file that validate get wrong as a whole.

    For a file whose values do not all validate, so that one reading reports both a value
    of the wrong type and, say, a condition naming a choice that does not exist.
    """
    items = _valid(ItemTemplate, data.get("items"))
    sections = data.get("sections")
    try:
        flags: FlagSettings | None = FlagSettings.model_validate(data.get("flags", {}))
    except (ValidationError, RecursionError):
        flags = None
    read = {index for index, _ in items}
    parts = _Parts(
        _valid(Section, sections),
        items,
        flags,
        frozenset(_raw_ids(sections)) if isinstance(sections, list) else None,
        frozenset(_raw_ids(data.get("items"), skip=read)),
        tuple(_valid(OutcomeMeasure, data.get("outcomes"))),
    )
    return _check(parts)


_Part = TypeVar("_Part", Section, ItemTemplate, OutcomeMeasure)


def _valid(model: type[_Part], entries: object) -> list[tuple[int, _Part]]:
    if not isinstance(entries, list):
        return []
    valid: list[tuple[int, _Part]] = []
    for index, entry in enumerate(entries):
        try:
            valid.append((index, model.model_validate(entry)))
        except (ValidationError, RecursionError):
            continue
    return valid


def _raw_ids(entries: object, skip: set[int] | None = None) -> list[str]:
    if not isinstance(entries, list):
        return []
    return [
        entry["id"]
        for index, entry in enumerate(entries)
        if isinstance(entry, dict)
        and isinstance(entry.get("id"), str)
        and index not in (skip or set())
    ]


def _check(parts: _Parts) -> list[Finding]:
    return [
        *_repeated_ids(parts),
        *_sections_and_days(parts),
        *_conditions(parts),
        *_cycles(parts),
        *_not_met(parts),
        *_no_fixed_abode(parts),
        *_no_com(parts),
        *_address_not_booked(parts),
        *_outcomes(parts),
    ]


def _repeated_ids(parts: _Parts) -> Iterator[Finding]:
    seen: set[str] = set()
    for index, section in parts.sections:
        if section.id in seen:
            yield Finding(("sections", index, "id"), f"section {section.id!r} is listed twice")
        seen.add(section.id)
    seen = set()
    for index, item in parts.items:
        if item.id in seen:
            yield Finding(("items", index, "id"), f"item {item.id!r} is listed twice")
        seen.add(item.id)


def _sections_and_days(parts: _Parts) -> Iterator[Finding]:
    for index, item in parts.items:
        about = f"item {item.id!r}"
        if parts.section_ids is not None and item.section not in parts.section_ids:
            yield Finding(
                ("items", index, "section"), f"section {item.section!r} is not defined", about
            )
        due = item.due_days_before_release
        aim = item.recommended_days_before_release
        if aim is not None and aim < due:
            yield Finding(
                ("items", index, "recommended_days_before_release"),
                f"the recommended day ({aim} days before release) is after the deadline "
                f"({due} days before release); recommend {due} or more days",
                about,
            )
        esc = item.escalation
        if esc is not None and esc.days_before_release > due:
            yield Finding(
                ("items", index, "escalation", "days_before_release"),
                f"the escalation ({esc.days_before_release} days before release) comes before "
                f"the deadline ({due} days before release); an escalation is a later, harder "
                f"deadline: {due} days or fewer",
                about,
            )


def _walk(cond: Condition | None, loc: Loc) -> Iterator[tuple[EvidenceIn, Loc]]:
    """Every evidence condition inside `cond`, with its location."""
    if isinstance(cond, EvidenceIn):
        yield cond, loc
    elif isinstance(cond, AllOf):
        for n, sub in enumerate(cond.all):
            yield from _walk(sub, (*loc, "all", n))
    elif isinstance(cond, AnyOf):
        for n, sub in enumerate(cond.any):
            yield from _walk(sub, (*loc, "any", n))


def _conditions(parts: _Parts) -> Iterator[Finding]:
    for index, item in parts.items:
        about = f"item {item.id!r}"
        for cond, loc in _walk(item.applies, ("items", index, "applies")):
            found = parts.first_items.get(cond.item)
            if found is None:
                if cond.item not in parts.unread_items:
                    yield Finding(
                        (*loc, "item"), f"condition names unknown item {cond.item!r}", about
                    )
                continue
            field = found[1].field(cond.field)
            if field is None:
                yield Finding(
                    (*loc, "field"),
                    f"condition names unknown field {cond.field!r} of {cond.item!r}",
                    about,
                )
                continue
            problem = _choice_problem(field, cond.values or cond.not_values, cond.item)
            if problem is not None:
                key = "in" if cond.values else "not_in"
                where = key if field.type is FieldType.CHOICE else "field"
                yield Finding((*loc, where), f"condition {problem}", about)


def _choice_problem(field: EvidenceField, values: tuple[str, ...], item_id: str) -> str | None:
    """Why `values` cannot be tested against `field`, or None when they can."""
    where = f"{item_id}.{field.name}"
    if field.type is not FieldType.CHOICE:
        return (
            f"tests {where}, a {field.type.value} field; a condition can only test a choice "
            "field, whose values are a fixed list"
        )
    choices = [c.value for c in field.choices]
    unknown = [v for v in values if v not in choices]
    if not unknown:
        return None
    listed = ", ".join(repr(v) for v in unknown)
    plural = "s" if len(unknown) > 1 else ""
    return f"names {listed}, not choice{plural} of {where} (its choices: {', '.join(choices)})"


def _cycles(parts: _Parts) -> Iterator[Finding]:
    """One finding for each group of items whose conditions depend on each other."""
    index_of = {item_id: index for item_id, (index, _) in parts.first_items.items()}
    # item id -> the items its condition reads, each with where the condition names it
    edges: dict[str, dict[str, Loc]] = {}
    for item_id, (index, item) in parts.first_items.items():
        targets: dict[str, Loc] = {}
        for cond, loc in _walk(item.applies, ("items", index, "applies")):
            if cond.item in index_of:
                targets.setdefault(cond.item, (*loc, "item"))
        edges[item_id] = targets
    for group in strongly_connected(edges):
        if not is_cycle(group, edges):
            continue
        start = min(group, key=lambda i: index_of[i])
        path = shortest_cycle(start, group, edges)
        if len(path) == 2:
            message = (
                "condition tests this item's own evidence, so whether it applies depends on "
                "itself; test another item's evidence"
            )
        else:
            message = (
                f"condition depends on itself through {' -> '.join(path)}; whether an item "
                "applies cannot depend on itself"
            )
        yield Finding(edges[start][path[1]], message, f"item {start!r}")


def _no_com(parts: _Parts) -> Iterator[Finding]:
    """The COM rule names an item and an evidence field that exist."""
    rule = parts.flags.no_com if parts.flags is not None else None
    if rule is None:
        return
    loc: Loc = ("flags", "no_com")
    found = parts.first_items.get(rule.item)
    if found is None:
        if rule.item not in parts.unread_items:
            yield Finding((*loc, "item"), f"names unknown item {rule.item!r}", "flags.no_com")
    elif found[1].field(rule.field) is None:
        message = f"names unknown field {rule.field!r} of {rule.item!r}"
        yield Finding((*loc, "field"), message, "flags.no_com")


def _not_met(parts: _Parts) -> Iterator[Finding]:
    """A field whose every choice means "not met" would leave its item never met."""
    for index, item in parts.items:
        for n, field in enumerate(item.evidence):
            if field.choices and all(c.not_met for c in field.choices):
                yield Finding(
                    ("items", index, "evidence", n, "choices"),
                    f"every choice of {field.name!r} is marked not_met, so the item could "
                    "never be met; mark only the outcomes that say the need is not met",
                    f"item {item.id!r}",
                )


def _no_fixed_abode(parts: _Parts) -> Iterator[Finding]:
    rule = parts.flags.no_fixed_abode if parts.flags is not None else None
    if rule is None:
        return
    yield from _rule_choices(parts, ("flags", "no_fixed_abode"), rule.item, rule.field, rule.values)


def _address_not_booked(parts: _Parts) -> Iterator[Finding]:
    rule = parts.flags.address_not_booked if parts.flags is not None else None
    if rule is None:
        return
    loc: Loc = ("flags", "address_not_booked")
    yield from _rule_choices(parts, loc, rule.item, rule.field, rule.values)
    booking = rule.booking_item
    if booking not in parts.first_items and booking not in parts.unread_items:
        message = f"names unknown booking item {booking!r}"
        yield Finding((*loc, "booking_item"), message, "flags.address_not_booked")


def _rule_choices(
    parts: _Parts, loc: Loc, item_id: str, field_name: str, values: tuple[str, ...]
) -> Iterator[Finding]:
    """What is wrong with a flag rule's item, choice field and values."""
    about = ".".join(str(part) for part in loc)
    found = parts.first_items.get(item_id)
    if found is None:
        if item_id not in parts.unread_items:
            yield Finding((*loc, "item"), f"names unknown item {item_id!r}", about)
        return
    field = found[1].field(field_name)
    if field is None:
        message = f"names unknown field {field_name!r} of {item_id!r}"
        yield Finding((*loc, "field"), message, about)
        return
    problem = _choice_problem(field, values, item_id)
    if problem is not None:
        yield Finding(
            (*loc, "values" if field.type is FieldType.CHOICE else "field"), problem, about
        )


def _outcomes(parts: _Parts) -> Iterator[Finding]:
    """Each outcome measure's id is its own, and its answers fit together."""
    seen: set[str] = set()
    for index, measure in parts.outcomes:
        about = f"outcome {measure.id!r}"
        loc: Loc = ("outcomes", index)
        if measure.id in seen:
            yield Finding((*loc, "id"), f"outcome {measure.id!r} is listed twice")
        seen.add(measure.id)
        values = [a.value for a in measure.answers]
        if UNKNOWN in values:
            yield Finding(
                (*loc, "answers"),
                f'"{UNKNOWN}" is always an answer, kept apart from "no"; leave it out',
                about,
            )
        repeated = sorted({v for v in values if values.count(v) > 1})
        if repeated:
            yield Finding((*loc, "answers"), f"repeats answer(s): {', '.join(repeated)}", about)
        listed = ", ".join(values)
        for key in ("yes", "excluded"):
            named: tuple[str, ...] = getattr(measure, key)
            unknown = [v for v in named if v not in values]
            if unknown:
                yield Finding(
                    (*loc, key),
                    f"names {', '.join(repr(v) for v in unknown)}, not among its answers "
                    f"({listed})",
                    about,
                )
        if not measure.yes:
            yield Finding((*loc, "yes"), "names no answer that counts as yes", about)
        both = [v for v in measure.yes if v in measure.excluded]
        if both:
            yield Finding(
                (*loc, "excluded"),
                f"{', '.join(repr(v) for v in both)} cannot both count as yes and be excluded",
                about,
            )
        if all(v in measure.yes or v in measure.excluded for v in values):
            yield Finding(
                (*loc, "yes"),
                "every answer counts as yes or is excluded, so the rate could only be 100%; "
                "leave at least one answer that counts as no",
                about,
            )
