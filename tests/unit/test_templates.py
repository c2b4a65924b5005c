"""Checklist templates: the shipped template, and loading templates a site writes itself."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.domain.person import Circumstances
from planner.domain.template import (
    AgeUnder,
    AllOf,
    AnyOf,
    CircumstanceIs,
    Condition,
    EvidenceIn,
    FieldType,
    Template,
)
from planner.domain.template_loading import (
    TemplateError,
    TemplateLibrary,
    TemplateProblem,
    builtin_template_dir,
    load_template,
)

SHIPPED = builtin_template_dir() / "england-wales.toml"

DOMAIN_IDS = [
    "release.date_confirmed",
    "release.day_plan",
    "id.documents",
    "bank.account",
    "benefits.work_coach",
    "benefits.uc_appointment",
    "accommodation.address",
    "accommodation.duty_to_refer",
    "accommodation.cas_referral",
    "psr.status",
    "handover.com_allocated",
    "handover.meeting",
    "handover.summary_sent",
    "health.gp",
    "health.medication",
    "health.substance_misuse",
    "health.mental_health",
    "work.plan",
    "family.contact",
    "special.veteran",
    "special.foreign_national",
    "special.care_leaver",
]

SECTIONS = [
    ("release", "Release"),
    ("id", "ID"),
    ("bank", "Bank account"),
    ("benefits", "Universal Credit"),
    ("accommodation", "Accommodation"),
    ("psr", "Pre-sentence report"),
    ("handover", "Handover"),
    ("health", "Health"),
    ("work", "Work, education and training"),
    ("family", "Family"),
    ("special", "Special circumstances"),
]

DUE = {
    "release.date_confirmed": 112,
    "release.day_plan": 7,
    "id.documents": 84,
    "bank.account": 70,
    "benefits.work_coach": 84,
    "benefits.uc_appointment": 5,
    "accommodation.address": 28,
    "accommodation.duty_to_refer": 56,
    "accommodation.cas_referral": 56,
    "psr.status": 84,
    "handover.com_allocated": 84,
    "handover.meeting": 28,
    "handover.summary_sent": 14,
    "health.gp": 28,
    "health.medication": 7,
    "health.substance_misuse": 28,
    "health.mental_health": 28,
    "work.plan": 84,
    "family.contact": 56,
    "special.veteran": 84,
    "special.foreign_national": 112,
    "special.care_leaver": 84,
}


@pytest.fixture(scope="module")
def shipped() -> Template:
    return load_template(SHIPPED)


def choice_values(template: Template, item_id: str, field: str) -> set[str]:
    found = template.item(item_id).field(field)
    assert found is not None, f"{item_id} has no field {field}"
    assert found.type is FieldType.CHOICE
    return {c.value for c in found.choices}


# --- the shipped template -----------------------------------------------------------------


def test_shipped_template_loads(shipped: Template) -> None:
    assert shipped.id == "england-wales"
    assert shipped.version == 4
    assert shipped.key == "england-wales@4"


def test_shipped_template_has_every_domain_item_in_order(shipped: Template) -> None:
    ids = [item.id for item in shipped.items]
    assert ids == DOMAIN_IDS
    assert len(set(ids)) == len(ids)


def test_shipped_sections_in_order_and_all_used(shipped: Template) -> None:
    assert [(s.id, s.title) for s in shipped.sections] == SECTIONS
    used = {item.section for item in shipped.items}
    assert used == {s.id for s in shipped.sections}
    for item in shipped.items:
        assert item.id.split(".")[0] == item.section


def test_shipped_due_days_and_metadata(shipped: Template) -> None:
    for item in shipped.items:
        assert item.due_days_before_release == DUE[item.id], item.id
        assert item.checked.isoformat() == "2026-11-01"
        assert item.source.strip() and item.why.strip() and item.title.strip()
        assert item.evidence, f"{item.id} records no evidence"
    dtr = shipped.item("accommodation.duty_to_refer")
    assert dtr.recommended_days_before_release == 84
    psr = shipped.item("psr.status")
    assert psr.due_no_earlier_than_days_after_creation == 14


def test_shipped_escalations(shipped: Template) -> None:
    id_docs = shipped.item("id.documents").escalation
    assert id_docs is not None
    assert id_docs.days_before_release == 28
    assert id_docs.until_field == "date_received"
    assert shipped.item("id.documents").field("date_received") is not None
    bank = shipped.item("bank.account").escalation
    assert bank is not None
    assert bank.days_before_release == 42
    assert "6 weeks" in bank.reason


def test_shipped_flags(shipped: Template) -> None:
    flags = shipped.flags
    assert flags.due_soon_days == 14
    assert flags.critical_within_days == 14
    nfa = flags.no_fixed_abode
    assert nfa is not None
    assert (nfa.item, nfa.field, nfa.within_days) == (
        "accommodation.address",
        "accommodation_type",
        28,
    )
    assert set(nfa.values) == {"no_fixed_abode", "rough_sleeping"}
    assert set(nfa.values) <= choice_values(shipped, nfa.item, nfa.field)


def test_shipped_vocabularies(shipped: Template) -> None:
    assert choice_values(shipped, "release.date_confirmed", "date_type") == {
        "crd",
        "ard",
        "ped",
        "hdc",
        "sds40",
        "confirmed",
    }
    assert len(choice_values(shipped, "id.documents", "document_type")) == 7
    assert choice_values(shipped, "bank.account", "bank") == {
        "barclays",
        "coop",
        "hsbc",
        "lloyds",
        "nationwide",
        "natwest",
        "santander",
        "other",
    }
    assert choice_values(shipped, "accommodation.address", "accommodation_type") == {
        "settled",
        "temporary",
        "cas1",
        "cas2",
        "cas3",
        "no_fixed_abode",
        "rough_sleeping",
        "unknown",
    }
    assert choice_values(shipped, "accommodation.duty_to_refer", "outcome") == {
        "submitted",
        "accepted",
        "not_accepted",
        "withdrawn",
    }
    assert choice_values(shipped, "psr.status", "status") == {
        "available",
        "not_prepared",
        "requested",
        "unknown",
    }
    assert choice_values(shipped, "psr.status", "report_type") == {
        "oral",
        "fast_delivery",
        "standard_delivery",
    }


def test_shipped_required_fields(shipped: Template) -> None:
    def required(item_id: str) -> set[str]:
        return {f.name for f in shipped.item(item_id).required_fields}

    assert required("id.documents") == {"document_type"}
    assert required("bank.account") == {"bank", "outcome"}
    assert required("benefits.uc_appointment") == {"appointment"}
    assert required("accommodation.address") == {"accommodation_type", "address"}
    assert required("accommodation.duty_to_refer") == {"local_authority", "date_referred"}
    assert required("psr.status") == {"status"}
    for item in shipped.items:
        assert item.required_fields, f"{item.id}: nothing must be recorded before done"


def test_shipped_outcomes_that_mean_not_met(shipped: Template) -> None:
    """Which recorded outcomes leave a done item's need unmet is data in the template."""
    not_met = {
        (item.id, field.name): set(field.not_met_values)
        for item in shipped.items
        for field in item.evidence
        if field.not_met_values
    }
    assert not_met == {
        ("id.documents", "outcome"): {"rejected", "returned"},
        ("bank.account", "outcome"): {
            "declined",
            "returned_ineligible",
            "returned_inaccurate",
            "returned_incomplete",
        },
        ("accommodation.duty_to_refer", "outcome"): {"not_accepted", "withdrawn"},
    }


