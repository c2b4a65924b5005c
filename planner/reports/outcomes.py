"""Release-day outcomes and follow-ups by group, with the template's definitions.

For the people released from one day to another, each outcome measure of the template
(its `[[outcomes]]`: DOMAIN.md "Outcome measures") is counted in its columns: the answers
that count (`yes`: "housed" is settled or other housed), the other answers ("no":
rough sleeping and other homeless are not housed), those left out of the denominator
(`excluded`: not available for work), unknown (answered unknown, or not answered yet: a
follow-up not recorded, a release marked without its outcomes), and, for a measure that
applies to some people only, the people it does not apply to. The rate is the first
column's share of the first two, unknowns and exclusions apart, as the MoJ publishes it.
"""

from __future__ import annotations

from datetime import date

from planner.domain.errors import InvalidInput
from planner.domain.outcome_measures import UNKNOWN, OutcomeMeasure
from planner.domain.report_groups import Grouping
from planner.domain.suppression import checked_threshold
from planner.domain.template import Template
from planner.reports.groups import FIELD_OF
from planner.reports.subjects import Subject, released_between, templates_used
from planner.reports.tables import Column, GroupedReport, MeasureSpec, published
from planner.store.errors import StoreError
from planner.store.interface import CaseRepository

YES, NO, EXCLUDED, NOT_APPLICABLE = "yes", "no", "excluded", "not_applicable"
MAX_DAYS = 3 * 366


def spec_of(measure: OutcomeMeasure) -> MeasureSpec:
    """A measure's table: its columns and the answers behind each, in words."""
    yes = [measure.answer_label(v) for v in measure.yes]
    no = [
        measure.answer_label(a.value)
        for a in measure.answers
        if a.value not in measure.yes and a.value not in measure.excluded
    ]
    columns = [Column(YES, "Yes"), Column(NO, "No")]
    if measure.excluded:
        columns.append(Column(EXCLUDED, "Excluded"))
    columns.append(Column(UNKNOWN, "Unknown"))
    if measure.applies is not None:
        columns.append(Column(NOT_APPLICABLE, "Not applicable"))
    definition = f"{measure.question} Yes: {'; '.join(yes)}. No: {'; '.join(no)}."
    if measure.excluded:
        left_out = "; ".join(measure.answer_label(v) for v in measure.excluded)
        definition += f" Left out of the rate: {left_out}."
    definition += " Unknown (or not yet recorded) is left out of the rate."
    if measure.due_after_release is not None:
        definition += f" Asked {measure.due_after_release.text} after release."
    return MeasureSpec(
        measure.id,
        measure.label,
        definition,
        tuple(columns),
        (YES,),
        (YES, NO),
        source=measure.source,
        checked=measure.checked,
        applies_to=measure.applies_label,
    )


def answer_columns(measure: OutcomeMeasure) -> dict[str, str]:
    """The column each answer of `measure` is counted in (any other: unknown)."""
    columns: dict[str, str] = {}
    for value in measure.values:
        counted = measure.counts(value)
        if value == UNKNOWN:
            columns[value] = UNKNOWN
        elif counted is None:
            columns[value] = EXCLUDED
        else:
            columns[value] = YES if counted else NO
    return columns


def column_of(
    measure: OutcomeMeasure, subject: Subject, columns: dict[str, str] | None = None
) -> str:
    """The column a person is counted in for `measure` (`columns`: its answer_columns)."""
    if measure.applies is not None and measure.applies.circumstance not in subject.circumstances:
        return NOT_APPLICABLE
    answer = None if subject.answers is None else subject.answers.get(measure.id)
    if answer is None:
        return UNKNOWN
    return (columns or answer_columns(measure)).get(answer, UNKNOWN)


def checked_period(first: date, last: date) -> tuple[date, date]:
    if last < first:
        raise InvalidInput(f"--to {last:%d/%m/%Y} is before --from {first:%d/%m/%Y}")
    if (last - first).days > MAX_DAYS:
        raise InvalidInput("--from and --to: a report covers at most 3 years")
    return first, last


def measures_template(
    store: CaseRepository, subjects: list[Subject], fallback: Template | None
) -> Template | None:
    """The template whose measures the report counts: the one most of the outcomes answer,
    else `fallback` (the site's current template)."""
    for key in templates_used(subjects):
        try:
            template = store.template(key)
        except StoreError:
            continue
        if template.outcomes:
            return template
    return fallback if fallback is not None and fallback.outcomes else None


def outcomes_report(
    store: CaseRepository,
    grouping: Grouping,
    *,
    first: date,
    last: date,
    threshold: int,
    fallback: Template | None = None,
) -> GroupedReport:
    """Each outcome measure, by group, for the people released from `first` to `last`."""
    threshold = checked_threshold(threshold)
    first, last = checked_period(first, last)
    subjects = released_between(store, first, last, (FIELD_OF[grouping.key],))
    template = measures_template(store, subjects, fallback)
    return outcomes_of(subjects, template, grouping, first=first, last=last, threshold=threshold)


def outcomes_of(
    subjects: list[Subject],
    template: Template | None,
    grouping: Grouping,
    *,
    first: date,
    last: date,
    threshold: int,
) -> GroupedReport:
    measures = template.outcomes if template is not None else ()
    specs = [spec_of(measure) for measure in measures]
    field = FIELD_OF[grouping.key]
    lookups = [(n, measure, answer_columns(measure)) for n, measure in enumerate(measures)]
    counts: dict[str, list[dict[str, int]]] = {}
    sizes: dict[str, int] = {}
    for subject in subjects:
        group = grouping.group_of(subject.values.get(field))
        sizes[group] = sizes.get(group, 0) + 1
        row = counts.get(group)
        if row is None:
            row = counts[group] = [{} for _ in specs]
        for n, measure, columns in lookups:
            column = column_of(measure, subject, columns)
            row[n][column] = row[n].get(column, 0) + 1
    groups, tables, people = published(grouping, specs, counts, sizes, threshold)
    notes = () if template is None else (f"Measures of template {template.key}.",)
    return GroupedReport(
        "outcomes",
        f"Outcomes of the people released from {first:%d %b %Y} to {last:%d %b %Y}",
        grouping,
        groups,
        threshold,
        first,
        last,
        people,
        tables,
        notes,
    )
