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
* the no-fixed-abode flag names a choice field and its choices.

Each `Finding` carries the location in the template's data (``("items", 3, "applies",
"in")``), so a problem can be shown with its line of the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from planner.domain.template import (
    AllOf,
    AnyOf,
    Condition,
    EvidenceField,
    EvidenceIn,
    FieldType,
    ItemTemplate,
    Template,
)
from planner.domain.toml_index import Loc

__all__ = ["Finding", "TemplateMeaningError", "template_findings"]


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


def template_findings(template: Template) -> list[Finding]:
    """Everything the template gets wrong as a whole, in the order of the file."""
    return [
        *_repeated_ids(template),
        *_sections_and_days(template),
        *_conditions(template),
        *_cycles(template),
        *_no_fixed_abode(template),
    ]


def _repeated_ids(template: Template) -> Iterator[Finding]:
    seen: set[str] = set()
    for index, section in enumerate(template.sections):
        if section.id in seen:
            yield Finding(("sections", index, "id"), f"section {section.id!r} is listed twice")
        seen.add(section.id)
    seen = set()
    for index, item in enumerate(template.items):
        if item.id in seen:
            yield Finding(("items", index, "id"), f"item {item.id!r} is listed twice")
        seen.add(item.id)


def _sections_and_days(template: Template) -> Iterator[Finding]:
    section_ids = {s.id for s in template.sections}
    for index, item in enumerate(template.items):
        about = f"item {item.id!r}"
        if item.section not in section_ids:
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


def _first_items(template: Template) -> dict[str, ItemTemplate]:
    first: dict[str, ItemTemplate] = {}
    for item in template.items:
        first.setdefault(item.id, item)
    return first


def _walk(cond: Condition | None, loc: Loc) -> Iterator[tuple[EvidenceIn, Loc]]:
    """Every evidence condition inside `cond`, with its location."""
    if cond is None:
        return
    if isinstance(cond, EvidenceIn):
        yield cond, loc
    elif isinstance(cond, AllOf):
        for n, sub in enumerate(cond.all):
            yield from _walk(sub, (*loc, "all", n))
    elif isinstance(cond, AnyOf):
        for n, sub in enumerate(cond.any):
            yield from _walk(sub, (*loc, "any", n))


def _conditions(template: Template) -> Iterator[Finding]:
    items = _first_items(template)
    for index, item in enumerate(template.items):
        about = f"item {item.id!r}"
        for cond, loc in _walk(item.applies, ("items", index, "applies")):
            other = items.get(cond.item)
            if other is None:
                yield Finding((*loc, "item"), f"condition names unknown item {cond.item!r}", about)
                continue
            field = other.field(cond.field)
            if field is None:
                yield Finding(
                    (*loc, "field"),
                    f"condition names unknown field {cond.field!r} of {cond.item!r}",
                    about,
                )
                continue
            problem = _choice_problem(field, cond.values or cond.not_values, cond.item)
            if problem is not None:
                key = "field" if field.type is not FieldType.CHOICE else "in"
                if key == "in" and not cond.values:
                    key = "not_in"
                yield Finding((*loc, key), f"condition {problem}", about)


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


def _cycles(template: Template) -> Iterator[Finding]:
    """One finding for each group of items whose conditions depend on each other."""
    index_of: dict[str, int] = {}
    for index, item in enumerate(template.items):
        index_of.setdefault(item.id, index)
    # item id -> the items its condition reads, each with where the condition names it
    edges: dict[str, dict[str, Loc]] = {}
    for item_id, index in index_of.items():
        targets: dict[str, Loc] = {}
        applies = template.items[index].applies
        for cond, loc in _walk(applies, ("items", index, "applies")):
            if cond.item in index_of:
                targets.setdefault(cond.item, (*loc, "item"))
        edges[item_id] = targets
    for group in _strongly_connected(edges):
        start = min(group, key=lambda i: index_of[i])
        if len(group) == 1 and start not in edges[start]:
            continue
        path = _cycle_from(start, group, edges)
        about = f"item {start!r}"
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
        yield Finding(edges[start][path[1]], message, about)


def _cycle_from(start: str, group: set[str], edges: dict[str, dict[str, Loc]]) -> list[str]:
    """A shortest path from `start` back to itself inside its group: [start, ..., start]."""
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for node in frontier:
            if start in edges[node]:
                path = [node]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                return [*reversed(path), start]
            for target in edges[node]:
                if target in group and target != start and target not in previous:
                    previous[target] = node
                    following.append(target)
        frontier = following
    raise AssertionError("a strongly connected group always leads back")  # pragma: no cover


def _strongly_connected(edges: dict[str, dict[str, Loc]]) -> list[set[str]]:
    """Tarjan's algorithm without recursion: a template may chain many items."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []
    for root in edges:
        if root in order:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(edges[root]))]
        order[root] = low[root] = len(order)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, targets = work[-1]
            advanced = False
            for target in targets:
                if target not in order:
                    order[target] = low[target] = len(order)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(edges[target])))
                    advanced = True
                    break
                if target in on_stack:
                    low[node] = min(low[node], order[target])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == order[node]:
                group: set[str] = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == node:
                        break
                groups.append(group)
    return groups


def _no_fixed_abode(template: Template) -> Iterator[Finding]:
    rule = template.flags.no_fixed_abode
    if rule is None:
        return
    loc: Loc = ("flags", "no_fixed_abode")
    item = _first_items(template).get(rule.item)
    if item is None:
        yield Finding((*loc, "item"), f"names unknown item {rule.item!r}", "flags.no_fixed_abode")
        return
    field = item.field(rule.field)
    if field is None:
        yield Finding(
            (*loc, "field"),
            f"names unknown field {rule.field!r} of {rule.item!r}",
            "flags.no_fixed_abode",
        )
        return
    problem = _choice_problem(field, rule.values, rule.item)
    if problem is not None:
        key = "values" if field.type is FieldType.CHOICE else "field"
        yield Finding((*loc, key), problem, "flags.no_fixed_abode")