def test_shipped_dates_of_what_has_happened_are_past(shipped: Template) -> None:
    ahead = {
        f"{item.id}.{field.name}"
        for item in shipped.items
        for field in item.evidence
        if field.type is FieldType.DATE and not field.past
    }
    # bookings may lie ahead (appointments are fields of their own type, from version 4);
    # every other date records what happened
    assert ahead == {
        "accommodation.cas_referral.booking_start",
    }


def test_shipped_address_not_booked_rule(shipped: Template) -> None:
    rule = shipped.flags.address_not_booked
    assert rule is not None
    assert (rule.item, rule.field, rule.booking_item, rule.within_days) == (
        "accommodation.address",
        "accommodation_type",
        "accommodation.cas_referral",
        28,
    )
    assert set(rule.values) == {"cas1", "cas2", "cas3"}


def test_a_template_not_using_later_fields_dumps_as_before(tmp_path: Path) -> None:
    """not_met, past and address_not_booked are left out of a dump while unused, so the
    fingerprint of a template stored before they existed stays the same."""
    template = load_template(_write(tmp_path, MINI))
    dumped = template.model_dump(mode="json", by_alias=True)
    assert "address_not_booked" not in dumped["flags"]
    choice = dumped["items"][0]["evidence"][0]["choices"][0]
    assert choice == {"value": "x", "label": "X"}
    assert "past" not in dumped["items"][1]["evidence"][0]
    marked = MINI.replace(
        '{ value = "y", label = "Y" }', '{ value = "y", label = "Y", not_met = true }'
    )
    changed = load_template(_write(tmp_path, marked, "marked.toml"))
    assert changed.model_dump(mode="json")["items"][0]["evidence"][0]["choices"][1]["not_met"]
    assert changed.fingerprint() != template.fingerprint()
    assert Template.model_validate(changed.model_dump(mode="json", by_alias=True)) == changed


def test_shipped_health_evidence_is_sensitive(shipped: Template) -> None:
    for item in shipped.items:
        for field in item.evidence:
            assert field.sensitive == (item.section == "health"), f"{item.id}.{field.name}"


def _walk(cond: Condition | None) -> list[Condition]:
    if cond is None:
        return []
    if isinstance(cond, AllOf):
        return [cond, *(c for sub in cond.all for c in _walk(sub))]
    if isinstance(cond, AnyOf):
        return [cond, *(c for sub in cond.any for c in _walk(sub))]
    return [cond]


