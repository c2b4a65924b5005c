"""Readiness by group: of the people due out soon, the share ready in each section.

Readiness is the gap engine's (:mod:`planner.domain.assessment`): an item is resolved when
it is `not_required` or `declined`, or `done` with its required evidence and no outcome
that means not met; a section is ready ("complete") when every applicable item of it is
resolved. So for each section a person is ready, not ready, or the section does not apply
to them (no item of it applies); and overall a person is ready when every applicable item
of their plan is resolved. Each share is of the people the section applies to.
"""

from __future__ import annotations

from datetime import date, timedelta

from planner.domain.report_groups import Grouping
from planner.domain.suppression import checked_threshold
from planner.reports.groups import FIELD_OF
from planner.reports.subjects import Subject, due_out
from planner.reports.tables import Column, GroupedReport, MeasureSpec, published
from planner.store.interface import CaseRepository

DEFAULT_WITHIN_DAYS = 84  # 12 weeks
MAX_WITHIN_DAYS = 730
OVERALL = "overall"
READY, NOT_READY, NOT_APPLICABLE = "ready", "not_ready", "not_applicable"
_COLUMNS = (
    Column(READY, "Ready"),
    Column(NOT_READY, "Not ready"),
    Column(NOT_APPLICABLE, "Not applicable"),
)
_SOURCE = (
    "planner's gap engine: an item is resolved when not required or declined (with a "
    "reason), or done with its required evidence and no outcome that means not met"
)


def checked_within(days: int) -> int:
    if not 1 <= days <= MAX_WITHIN_DAYS:
        raise ValueError(f"must be from 1 to {MAX_WITHIN_DAYS} days: {days}")
    return days


def _specs(sections: list[tuple[str, str]]) -> list[MeasureSpec]:
    overall = MeasureSpec(
        OVERALL,
        "Ready in every section",
        "Every applicable item of the plan resolved",
        _COLUMNS[:2],
        (READY,),
        (READY, NOT_READY),
        source=_SOURCE,
    )
    return [
        overall,
        *(
            MeasureSpec(
                section,
                title,
                f"Every applicable item of the section {title!r} resolved",
                _COLUMNS,
                (READY,),
                (READY, NOT_READY),
                source=_SOURCE,
            )
            for section, title in sections
        ),
    ]


def readiness_report(
    store: CaseRepository,
    today: date,
    grouping: Grouping,
    *,
    within_days: int = DEFAULT_WITHIN_DAYS,
    threshold: int,
) -> GroupedReport:
    """Readiness of the people due for release from `today` to `within_days` ahead."""
    threshold = checked_threshold(threshold)
    within_days = checked_within(within_days)
    subjects = due_out(store, today, within_days, (FIELD_OF[grouping.key],))
    return readiness_of(
        subjects,
        _section_titles(store, subjects),
        grouping,
        first=today,
        last=today + timedelta(days=within_days),
        threshold=threshold,
    )


def _section_titles(store: CaseRepository, subjects: list[Subject]) -> list[tuple[str, str]]:
    """Each section of the subjects' plans, in template order, with its title."""
    titles: dict[str, str] = {}
    for key in dict.fromkeys(subject.template_key for subject in subjects):
        template = store.template(key) if key else None
        for subject in subjects:
            if subject.template_key == key:
                for tally in subject.sections:
                    if tally.section not in titles:
                        titles[tally.section] = (
                            template.section_title(tally.section) if template else tally.section
                        )
                break
    return [(section, titles[section]) for section in titles]


def readiness_of(
    subjects: list[Subject],
    sections: list[tuple[str, str]],
    grouping: Grouping,
    *,
    first: date,
    last: date,
    threshold: int,
) -> GroupedReport:
    specs = _specs(sections)
    field = FIELD_OF[grouping.key]
    position = {section: n + 1 for n, (section, _title) in enumerate(sections)}
    counts: dict[str, list[dict[str, int]]] = {}
    sizes: dict[str, int] = {}
    for subject in subjects:
        group = grouping.group_of(subject.values.get(field))
        sizes[group] = sizes.get(group, 0) + 1
        row = counts.get(group)
        if row is None:
            row = counts[group] = [
                dict.fromkeys((READY, NOT_READY, NOT_APPLICABLE), 0) for _ in specs
            ]
        row[0][READY if subject.resolved >= subject.applicable else NOT_READY] += 1
        seen = set()
        for tally in subject.sections:
            n = position.get(tally.section)
            if n is None:
                continue
            seen.add(n)
            if tally.applicable == 0:
                row[n][NOT_APPLICABLE] += 1
            else:
                row[n][READY if tally.resolved >= tally.applicable else NOT_READY] += 1
        for n in range(1, len(specs)):
            if n not in seen:  # a section their template does not have
                row[n][NOT_APPLICABLE] += 1
    groups, measures, people = published(grouping, specs, counts, sizes, threshold)
    return GroupedReport(
        "readiness",
        f"Readiness of the people due for release from {first:%d %b %Y} to {last:%d %b %Y}",
        grouping,
        groups,
        threshold,
        first,
        last,
        people,
        measures,
    )
