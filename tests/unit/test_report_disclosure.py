"""For random released caseloads, a published outcomes report never shows a count below
the threshold, nor lets one be worked out by subtracting shown cells from a shown total
(one step, in each row and column of each table), and a small group's rate is never
shown. Pure: the report is built from made-up people, with no store."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from planner.domain.template import Template
from planner.domain.template_loading import TemplateLibrary
from planner.reports.groups import grouping
from planner.reports.outcomes import outcomes_of
from planner.reports.subjects import Subject
from planner.reports.tables import GroupedReport

TEMPLATE: Template = TemplateLibrary().get("england-wales")
DAY = date(2026, 11, 2)
NIGHTS = ["settled", "temporary", "rough_sleeping", "other_homeless", "unknown"]

people = st.lists(
    st.tuples(
        st.sampled_from(["female", "male", "prefer_not_to_say", None]),
        st.sampled_from(NIGHTS),
        st.sampled_from(["yes", "no", "unknown"]),
        st.booleans(),
    ),
    min_size=0,
    max_size=40,
)


def report_of(drawn: list[tuple[str | None, str, str, bool]], threshold: int) -> GroupedReport:
    subjects = [
        Subject(
            values={"sex": sex},
            circumstances=frozenset({"on_medication"} if medication else ()),
            day=DAY,
            answers={"first_night": night, "bank": bank, "medication": bank},
            measures=TEMPLATE.key,
        )
        for sex, night, bank, medication in drawn
    ]
    return outcomes_of(
        subjects, TEMPLATE, grouping("sex"), first=DAY, last=DAY, threshold=threshold
    )


def _small(value: int | None, threshold: int) -> bool:
    return value is not None and 0 < value < threshold


@settings(max_examples=80, deadline=None)
@given(people, st.sampled_from([3, 5]))
def test_no_published_or_derivable_count_is_small(
    drawn: list[tuple[str | None, str, str, bool]], threshold: int
) -> None:
    report = report_of(drawn, threshold)
    for measure in report.measures:
        table = measure.table
        lines = [
            ([c.count for c in row], total.count)
            for row, total in zip(table.cells, table.row_totals, strict=True)
        ]
        lines.append(([c.count for c in table.column_totals], table.grand_total.count))
        columns = [
            ([row[n].count for row in table.cells], table.column_totals[n].count)
            for n in range(len(table.columns))
        ]
        for cells, total in [*lines, *columns]:
            assert not any(_small(c, threshold) for c in [*cells, total])
            hidden = [c for c in cells if c is None]
            if total is not None and len(hidden) == 1:  # one subtraction away
                derived = total - sum(c for c in cells if c is not None)
                assert not _small(derived, threshold)
        for n, rate in enumerate(measure.rates):
            if rate.rate is not None:
                assert rate.rate.denominator >= threshold
                assert all(c.count is not None for c in table.cells[n])