def test_shipped_applicability(shipped: Template) -> None:
    expected = {
        "health.medication": "on_medication",
        "health.substance_misuse": "substance_misuse",
        "health.mental_health": "mental_health",
        "family.contact": "dependants",
        "special.veteran": "veteran",
        "special.foreign_national": "foreign_national",
    }
    for item_id, circumstance in expected.items():
        assert shipped.item(item_id).applies == CircumstanceIs(circumstance=circumstance)
    for item_id in ("accommodation.duty_to_refer", "accommodation.cas_referral"):
        cond = shipped.item(item_id).applies
        assert isinstance(cond, EvidenceIn)
        assert (cond.item, cond.field, cond.not_values) == (
            "accommodation.address",
            "accommodation_type",
            ("settled",),
        )
    care = shipped.item("special.care_leaver").applies
    assert care == AllOf(all=(CircumstanceIs(circumstance="care_leaver"), AgeUnder(age_under=25)))
    for item in shipped.items:
        if item.applies is None:
            assert item.applies_label == "all"
        else:
            assert item.applies_label != "all", item.id


def test_shipped_conditions_reference_real_fields(shipped: Template) -> None:
    circumstances = set(Circumstances.model_fields)
    for item in shipped.items:
        for cond in _walk(item.applies):
            if isinstance(cond, EvidenceIn):
                assert shipped.has_item(cond.item)
                assert cond.item != item.id
                values = choice_values(shipped, cond.item, cond.field)
                assert set(cond.values) | set(cond.not_values) <= values
            elif isinstance(cond, CircumstanceIs):
                assert cond.circumstance in circumstances


def test_shipped_header_explains_the_format() -> None:
    head = SHIPPED.read_text(encoding="utf-8").split("\nid = ", 1)[0]
    words = (
        "version",
        "applies",
        "required",
        "sensitive",
        "checked",
        "[[items.evidence]]",
        "not_met = true",
        "past = true",
        "[flags.address_not_booked]",
    )
    for word in words:
        assert word in head


def test_builtin_dir_is_the_checkout_folder() -> None:
    assert builtin_template_dir() == Path(__file__).resolve().parents[2] / "checklists"


# --- problems in templates a site writes --------------------------------------------------


