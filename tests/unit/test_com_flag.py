"""The missing community offender manager flag: when it fires, how severe, and what stops it.

TODAY is Monday 23 November 2026. The shipped template's rule: a warning within 84 days
of release, critical within 28. Each case is evaluated every way the tool does (see
test_gap_engine.check), so the stored assessment agrees with the pure one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.domain.assessment import Assessment, assess
from planner.domain.gaps import FlagKind, Severity, evaluate
from planner.domain.person import CaseState, Contact
from planner.domain.status import ItemStatus
from planner.domain.template import Template
from planner.domain.template_loading import TemplateError, load_template
from planner.store.repository import CaseStore
from tests.unit.test_gap_engine import NUMBER, check, days, open_case, stored_form
from tests.unit.test_templates import MINI

COM_ITEM = "handover.com_allocated"


def com_flags(store: CaseStore, template: Template, release_in: int | None, **extra: object):
    case = open_case(store, template, None if release_in is None else days(release_in), **extra)
    return [f for f in check(store, template, case).flags if f.kind is FlagKind.NO_COM]


@pytest.mark.parametrize(
    ("release_in", "severity"),
    [
        (0, Severity.CRITICAL),
        (20, Severity.CRITICAL),
        (28, Severity.CRITICAL),
        (29, Severity.WARNING),
        (84, Severity.WARNING),
    ],
)
def test_no_com_is_flagged_within_the_window_more_severely_closer_to_release(
    store: CaseStore, template: Template, release_in: int, severity: Severity
) -> None:
    (flag,) = com_flags(store, template, release_in)
    assert flag.severity is severity
    assert (flag.item_id, flag.section, flag.due) == (COM_ITEM, "handover", days(release_in))
    assert flag.kind.label == "no community offender manager"
    assert "No community offender manager recorded" in flag.reason
    assert ("on release day" if release_in == 0 else f"{release_in} days before") in flag.reason


@pytest.mark.parametrize("release_in", [85, 200, -1, None])
def test_no_com_is_not_flagged_outside_the_window(
    store: CaseStore, template: Template, release_in: int | None
) -> None:
    assert com_flags(store, template, release_in) == []


def test_a_com_in_the_contacts_stops_the_flag(store: CaseStore, template: Template) -> None:
    com = Contact(name="Sam Reed", email="sam.reed@justice.example")
    assert com_flags(store, template, 20, community_offender_manager=com) == []


def test_a_com_with_only_a_phone_is_not_a_com(store: CaseStore, template: Template) -> None:
    com = Contact(phone="0113 496 0000")
    assert len(com_flags(store, template, 20, community_offender_manager=com)) == 1


def test_a_com_recorded_on_the_allocation_item_stops_the_flag(
    store: CaseStore, template: Template
) -> None:
    case = open_case(store, template, days(20))
    case = store.save_item(NUMBER, COM_ITEM, evidence={"com_name": "Sam Reed"})
    assert FlagKind.NO_COM not in {f.kind for f in check(store, template, case).flags}


def test_allocation_marked_not_required_means_none_is_expected(
    store: CaseStore, template: Template
) -> None:
    case = open_case(store, template, days(20))
    case = store.save_item(
        NUMBER, COM_ITEM, status=ItemStatus.NOT_REQUIRED, reason="Not supervised on release"
    )
    assert FlagKind.NO_COM not in {f.kind for f in check(store, template, case).flags}


def test_a_released_person_has_no_com_flag(store: CaseStore, template: Template) -> None:
    assert com_flags(store, template, 20, state=CaseState.RELEASED) == []


def test_the_stored_assessment_keeps_the_finding(store: CaseStore, template: Template) -> None:
    case = open_case(store, template, days(20))
    assessment = assess(case, template)
    assert assessment.no_com
    again = Assessment.from_json(NUMBER, stored_form(assessment))
    assert again.no_com and stored_form(again) == stored_form(assessment)


def test_the_window_and_severity_are_the_templates(
    store: CaseStore, template: Template, tmp_path: Path
) -> None:
    rule = template.flags.no_com
    assert rule is not None
    assert (rule.item, rule.field, rule.within_days, rule.critical_within_days) == (
        COM_ITEM,
        "com_name",
        84,
        28,
    )
    assert "handover policy" in rule.source
    site = template.model_copy(update={"flags": template.flags.model_copy(update={"no_com": None})})
    case = open_case(store, template, days(20))
    assert FlagKind.NO_COM not in {f.kind for f in evaluate(case, site, days(0)).flags}
    narrower = rule.model_copy(update={"within_days": 10, "critical_within_days": 5})
    site = template.model_copy(
        update={"flags": template.flags.model_copy(update={"no_com": narrower})}
    )
    assert FlagKind.NO_COM not in {f.kind for f in evaluate(case, site, days(0)).flags}
    (flag,) = [f for f in evaluate(case, site, days(12)).flags if f.kind is FlagKind.NO_COM]
    assert flag.severity is Severity.WARNING  # 8 days before release: inside 10, outside 5


RULE = """
[flags.no_com]
item = "{item}"
field = "{field}"
within_days = {within}
critical_within_days = {critical}
source = "Here"
checked = 2026-11-01
"""


def _site(tmp_path: Path, **rule: object) -> Path:
    values = {"item": "a.one", "field": "kind", "within": 84, "critical": 28, **rule}
    head, rest = MINI.split("[[sections]]", 1)
    path = tmp_path / "site.toml"
    path.write_text(f"{head}{RULE.format(**values)}\n[[sections]]{rest}", encoding="utf-8")
    return path


def test_a_site_template_may_name_its_own_item_and_field(tmp_path: Path) -> None:
    rule = load_template(_site(tmp_path)).flags.no_com
    assert rule is not None and (rule.item, rule.field) == ("a.one", "kind")


@pytest.mark.parametrize(
    ("rule", "problem"),
    [
        ({"item": "a.none"}, "names unknown item 'a.none'"),
        ({"field": "sort"}, "names unknown field 'sort' of 'a.one'"),
        ({"critical": 90}, "critical_within_days must not be more than within_days"),
    ],
)
def test_a_rule_that_cannot_work_is_refused_with_its_line(
    tmp_path: Path, rule: dict[str, object], problem: str
) -> None:
    with pytest.raises(TemplateError) as refused:
        load_template(_site(tmp_path, **rule))
    assert problem in str(refused.value)
    assert "site.toml:" in str(refused.value)
