"""Applying a filter to a caseload, fast enough for every keystroke at 20,000 people.

The caseload's summaries (from the store's index) already hold the person's listed
fields and the gap engine's assessment; evidence, and the person's other fields, live
only in the full records. So each condition is decided as cheaply as it can be:

1. from the summary alone: the person's listed fields, the release date;
2. from the assessment: an item's status when the item is open (every applicable item
   not yet resolved is one of the assessment's open items), and, for an item that applies
   to everyone, that a resolved item is done, not required or declined;
3. from the flags for today, computed once per person and kept while their assessment is
   the same;
4. from the stored record, read unvalidated (:mod:`planner.domain.raw_case`), and only for
   the people still in question after the cheaper conditions.

Conditions are checked cheapest first; all must hold, so the order never changes who
matches.

Each condition's answer for a row is a function of one value read off the row (its
release date, one field, an item's open status with the template, the flags' kinds...).
A caller that filters the same rows on every keystroke builds :class:`FilterColumns` of
them once: the rows grouped by each such value, so that a condition is decided once per
distinct value rather than once per person (`CaseloadFilter.select_columns`). The
answers are the very same functions either way; only the grouping is added.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from datetime import date, timedelta
from operator import attrgetter
from typing import Generic, Protocol, TypeVar, cast

from planner.domain.assessment import ROW_ITEM, ROW_STATUS, STATUS_CODES, Assessment
from planner.domain.bulk import bulk_parsing
from planner.domain.filter_predicates import (
    Predicate,
    choice_predicate,
    date_predicate,
    day_predicate,
    text_predicate,
    yes_no_predicate,
)
from planner.domain.filter_terms import (
    TODAY,
    Condition,
    Filter,
    FilterError,
    Kind,
    Op,
    Where,
)
from planner.domain.flags import Flag
from planner.domain.gaps import FlagRules
from planner.domain.raw_case import (
    Record,
    evidence_value,
    item_applies,
    item_status,
    person_value,
)
from planner.domain.status import RESOLVED, ItemStatus
from planner.domain.template import ItemTemplate, Template


class CaseloadRow(Protocol):
    """What a filter reads of a person without their record (the store's CaseSummary)."""

    @property
    def number(self) -> str: ...
    @property
    def surname(self) -> str: ...
    @property
    def forename(self) -> str: ...
    @property
    def prison(self) -> str: ...
    @property
    def location(self) -> str: ...
    @property
    def release_date(self) -> date | None: ...
    @property
    def release_kind(self) -> str: ...
    @property
    def state(self) -> str: ...
    @property
    def assigned_to(self) -> str: ...
    @property
    def template_key(self) -> str: ...
    @property
    def readiness(self) -> float: ...
    @property
    def assessment(self) -> Assessment: ...
    def read_assessment(self) -> Assessment:
        """The assessment, without keeping it parsed for later (one pass over many)."""
        ...


Row = TypeVar("Row", bound=CaseloadRow)
Records = Callable[[Sequence[str]], Mapping[str, Record]]

_ALL_STATUSES = frozenset(s.value for s in ItemStatus)
_RESOLVED = frozenset(s.value for s in RESOLVED)
_SUMMARY_FIELDS = {
    "number": "number",
    "surname": "surname",
    "forename": "forename",
    "prison": "prison",
    "location": "location",
    "release_kind": "release_kind",
    "state": "state",
    "assigned": "assigned_to",
}
ME = "me"  # `assigned = me`: the acting officer


class CaseloadFilter:
    """Applies filters to caseload rows as of one day, for one acting officer.

    `template_for` gives a template by key (``england-wales@1``); `records` gives the
    stored records of some prison numbers (``CaseStore.raw_records``); `flags_of` may
    give a row's flags when the caller already has them. Keep one for as long as today
    and the officer stay the same: it remembers each person's flags while their
    assessment is unchanged. With `keep_assessments` off (one pass over the caseload, as
    a command makes), a row's assessment is read for its flags and let go, and the flags
    are remembered while the row is the same object.
    """

    def __init__(
        self,
        *,
        today: date,
        template_for: Callable[[str], Template],
        records: Records,
        officer: str = "",
        flags_of: Callable[[CaseloadRow], Sequence[Flag]] | None = None,
        keep_assessments: bool = True,
    ) -> None:
        self.today = today
        self.officer = officer
        self._template_for = template_for
        self._records = records
        self._flags_of = flags_of
        self._keep_assessments = keep_assessments
        self._rules: dict[str, FlagRules] = {}
        self._flags: dict[str, tuple[object, list[Flag]]] = {}
        self._items: dict[tuple[str, str], ItemTemplate | None] = {}

    # --- the public face ------------------------------------------------------------------

    def select(self, wanted: Filter, rows: Iterable[Row]) -> list[Row]:
        """The rows every condition holds for, in their order."""
        chosen = list(rows)
        if not wanted.conditions:
            return chosen
        keys = {row.template_key for row in chosen}
        tests = [self._test(c) for c in wanted.conditions]
        for test in sorted(tests, key=lambda t: t.cost(keys)):
            chosen = self._apply(test, chosen)
            if not chosen:
                break
        return chosen

    def select_columns(self, wanted: Filter, columns: FilterColumns[Row]) -> list[Row]:
        """What `select(wanted, columns.rows)` gives, each condition decided once per
        distinct value of what it reads (a few ms for 20,000 rows)."""
        rows = columns.rows
        if not wanted.conditions:
            return list(rows)
        tests = [self._test(c) for c in wanted.conditions]
        chosen: set[int] | None = None  # row indices still in; None: every row
        for test in sorted(tests, key=lambda t: t.cost(columns.template_keys)):
            chosen = self._apply_column(test, columns, chosen)
            if not chosen:
                return []
        assert chosen is not None
        return [rows[i] for i in sorted(chosen)]

    def _apply_column(
        self, test: _Test, columns: FilterColumns[Row], chosen: set[int] | None
    ) -> set[int]:
        rows = columns.rows
        column, decide = test.column, test.decide_value
        kept: set[int] = set()
        pending: list[int] = []
        groups = columns.made(column)
        few = chosen is not None and (
            len(chosen) < len(groups) if groups is not None else len(chosen) * 8 < len(rows)
        )
        if chosen is not None and few:  # each row asked, each distinct value decided once
            answers: dict[Hashable, bool | None] = {}
            for index in chosen:
                value = column.value(rows[index])
                if value not in answers:
                    answers[value] = decide(value)
                answer = answers[value]
                if answer:
                    kept.add(index)
                elif answer is None:
                    pending.append(index)
        else:
            groups = columns.groups(column)
            for value, members in groups.items():
                answer = decide(value)
                if answer is False:
                    continue
                found = members if chosen is None else chosen.intersection(members)
                if answer:
                    kept.update(found)
                else:
                    pending.extend(found)
        if pending:
            pending.sort()
            with bulk_parsing():
                docs = self._records([rows[i].number for i in pending])
                for index in pending:
                    doc = docs.get(rows[index].number)
                    if doc is not None and test.with_record(rows[index], doc):
                        kept.add(index)
        return kept

    def prepare(self, columns: FilterColumns[Row], item_ids: Iterable[str]) -> None:
        """Build the columns the filter language reads of these rows now (in a worker,
        say), rather than on the first keystroke that needs each."""
        columns.keep_statuses(item_ids)
        made: list[_Column] = [_ReleaseColumn(), _MarkColumn(), _FlagColumn(self)]
        # The fields views and filters mostly read; the others (names, numbers: mostly
        # one person a value) are made when first read over many rows.
        made += [_FieldColumn(name) for name in ("state", "assigned_to", "release_kind")]
        for column in made:
            columns.groups(column)

    def matches(self, wanted: Filter, row: CaseloadRow) -> bool:
        return bool(self.select(wanted, [row]))

    def flags(self, row: CaseloadRow) -> Sequence[Flag]:
        """The row's flags for today, in no set order (kept while its assessment is)."""
        if self._flags_of is not None:
            return self._flags_of(row)
        kept = self._flags.get(row.number)
        if self._keep_assessments:
            assessment = row.assessment
            same: object = assessment
        else:
            same = row
            if kept is not None and kept[0] is same:
                return kept[1]
            assessment = row.read_assessment()
        if kept is not None and kept[0] is same:
            return kept[1]
        key = assessment.template_key
        rules = self._rules.get(key)
        if rules is None:
            rules = self._rules[key] = FlagRules(self._template_for(key), self.today)
        flags = rules.flags(assessment, sort=False)
        self._flags[row.number] = (same, flags)
        return flags

    def template(self, template_key: str) -> Template:
        return self._template_for(template_key)

    def item(self, template_key: str, item_id: str) -> ItemTemplate | None:
        """The item of that template, None when the template has no such item."""
        key = (template_key, item_id)
        if key not in self._items:
            template = self._template_for(template_key)
            self._items[key] = template.items_by_id.get(item_id)
        return self._items[key]

    # --- evaluation -----------------------------------------------------------------------

    def _apply(self, test: _Test, rows: list[Row]) -> list[Row]:
        answers = test.answers(rows)
        pending = [i for i, answer in enumerate(answers) if answer is None]
        if pending:
            with bulk_parsing():
                docs = self._records([rows[i].number for i in pending])
                for index in pending:
                    doc = docs.get(rows[index].number)
                    answers[index] = doc is not None and test.with_record(rows[index], doc)
        return [row for row, kept in zip(rows, answers, strict=True) if kept]

    def _test(self, condition: Condition) -> _Test:
        subject = condition.subject
        if subject.where is Where.STATUS:
            return _StatusTest(self, condition)
        if subject.where is Where.EVIDENCE:
            return _EvidenceTest(self, condition)
        if subject.where is Where.FLAG:
            return _FlagTest(self, condition)
        if subject.where is Where.RELEASE:
            return _ReleaseTest(self, condition)
        if subject.needs_record:
            return _RecordFieldTest(self, condition)
        return _SummaryFieldTest(self, condition)

    def predicate(self, condition: Condition) -> Predicate:
        """A test of one stored value (a string, True/False, or None) for a condition."""
        kind = condition.subject.kind
        if kind is Kind.DATE:
            return date_predicate(condition, self.today)
        if kind is Kind.YES_NO:
            return yes_no_predicate(condition)
        if kind is Kind.CHOICE:
            return choice_predicate(condition)
        values = condition.values
        if condition.subject.name == "assigned" and any(v.lower() == ME for v in values):
            if not self.officer:
                raise FilterError(
                    f'{condition}: "me" means the acting officer, and no officer name is set'
                )
            values = tuple(self.officer if v.lower() == ME else v for v in values)
        return text_predicate(condition.op, values)


def release_window(wanted: Filter, today: date) -> tuple[date, date] | None:
    """The release dates every person the filter lets through lies within (inclusive),
    or None when it lets through people with no release date or any date: a caller
    holding the caseload's index can then read only the summaries in that window."""
    low, high = date.min, date.max
    bounded = False
    for condition in wanted.conditions:
        if condition.subject.where is not Where.RELEASE:
            continue
        op, values = condition.op, condition.values
        if op in (Op.WITHIN, Op.WITHIN_LAST):
            days = timedelta(days=int(values[0]))
            first, last = (today, today + days) if op is Op.WITHIN else (today - days, today)
        elif op in (Op.EQ, Op.BEFORE, Op.AFTER):
            day = today if values[0] == TODAY else date.fromisoformat(values[0])
            first, last = {
                Op.EQ: (day, day),
                Op.BEFORE: (date.min, day - timedelta(days=1)),
                Op.AFTER: (day + timedelta(days=1), date.max),
            }[op]
        else:
            continue
        low, high, bounded = max(low, first), min(high, last), True
    return (low, high) if bounded else None


# What a test costs a row, cheapest first: the summary, the assessment, the flags, and
# the stored record (parsed the first time it is read).
SUMMARY, ASSESSMENT, FLAGS, SOME_RECORDS, RECORDS = range(5)


# --- what a condition reads of a row: one value, the same for the plain path and columns --


class _Column:
    """One value read off each row; `name` tells columns apart (equal names, equal values)."""

    name: Hashable = ("nothing",)

    def value(self, row: CaseloadRow) -> Hashable:
        return None  # the test can only be decided from the stored record


class _FieldColumn(_Column):
    def __init__(self, attribute: str) -> None:
        self.name = ("field", attribute)
        self._read = attrgetter(attribute)

    def value(self, row: CaseloadRow) -> Hashable:
        value: Hashable = self._read(row)
        return value


class _ReleaseColumn(_Column):
    name = ("release",)

    def value(self, row: CaseloadRow) -> Hashable:
        return row.release_date


class _StatusColumn(_Column):
    """The template the row follows, and the item's status while it is open there."""

    def __init__(self, item_id: str) -> None:
        self.item_id = item_id
        self.name = ("status", item_id)

    def value(self, row: CaseloadRow) -> Hashable:
        assessment = row.assessment
        return (assessment.template_key, assessment.open_status(self.item_id))


class _MarkColumn(_Column):
    """The template the row follows, and its no-fixed-abode mark."""

    name = ("no_fixed_abode",)

    def value(self, row: CaseloadRow) -> Hashable:
        assessment = row.assessment
        return (assessment.template_key, assessment.no_fixed_abode)


class _FlagColumn(_Column):
    """The severities and kinds of the row's flags for today (empty: no flag)."""

    def __init__(self, owner: CaseloadFilter) -> None:
        self.owner = owner
        self.name = ("flags", owner.today)

    def value(self, row: CaseloadRow) -> Hashable:
        return frozenset(
            word for f in self.owner.flags(row) for word in (f.severity.value, f.kind.value)
        )


class FilterColumns(Generic[Row]):
    """Rows grouped by each value a filter reads of them, made once and kept while the
    rows are the same (the caseload screen makes them when it reads the caseload).

    A column is made the first time a condition reads it over many rows (one pass), or
    beforehand with `CaseloadFilter.prepare`. Making one in a worker while the event loop
    reads another is safe: each is made whole before it is kept.
    """

    def __init__(self, rows: Iterable[Row]) -> None:
        self.rows: tuple[Row, ...] = tuple(rows)
        self.template_keys = frozenset(row.assessment.template_key for row in self.rows)
        self._made: dict[Hashable, Groups] = {}

    def made(self, column: _Column) -> Groups | None:
        return self._made.get(column.name)

    def groups(self, column: _Column) -> Groups:
        """The rows (their indices) holding each value of `column`."""
        made = self._made.get(column.name)
        if made is None:
            value = column.value
            grouped: dict[Hashable, list[int]] = {}
            for index, row in enumerate(self.rows):
                found = value(row)
                members = grouped.get(found)
                if members is None:
                    grouped[found] = [index]
                else:
                    members.append(index)
            made = self._made[column.name] = grouped
        return made

    def keep_statuses(self, item_ids: Iterable[str]) -> None:
        """Make the status columns of these items in one pass over the rows' open items
        (the values are `_StatusColumn`'s: the template, and the status while open)."""
        wanted = {item for item in item_ids if ("status", item) not in self._made}
        if not wanted:
            return
        # template key -> item -> status code -> the rows where the item is open so
        opened: dict[str, dict[str, dict[int, list[int]]]] = {}
        by_key: dict[str, list[int]] = {}
        for index, row in enumerate(self.rows):
            key = row.assessment.template_key
            items = opened.get(key)
            if items is None:
                items = opened[key] = {item: {} for item in wanted}
                by_key[key] = []
            by_key[key].append(index)
            seen: set[str] = set()
            for open_row in row.assessment.open_rows:  # the first counts, as in open_status
                item = open_row[ROW_ITEM]
                codes = items.get(item)
                if codes is None or item in seen:
                    continue
                seen.add(item)
                code = open_row[ROW_STATUS]
                found = codes.get(code)
                if found is None:
                    codes[code] = [index]
                else:
                    found.append(index)
        made: dict[str, dict[Hashable, Collection[int]]] = {item: {} for item in wanted}
        for key, items in opened.items():
            everyone = set(by_key[key])
            for item, codes in items.items():
                groups = made[item]
                for code, indices in codes.items():
                    groups[(key, STATUS_CODES[code])] = indices
                rest = everyone.difference(*codes.values())
                if rest:
                    groups[(key, None)] = rest
        for item, groups in made.items():
            self._made[("status", item)] = groups


Groups = Mapping[Hashable, Collection[int]]


# --- the tests: each condition's answer from the value its column reads ---------------------


class _Test:
    """One condition, decided from a row when it can be, else from the stored record."""

    column: _Column = _Column()

    def cost(self, template_keys: frozenset[str] | set[str]) -> int:
        """How costly the test is for rows of these templates (see SUMMARY...RECORDS)."""
        return SUMMARY

    def __init__(self, owner: CaseloadFilter, condition: Condition) -> None:
        self.owner = owner
        self.condition = condition

    def decide_value(self, value: Hashable) -> bool | None:
        """True or False from the column's value, or None when only the stored record
        can tell. The one rule for this condition: the plain path and columns use it."""
        return None

    def decide(self, row: CaseloadRow) -> bool | None:
        return self.decide_value(self.column.value(row))

    def answers(self, rows: Sequence[CaseloadRow]) -> list[bool | None]:
        decide, value = self.decide_value, self.column.value
        return [decide(value(row)) for row in rows]

    def with_record(self, row: CaseloadRow, doc: Record) -> bool:
        return False


class _SummaryFieldTest(_Test):
    def __init__(self, owner: CaseloadFilter, condition: Condition) -> None:
        super().__init__(owner, condition)
        self.attribute = _SUMMARY_FIELDS[condition.subject.name]
        self.column = _FieldColumn(self.attribute)
        self.holds = owner.predicate(condition)

    def decide_value(self, value: Hashable) -> bool | None:
        return self.holds(value)

    def answers(self, rows: Sequence[CaseloadRow]) -> list[bool | None]:
        holds, read = self.holds, attrgetter(self.attribute)
        return [holds(read(row)) for row in rows]


class _ReleaseTest(_Test):
    column = _ReleaseColumn()

    def __init__(self, owner: CaseloadFilter, condition: Condition) -> None:
        super().__init__(owner, condition)
        self.holds = day_predicate(condition, owner.today)

    def decide_value(self, value: Hashable) -> bool | None:
        return self.holds(value)  # type: ignore[arg-type]  # the column holds dates

    def answers(self, rows: Sequence[CaseloadRow]) -> list[bool | None]:
        holds = self.holds
        return [holds(row.release_date) for row in rows]


class _FlagTest(_Test):
    def cost(self, template_keys: frozenset[str] | set[str]) -> int:
        return FLAGS

    def __init__(self, owner: CaseloadFilter, condition: Condition) -> None:
        super().__init__(owner, condition)
        self.column = _FlagColumn(owner)
        wanted = frozenset(condition.values)

        def some(words: frozenset[str]) -> bool:
            return not wanted.isdisjoint(words)  # a flag of that severity or kind

        tests: dict[Op, Callable[[frozenset[str]], bool]] = {
            Op.EQ: some,
            Op.IN: some,
            Op.NE: lambda words: not some(words),
            Op.NOT_IN: lambda words: not some(words),
            Op.EMPTY: lambda words: not words,  # every flag has a severity
            Op.NOT_EMPTY: bool,
        }
        self.holds = tests[condition.op]

    def decide_value(self, value: Hashable) -> bool | None:
        return self.holds(value)  # type: ignore[arg-type]  # the column holds word sets


class _StatusTest(_Test):
    """An item's status: from the assessment's open items when the item is open there."""

    def cost(self, template_keys: frozenset[str] | set[str]) -> int:
        """The assessment settles an open item; a resolved one only when the answer is the
        same for done, not required and declined, and the item applies to everyone."""
        for key in template_keys:
            item = self.owner.item(key, self.item_id)
            if item is not None and (item.applies is not None or self.if_resolved is None):
                return SOME_RECORDS
        return ASSESSMENT

    def __init__(self, owner: CaseloadFilter, condition: Condition) -> None:
        super().__init__(owner, condition)
        op, values = condition.op, frozenset(condition.values)
        self.item_id = condition.subject.item
        self.column = _StatusColumn(self.item_id)
        self.on_missing = op is Op.NOT_APPLICABLE  # the answer when the item does not apply
        wanted: frozenset[str] = {
            Op.EQ: values,
            Op.IN: values,
            Op.NE: _ALL_STATUSES - values,
            Op.NOT_IN: _ALL_STATUSES - values,
            Op.APPLICABLE: _ALL_STATUSES,
            Op.NOT_APPLICABLE: frozenset(),
        }[op]
        self.wanted = wanted
        # A resolved item that applies to everyone is done, not required or declined.
        self.if_resolved: bool | None = (
            True if wanted >= _RESOLVED else False if not (_RESOLVED & wanted) else None
        )

    def decide_value(self, value: Hashable) -> bool | None:
        template_key, status = cast(tuple[str, str | None], value)
        item = self.owner.item(template_key, self.item_id)
        if item is None:
            return self.on_missing
        if status is not None:
            return status in self.wanted
        if item.applies is None:
            return self.if_resolved
        return None

    def with_record(self, row: CaseloadRow, doc: Record) -> bool:
        item = self.owner.item(row.assessment.template_key, self.item_id)
        if item is None or not item_applies(item, doc):
            return self.on_missing
        return item_status(doc, self.item_id) in self.wanted


class _EvidenceTest(_Test):
    column = _MarkColumn()

    def cost(self, template_keys: frozenset[str] | set[str]) -> int:
        for key in template_keys:
            if self.owner.item(key, self.item_id) is None:
                continue
            if None in self._answers(key):
                return RECORDS
        return ASSESSMENT

    def _answers(self, key: str) -> tuple[bool | None, bool | None]:
        answers = self._by_nfa.get(key)
        if answers is None:
            answers = self._by_nfa[key] = self._nfa_answers(key)
        return answers

    def __init__(self, owner: CaseloadFilter, condition: Condition) -> None:
        super().__init__(owner, condition)
        self.item_id = condition.subject.item
        self.field = condition.subject.name
        self.holds = owner.predicate(condition)
        self._by_nfa: dict[str, tuple[bool | None, bool | None]] = {}

    def decide_value(self, value: Hashable) -> bool | None:
        key, no_fixed_abode = cast(tuple[str, bool], value)
        if self.owner.item(key, self.item_id) is None:
            return False
        answers = self._answers(key)
        return answers[0] if no_fixed_abode else answers[1]

    def _nfa_answers(self, template_key: str) -> tuple[bool | None, bool | None]:
        """What the assessment's no-fixed-abode mark settles, with and without it.

        The mark is exactly "the template's no-fixed-abode field holds one of its values",
        so a condition on that field with those values needs no record (the view "No
        fixed abode within 28 days" reads none at all).
        """
        rule = self.owner.template(template_key).flags.no_fixed_abode
        item = self.owner.item(template_key, self.item_id)
        if rule is None or item is None or item.applies is not None:
            return None, None
        if (rule.item, rule.field) != (self.item_id, self.field):
            return None, None
        marked, wanted, op = (
            frozenset(rule.values),
            frozenset(self.condition.values),
            (self.condition.op),
        )
        if op is Op.EMPTY:
            return False, None
        if op is Op.NOT_EMPTY:
            return True, None
        positive = op in (Op.EQ, Op.IN)
        if op not in (Op.EQ, Op.IN, Op.NE, Op.NOT_IN):
            return None, None
        with_mark = positive if marked <= wanted else None
        without_mark = (not positive) if wanted <= marked else None
        return with_mark, without_mark

    def with_record(self, row: CaseloadRow, doc: Record) -> bool:
        item = self.owner.item(row.assessment.template_key, self.item_id)
        if item is None or not item_applies(item, doc):
            return False
        return self.holds(evidence_value(doc, self.item_id, self.field))


class _RecordFieldTest(_Test):
    def cost(self, template_keys: frozenset[str] | set[str]) -> int:
        return RECORDS

    def __init__(self, owner: CaseloadFilter, condition: Condition) -> None:
        super().__init__(owner, condition)
        self.name = condition.subject.name
        self.holds = owner.predicate(condition)

    def with_record(self, row: CaseloadRow, doc: Record) -> bool:
        return self.holds(person_value(doc, self.name))