def _write(tmp_path: Path, text: str, name: str = "site.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _problems(path: Path) -> list[TemplateProblem]:
    with pytest.raises(TemplateError) as caught:
        load_template(path)
    error = caught.value
    assert error.path == path
    assert error.problems
    assert "\n" not in str(error)
    return error.problems


def _line_of(text: str, pattern: str, nth: int = 0) -> int:
    lines = [i for i, line in enumerate(text.splitlines(), start=1) if re.search(pattern, line)]
    return lines[nth]


MINI = """\
id = "mini"
version = 1
title = "Mini"

[[sections]]
id = "a"
title = "A"

[[items]]
id = "a.one"
section = "a"
title = "One"
why = "Because."
source = "Here"
checked = 2026-11-01
due_days_before_release = 10

[[items.evidence]]
name = "kind"
label = "Kind"
type = "choice"
choices = [{ value = "x", label = "X" }, { value = "y", label = "Y" }]

[[items]]
id = "a.two"
section = "a"
title = "Two"
why = "Because."
source = "Here"
checked = 2026-11-01
due_days_before_release = 5
applies = { item = "a.one", field = "kind", in = ["x"] }

[[items.evidence]]
name = "when"
label = "When"
type = "date"

[[items.evidence]]
name = "note"
label = "Note"
type = "text"
"""


def test_mini_template_loads(tmp_path: Path) -> None:
    template = load_template(_write(tmp_path, MINI))
    assert [i.id for i in template.items] == ["a.one", "a.two"]


def test_unknown_field_type(tmp_path: Path) -> None:
    text = MINI.replace('type = "text"', 'type = "number"')
    path = _write(tmp_path, text)
    [problem] = _problems(path)
    assert problem.place == "items[1] (a.two) > evidence[1] > type"
    assert problem.line == _line_of(text, 'type = "number"')
    assert "'date', 'text', 'choice', 'yes_no' or 'appointment'" in problem.message
    assert str(problem) == f"site.toml:{problem.line}: {problem.place}: {problem.message}"


def test_duplicate_item_id(tmp_path: Path) -> None:
    text = MINI.replace('id = "a.two"', 'id = "a.one"').replace(
        'applies = { item = "a.one", field = "kind", in = ["x"] }\n', ""
    )
    [problem] = _problems(_write(tmp_path, text))
    assert "'a.one' is listed twice" in problem.message
    assert problem.place == "items[1] (a.one) > id"
    assert problem.line == _line_of(text, 'id = "a.one"', nth=1)


def test_condition_naming_unknown_item(tmp_path: Path) -> None:
    text = MINI.replace('item = "a.one"', 'item = "a.none"')
    [problem] = _problems(_write(tmp_path, text))
    assert "unknown item 'a.none'" in problem.message
    assert problem.place == "items[1] (a.two) > applies > item"
    assert problem.line == _line_of(text, "^applies = ")


def test_model_level_problems_are_split(tmp_path: Path) -> None:
    text = MINI.replace('field = "kind"', 'field = "sort"').replace(
        'section = "a"\ntitle = "Two"', 'section = "b"\ntitle = "Two"'
    )
    problems = _problems(_write(tmp_path, text))
    assert len(problems) == 2
    assert all(";" not in p.message for p in problems)
    assert {p.place for p in problems} == {
        "items[1] (a.two) > section",
        "items[1] (a.two) > applies > field",
    }
    assert all(p.line is not None for p in problems)


def test_choice_without_choices(tmp_path: Path) -> None:
    text = MINI.replace(
        'choices = [{ value = "x", label = "X" }, { value = "y", label = "Y" }]\n', ""
    )
    [problem] = _problems(_write(tmp_path, text))
    assert problem.place == "items[0] (a.one) > evidence[0]"
    assert "lists no choices" in problem.message
    assert problem.line == _line_of(text, r"^\[\[items\.evidence\]\]", nth=0)


def test_toml_syntax_error_has_its_line(tmp_path: Path) -> None:
    text = MINI.replace("due_days_before_release = 5", "due_days_before_release = = 5")
    [problem] = _problems(_write(tmp_path, text))
    assert problem.place == "TOML syntax"
    assert problem.line == _line_of(text, "= = 5")


def test_missing_required_key(tmp_path: Path) -> None:
    text = MINI.replace(
        'why = "Because."\nsource = "Here"\nchecked = 2026-11-01\ndue_days_before_release = 5',
        'source = "Here"\nchecked = 2026-11-01\ndue_days_before_release = 5',
    )
    [problem] = _problems(_write(tmp_path, text))
    assert problem.place == "items[1] (a.two) > why"
    assert problem.message == "required key is missing"
    assert problem.line == _line_of(text, r"^\[\[items\]\]", nth=1)


def test_misspelt_condition_gives_one_problem(tmp_path: Path) -> None:
    text = MINI.replace(
        'applies = { item = "a.one", field = "kind", in = ["x"] }',
        'applies = { all = [{ circumstance = "vetran" }, { age_undr = 25 }] }',
    )
    problems = _problems(_write(tmp_path, text))
    assert [p.place for p in problems] == [
        "items[1] (a.two) > applies > all[0] > circumstance",
        "items[1] (a.two) > applies > all[1]",
    ]
    assert "unknown circumstance 'vetran'" in problems[0].message
    assert "is not a condition" in problems[1].message
    line = _line_of(text, "^applies = ")
    assert [p.line for p in problems] == [line, line]


def test_unreadable_and_non_utf8_files(tmp_path: Path) -> None:
    [missing] = _problems(tmp_path / "absent.toml")
    assert missing.line is None
    path = tmp_path / "latin1.toml"
    path.write_bytes(b'id = "x"\ntitle = "caf\xe9"\n')
    [problem] = _problems(path)
    assert problem.line == 2


def test_every_problem_is_reported(tmp_path: Path) -> None:
    text = (
        MINI.replace('type = "date"', 'type = "day"')
        .replace('type = "text"', 'type = "words"')
        .replace("version = 1", "version = 0")
    )
    problems = _problems(_write(tmp_path, text))
    assert [p.place for p in problems] == [
        "version",
        "items[1] (a.two) > evidence[0] > type",
        "items[1] (a.two) > evidence[1] > type",
    ]
    assert [p.line for p in problems] == [2, _line_of(text, '"day"'), _line_of(text, '"words"')]


# --- the library --------------------------------------------------------------------------


def test_library_lists_builtin_default() -> None:
    library = TemplateLibrary()
    infos = library.list()
    assert infos[0].id == library.default_id == "england-wales"
    assert infos[0].item_count == len(DOMAIN_IDS)
    assert infos[0].path == SHIPPED
    assert library.get("england-wales").version == 4
    assert library.problems() == []


def test_site_dir_overrides_builtin(tmp_path: Path) -> None:
    site = SHIPPED.read_text(encoding="utf-8").replace("version = 4", "version = 5", 1)
    site = site.replace('title = "England and Wales pre-release checklist"', 'title = "Our prison"')
    _write(tmp_path, site, "ours.toml")
    _write(tmp_path, MINI, "mini.toml")
    library = TemplateLibrary([tmp_path])
    template = library.get("england-wales")
    assert (template.version, template.title) == (5, "Our prison")
    infos = {i.id: i for i in library.list()}
    assert set(infos) == {"england-wales", "mini"}
    assert infos["england-wales"].path == tmp_path / "ours.toml"
    old = library.get_version("england-wales", 4)
    assert old is not None and old.title == "England and Wales pre-release checklist"
    assert library.get_version("england-wales", 6) is None


def test_broken_site_template_is_reported_not_raised(tmp_path: Path) -> None:
    _write(tmp_path, MINI.replace('type = "text"', 'type = "number"'), "broken.toml")
    _write(tmp_path, "id = [", "garbled.toml")
    library = TemplateLibrary([tmp_path, tmp_path / "does-not-exist"])
    assert [i.id for i in library.list()] == ["england-wales"]
    problems = library.problems()
    assert sorted(p.path.name for p in problems) == ["broken.toml", "garbled.toml"]
    for error in problems:
        assert all(p.line is not None for p in error.problems)


def test_same_id_twice_in_one_folder_is_a_problem(tmp_path: Path) -> None:
    _write(tmp_path, MINI, "a.toml")
    _write(tmp_path, MINI.replace('title = "Mini"', 'title = "Mini again"'), "b.toml")
    library = TemplateLibrary([tmp_path])
    assert library.get("mini").title == "Mini"
    [error] = library.problems()
    assert error.path.name == "b.toml"
    assert error.problems[0].line == 1


def test_unknown_id_names_known_ones() -> None:
    with pytest.raises(KeyError, match="england-wales"):
        TemplateLibrary().get("scotland")


# --- robustness ---------------------------------------------------------------------------

_FRAGMENTS = [
    "[[items]]",
    "[[items.evidence]]",
    "[items.escalation]",
    "[[sections]]",
    "[flags]",
    "[flags.no_fixed_abode]",
    'id = "a.one"',
    'section = "a"',
    'type = "choice"',
    "choices = []",
    "applies = { all = [] }",
    'applies = { circumstance = "x" }',
    "due_days_before_release = -1",
    'x = """',
    '"""',
    "[[items.evidence.choices]]",
    "items = 3",
]


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text())
def test_arbitrary_text_only_raises_template_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "any.toml"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    try:
        load_template(path)
    except TemplateError as error:
        assert error.problems
        str(error)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    edits=st.lists(
        st.tuples(st.integers(min_value=0, max_value=10_000), st.sampled_from([None, *_FRAGMENTS])),
        max_size=6,
    )
)
def test_edited_template_only_raises_template_error(
    tmp_path: Path, edits: list[tuple[int, str | None]]
) -> None:
    lines = MINI.splitlines()
    for position, fragment in edits:
        at = position % (len(lines) + 1)
        if fragment is None:
            del lines[at : at + 1]
        else:
            lines.insert(at, fragment)
    path = tmp_path / "edited.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    try:
        load_template(path)
    except TemplateError as error:
        for problem in error.problems:
            assert problem.line is None or 1 <= problem.line <= max(1, len(lines))
            str(problem)


# --- what a template means ----------------------------------------------------------------


def _one(tmp_path: Path, text: str) -> TemplateProblem:
    [problem] = _problems(_write(tmp_path, text))
    return problem


@pytest.mark.parametrize(
    ("old", "new", "place", "message"),
    [
        (
            "due_days_before_release = 5",
            "due_days_before_release = true",
            "items[1] (a.two) > due_days_before_release",
            "needs a whole number (like 28), not true or false",
        ),
        (
            "due_days_before_release = 5",
            'due_days_before_release = "5"',
            "items[1] (a.two) > due_days_before_release",
            "needs a whole number (like 28), not the text '5' (leave out the quotes)",
        ),
        (
            "due_days_before_release = 5",
            "due_days_before_release = 5.0",
            "items[1] (a.two) > due_days_before_release",
            "needs a whole number (like 28), not the decimal 5.0",
        ),
        (
            'type = "date"',
            'type = "date"\nrequired = "no"',
            "items[1] (a.two) > evidence[0] > required",
            "needs true or false, not the text 'no' (leave out the quotes)",
        ),
        (
            'type = "date"',
            'type = "date"\nsensitive = 1',
            "items[1] (a.two) > evidence[0] > sensitive",
            "needs true or false, not the number 1",
        ),
        (
            "checked = 2026-11-01\ndue_days_before_release = 5",
            "checked = 1793491200\ndue_days_before_release = 5",
            "items[1] (a.two) > checked",
            "needs a date like 2026-11-01, not a number",
        ),
    ],
)
def test_values_of_the_wrong_type_are_refused_with_their_line(
    tmp_path: Path, old: str, new: str, place: str, message: str
) -> None:
    assert old in MINI
    text = MINI.replace(old, new)
    problem = _one(tmp_path, text)
    assert (problem.place, problem.message) == (place, message)
    changed = next(line for line in new.splitlines() if line not in old.splitlines())
    assert problem.line == _line_of(text, "^" + re.escape(changed) + "$")


@pytest.mark.parametrize("version", ["true", "0", "-1", str(2**31), str(2**64), "9" * 40])
def test_version_must_be_a_positive_number_that_fits_the_store(
    tmp_path: Path, version: str
) -> None:
    problem = _one(tmp_path, MINI.replace("version = 1", f"version = {version}"))
    assert problem.place == "version" and problem.line == 2
    if version not in ("true", "0", "-1"):
        assert problem.message == "Input should be less than or equal to 2147483647"


def test_the_largest_version_loads(tmp_path: Path) -> None:
    text = MINI.replace("version = 1", f"version = {2**31 - 1}")
    assert load_template(_write(tmp_path, text)).version == 2**31 - 1


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("due_days_before_release", "731"),
        ("due_days_before_release", "-1"),
        ("due_days_before_release", str(2**70)),
        ("recommended_days_before_release", "100000"),
        ("due_no_earlier_than_days_after_creation", "366"),
    ],
)
def test_day_offsets_are_within_two_years(tmp_path: Path, key: str, value: str) -> None:
    text = MINI.replace(
        "due_days_before_release = 5", f"due_days_before_release = 5\n{key} = {value}"
    )
    if key == "due_days_before_release":
        text = MINI.replace("due_days_before_release = 5", f"{key} = {value}")
    problem = _one(tmp_path, text)
    assert problem.place == f"items[1] (a.two) > {key}"
    assert problem.line == _line_of(text, f"^{key} = {re.escape(value)}$")


def test_condition_naming_a_choice_that_does_not_exist(tmp_path: Path) -> None:
    text = MINI.replace('in = ["x"]', 'in = ["x", "z", "w"]')
    problem = _one(tmp_path, text)
    assert problem.place == "items[1] (a.two) > applies > in"
    assert problem.message == (
        "condition names 'z', 'w', not choices of a.one.kind (its choices: x, y)"
    )
    assert problem.line == _line_of(text, "^applies = ")


def test_not_in_naming_a_choice_that_does_not_exist(tmp_path: Path) -> None:
    text = MINI.replace('in = ["x"]', 'not_in = ["settled"]')
    problem = _one(tmp_path, text)
    assert problem.place == "items[1] (a.two) > applies > not_in"
    assert "'settled', not choice of a.one.kind" in problem.message


def test_condition_on_a_field_that_is_not_a_choice(tmp_path: Path) -> None:
    text = MINI.replace(
        'choices = [{ value = "x", label = "X" }, { value = "y", label = "Y" }]\n',
        'choices = [{ value = "x", label = "X" }, { value = "y", label = "Y" }]\n\n'
        '[[items.evidence]]\nname = "held"\nlabel = "Held"\ntype = "yes_no"\n',
    ).replace('field = "kind", in = ["x"]', 'field = "held", in = ["yes"]')
    problem = _one(tmp_path, text)
    assert problem.place == "items[1] (a.two) > applies > field"
    assert problem.message.startswith("condition tests a.one.held, a yes_no field;")
    assert problem.line == _line_of(text, "^applies = ")


def test_condition_inside_all_and_any_is_placed_exactly(tmp_path: Path) -> None:
    text = MINI.replace(
        'applies = { item = "a.one", field = "kind", in = ["x"] }',
        'applies = { any = [{ age_under = 25 }, { all = [{ circumstance = "veteran" }, '
        '{ item = "a.one", field = "kinds", in = ["x"] }] }] }',
    )
    problem = _one(tmp_path, text)
    assert problem.place == "items[1] (a.two) > applies > any[1] > all[1] > field"
    assert problem.message == "condition names unknown field 'kinds' of 'a.one'"


def test_condition_on_an_items_own_evidence_is_a_cycle(tmp_path: Path) -> None:
    text = MINI.replace(
        "due_days_before_release = 10\n",
        'due_days_before_release = 10\napplies = { item = "a.one", field = "kind", in = ["x"] }\n',
    )
    problem = _one(tmp_path, text)
    assert problem.place == "items[0] (a.one) > applies > item"
    assert "this item's own evidence" in problem.message
    assert problem.line == _line_of(text, "^applies = ", nth=0)


ONE_NEEDS_THREE = (
    'applies = { any = [{ age_under = 25 }, { item = "a.three", field = "pick", in = ["p"] }] }\n'
)
THREE = (
    MINI.replace(
        "due_days_before_release = 10\n", "due_days_before_release = 10\n" + ONE_NEEDS_THREE
    )
    + """
[[items]]
id = "a.three"
section = "a"
title = "Three"
why = "Because."
source = "Here"
checked = 2026-11-01
due_days_before_release = 5
applies = { item = "a.two", field = "mode", in = ["m"] }

[[items.evidence]]
name = "pick"
label = "Pick"
type = "choice"
choices = [{ value = "p", label = "P" }]
"""
).replace(
    '[[items.evidence]]\nname = "note"',
    '[[items.evidence]]\nname = "mode"\nlabel = "Mode"\ntype = "choice"\n'
    'choices = [{ value = "m", label = "M" }]\n\n[[items.evidence]]\nname = "note"',
)


def test_mutually_dependent_conditions_are_one_problem_naming_the_cycle(tmp_path: Path) -> None:
    problem = _one(tmp_path, THREE)
    assert problem.place == "items[0] (a.one) > applies > any[1] > item"
    assert problem.message.startswith(
        "condition depends on itself through a.one -> a.three -> a.two -> a.one;"
    )
    assert problem.line == _line_of(THREE, "^applies = ", nth=0)


def test_a_chain_of_conditions_without_a_cycle_loads(tmp_path: Path) -> None:
    text = THREE.replace(ONE_NEEDS_THREE, "")
    template = load_template(_write(tmp_path, text))
    assert [i.applies is not None for i in template.items] == [False, True, True]


def test_recommended_day_after_the_deadline(tmp_path: Path) -> None:
    text = MINI.replace(
        "due_days_before_release = 5",
        "due_days_before_release = 5\nrecommended_days_before_release = 3",
    )
    problem = _one(tmp_path, text)
    assert problem.place == "items[1] (a.two) > recommended_days_before_release"
    assert "is after the deadline (5 days before release)" in problem.message
    assert problem.line == _line_of(text, "^recommended_days_before_release")


def test_escalation_before_the_deadline(tmp_path: Path) -> None:
    text = MINI.replace(
        'applies = { item = "a.one", field = "kind", in = ["x"] }\n',
        'applies = { item = "a.one", field = "kind", in = ["x"] }\n\n'
        '[items.escalation]\ndays_before_release = 9\nreason = "hard stop"\n',
    )
    problem = _one(tmp_path, text)
    assert problem.place == "items[1] (a.two) > escalation > days_before_release"
    assert "comes before the deadline (5 days before release)" in problem.message
    assert problem.line == _line_of(text, "^days_before_release = 9")


def test_no_fixed_abode_flag_must_name_real_choices(tmp_path: Path) -> None:
    flags = '[flags.no_fixed_abode]\nitem = "a.one"\nfield = "kind"\nvalues = ["x", "nfa"]\n\n'
    text = MINI.replace("[[sections]]", flags + "[[sections]]")
    problem = _one(tmp_path, text)
    assert problem.place == "flags > no_fixed_abode > values"
    assert problem.message == "names 'nfa', not choice of a.one.kind (its choices: x, y)"
    assert problem.line == _line_of(text, "^values = ")


def test_not_met_must_be_true_or_false_and_never_on_every_choice(tmp_path: Path) -> None:
    text = MINI.replace('{ value = "x", label = "X" }', '{ value = "x", label = "X", not_met = 1 }')
    problem = _one(tmp_path, text)
    assert problem.place.startswith("items[0] (a.one) > evidence[0] > choices[0] > not_met")
    every = MINI.replace('label = "X" }', 'label = "X", not_met = true }').replace(
        'label = "Y" }', 'label = "Y", not_met = true }'
    )
    problem = _one(tmp_path, every)
    assert problem.place == "items[0] (a.one) > evidence[0] > choices"
    assert "every choice of 'kind' is marked not_met" in problem.message
    assert problem.line == _line_of(every, "^choices = ")


def test_past_is_only_for_dates(tmp_path: Path) -> None:
    text = MINI.replace('type = "text"', 'type = "text"\npast = true')
    problem = _one(tmp_path, text)
    assert problem.place == "items[1] (a.two) > evidence[1]"
    assert "'note' is marked past but is text" in problem.message
    assert load_template(
        _write(tmp_path, MINI.replace('type = "date"', 'type = "date"\npast = true'))
    )


@pytest.mark.parametrize(
    ("rule", "place", "message"),
    [
        (
            'item = "a.one"\nfield = "kind"\nvalues = ["x", "z"]\nbooking_item = "a.two"',
            "flags > address_not_booked > values",
            "names 'z', not choice of a.one.kind (its choices: x, y)",
        ),
        (
            'item = "a.one"\nfield = "kind"\nvalues = ["x"]\nbooking_item = "a.three"',
            "flags > address_not_booked > booking_item",
            "names unknown booking item 'a.three'",
        ),
        (
            'item = "a.nine"\nfield = "kind"\nvalues = ["x"]\nbooking_item = "a.two"',
            "flags > address_not_booked > item",
            "names unknown item 'a.nine'",
        ),
    ],
)
def test_address_not_booked_flag_must_name_real_items_and_choices(
    tmp_path: Path, rule: str, place: str, message: str
) -> None:
    text = MINI.replace("[[sections]]", f"[flags.address_not_booked]\n{rule}\n\n[[sections]]", 1)
    problem = _one(tmp_path, text)
    assert (problem.place, problem.message) == (place, message)


def test_meaning_is_checked_wherever_a_template_is_read(tmp_path: Path) -> None:
    import tomllib

    from pydantic import ValidationError

    data = tomllib.loads(MINI.replace('in = ["x"]', 'in = ["z"]'))
    with pytest.raises(ValidationError, match=r"item 'a\.two': condition names 'z'"):
        Template.model_validate(data)


def test_broken_site_template_is_never_swapped_for_the_builtin(tmp_path: Path) -> None:
    site = SHIPPED.read_text(encoding="utf-8").replace("version = 4", "version = 5", 1)
    site = site.replace("due_days_before_release = 112", "due_days_before_release = true", 1)
    _write(tmp_path, site, "ours.toml")
    library = TemplateLibrary([tmp_path])
    with pytest.raises(KeyError) as refused:
        library.get("england-wales")
    line = _line_of(site, "= true$")
    assert str(refused.value.args[0]) == (
        "template 'england-wales' cannot be used: template ours.toml has a problem: "
        f"ours.toml:{line}: items[0] (release.date_confirmed) > due_days_before_release: "
        "needs a whole number (like 28), not true or false"
    )
    assert "england-wales" not in {i.id for i in library.list()}
    assert [e.path.name for e in library.problems()] == ["ours.toml"]


def test_one_reading_lists_wrong_values_and_wrong_meaning_together(tmp_path: Path) -> None:
    flags = '[flags.no_fixed_abode]\nitem = "a.one"\nfield = "kind"\nvalues = ["nfa"]\n\n'
    text = MINI.replace("[[sections]]", flags + "[[sections]]").replace(
        "due_days_before_release = 5", "due_days_before_release = true"
    )
    problems = _problems(_write(tmp_path, text))
    assert [(p.place, p.line) for p in problems] == [
        ("flags > no_fixed_abode > values", _line_of(text, "^values = ")),
        ("items[1] (a.two) > due_days_before_release", _line_of(text, "= true$")),
    ]


def test_a_condition_on_an_item_that_did_not_validate_is_not_called_unknown(
    tmp_path: Path,
) -> None:
    text = MINI.replace("due_days_before_release = 10", "due_days_before_release = true")
    [problem] = _problems(_write(tmp_path, text))
    assert problem.place == "items[0] (a.one) > due_days_before_release"


def test_missing_sections_are_one_problem_not_one_per_item(tmp_path: Path) -> None:
    text = MINI.replace('[[sections]]\nid = "a"\ntitle = "A"\n', "")
    [problem] = _problems(_write(tmp_path, text))
    assert (problem.place, problem.message) == ("sections", "required key is missing")


SELF = 'applies = { item = "a.one", field = "kind", in = ["x"] }\n'


def test_templates_check_lists_every_problem_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from planner.cli import main

    text = (
        MINI.replace("version = 1", f"version = {2**64}")
        .replace("due_days_before_release = 5", "due_days_before_release = true")
        .replace("due_days_before_release = 10\n", "due_days_before_release = 10\n" + SELF)
    )
    path = _write(tmp_path, text)
    assert main(["templates", "check", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        "site.toml:2: version: Input should be less than or equal to 2147483647",
        f"site.toml:{_line_of(text, '^applies = ', 0)}: items[0] (a.one) > applies > item: "
        "condition tests this item's own evidence, so whether it applies depends on itself; "
        "test another item's evidence",
        f"site.toml:{_line_of(text, '= true$')}: items[1] (a.two) > due_days_before_release: "
        "needs a whole number (like 28), not true or false",
        "site.toml: 3 problem(s); the template cannot be used.",
    ]
    assert main(["templates", "check", str(_write(tmp_path, MINI, "good.toml"))]) == 0
    out, _ = capsys.readouterr()
    assert out == "good.toml: template mini@1 is valid (1 sections, 2 items).\n"


def test_shipped_template_passes_its_own_check(capsys: pytest.CaptureFixture[str]) -> None:
    from planner.cli import main

    assert main(["templates", "check", str(SHIPPED)]) == 0
    assert "england-wales@4 is valid" in capsys.readouterr().out


def test_import_and_add_refuse_a_broken_site_template_naming_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from planner.cli import main

    site = SHIPPED.read_text(encoding="utf-8").replace("version = 4", "version = 5", 1)
    site = site.replace('not_in = ["settled"]', 'not_in = ["setled"]', 1)
    folder = tmp_path / "site"
    folder.mkdir()
    _write(folder, site, "ours.toml")
    monkeypatch.setenv("PLANNER_TEMPLATES", str(folder))
    releases = tmp_path / "releases.csv"
    releases.write_text(
        "Prison Number,Surname,Forename,Date of Birth,CRD\nA1234BC,Example,Alex,17/05/1990,"
        "16/12/2026\n",
        encoding="utf-8",
    )
    db = tmp_path / "cases.db"
    line = _line_of(site, "setled")
    for argv in (
        ["import", str(releases)],
        ["add", "--number", "A1234BC", "--surname", "Example", "--forename", "Alex"],
    ):
        assert main(["--db", str(db), "--officer", "Test Officer", *argv]) == 2
        _, err = capsys.readouterr()
        assert err.count("\n") == 1
        assert f"ours.toml:{line}: items[7] (accommodation.duty_to_refer) > applies > not_in" in err
        assert "'setled', not choice of accommodation.address.accommodation_type" in err
    assert not db.exists()


def test_template_listing_shows_titles_and_problems_literally(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from planner.cli import main

    _write(tmp_path, MINI.replace('title = "Mini"', 'title = "Ours [/] [bold]"'), "mini.toml")
    _write(
        tmp_path,
        MINI.replace('id = "mini"', 'id = "other"').replace("= 5", "= true"),
        "[bold].toml",
    )
    monkeypatch.setenv("PLANNER_TEMPLATES", str(tmp_path))
    monkeypatch.setenv("COLUMNS", "200")
    assert main(["--db", str(tmp_path / "none.db"), "templates"]) == 0
    out = capsys.readouterr().out
    assert "Ours [/] [bold]" in out
    assert "x template [bold].toml has a problem: [bold].toml:" in out


def test_a_stored_copy_can_be_read_back_without_its_meaning_checked() -> None:
    import tomllib

    from pydantic import ValidationError

    from planner.domain.template import STORED_COPY

    data = tomllib.loads(MINI.replace('in = ["x"]', 'in = ["z"]'))
    with pytest.raises(ValidationError):
        Template.model_validate(data)
    copy = Template.model_validate(data, context=STORED_COPY)
    assert copy.item("a.two").applies == EvidenceIn(item="a.one", field="kind", values=("z",))
    with pytest.raises(ValidationError, match="valid integer"):
        Template.model_validate({**data, "version": True}, context=STORED_COPY)
