"""The filter language: every condition kind parses, prints back as it parses, and every
mistake is one line naming the unknown part with the nearest known one."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from planner.domain.errors import InvalidInput
from planner.domain.filter_terms import Condition, Filter, Kind, Op, Where
from planner.domain.filters import FilterError, Vocabulary, parse_condition, parse_filter
from planner.domain.template import Template


@pytest.fixture(scope="module")
def vocabulary(template: Template) -> Vocabulary:
    return Vocabulary([template])


def one(text: str, vocabulary: Vocabulary) -> Condition:
    return parse_condition(text, vocabulary)


@pytest.mark.parametrize(
    ("text", "where", "path", "op", "values"),
    [
        # a person's fields, from the caseload's summary
        ("surname = Smith", Where.PERSON, "surname", Op.EQ, ("Smith",)),
        ("forename != 'Jo Ann'", Where.PERSON, "forename", Op.NE, ("Jo Ann",)),
        ('location = "B wing"', Where.PERSON, "location", Op.EQ, ("B wing",)),
        ("location starts with B-2", Where.PERSON, "location", Op.STARTS_WITH, ("B-2",)),
        ("prison contains leeds", Where.PERSON, "prison", Op.CONTAINS, ("leeds",)),
        ("release_kind in (crd, hdc)", Where.PERSON, "release_kind", Op.IN, ("CRD", "HDC")),
        ("state = Released", Where.PERSON, "state", Op.EQ, ("released",)),
        ("assigned = me", Where.PERSON, "assigned", Op.EQ, ("me",)),
        ("assigned is empty", Where.PERSON, "assigned", Op.EMPTY, ()),
        ("number starts with A1", Where.PERSON, "number", Op.STARTS_WITH, ("A1",)),
        # ... and from the stored record
        ("crn is not empty", Where.PERSON, "crn", Op.NOT_EMPTY, ()),
        ("sex = Female", Where.PERSON, "sex", Op.EQ, ("female",)),
        ("ethnicity = 'White: Irish'", Where.PERSON, "ethnicity", Op.EQ, ("white_irish",)),
        ("dob before 01/01/1970", Where.PERSON, "date_of_birth", Op.BEFORE, ("1970-01-01",)),
        ("com is empty", Where.PERSON, "com", Op.EMPTY, ()),
        ("com.name = 'Sam Dobson'", Where.PERSON, "com", Op.EQ, ("Sam Dobson",)),
        ("com.unit contains Leeds", Where.PERSON, "com.unit", Op.CONTAINS, ("Leeds",)),
        ("com.email is empty", Where.PERSON, "com.email", Op.EMPTY, ()),
        ("pom is not empty", Where.PERSON, "pom", Op.NOT_EMPTY, ()),
        # an item's status
        ("bank.account != done", Where.STATUS, "bank.account", Op.NE, ("done",)),
        (
            "id.documents in (not_started, In Progress)",
            Where.STATUS,
            "id.documents",
            Op.IN,
            ("not_started", "in_progress"),
        ),
        ("health.gp not in (done, not-required)", Where.STATUS, "health.gp", Op.NOT_IN,
         ("done", "not_required")),
        ("accommodation.duty_to_refer is applicable", Where.STATUS,
         "accommodation.duty_to_refer", Op.APPLICABLE, ()),
        ("health.medication is not applicable", Where.STATUS, "health.medication",
         Op.NOT_APPLICABLE, ()),
        # an item's evidence field
        (
            "accommodation.address.accommodation_type in (no_fixed_abode, Rough sleeping)",
            Where.EVIDENCE,
            "accommodation.address.accommodation_type",
            Op.IN,
            ("no_fixed_abode", "rough_sleeping"),
        ),
        ("id.documents.date_received is empty", Where.EVIDENCE,
         "id.documents.date_received", Op.EMPTY, ()),
        ("id.documents.date_applied before 2026-10-01", Where.EVIDENCE,
         "id.documents.date_applied", Op.BEFORE, ("2026-10-01",)),
        ("benefits.uc_appointment.appointment after today", Where.EVIDENCE,
         "benefits.uc_appointment.appointment", Op.AFTER, ("today",)),
        ("benefits.uc_appointment.appointment within 7 days", Where.EVIDENCE,
         "benefits.uc_appointment.appointment", Op.WITHIN, ("7",)),
        ("handover.meeting.date_held within last 14", Where.EVIDENCE,
         "handover.meeting.date_held", Op.WITHIN_LAST, ("14",)),
        ("accommodation.duty_to_refer.consent = No", Where.EVIDENCE,
         "accommodation.duty_to_refer.consent", Op.EQ, ("no",)),
        ("bank.account.outcome = Declined", Where.EVIDENCE, "bank.account.outcome", Op.EQ,
         ("declined",)),
        ("health.gp.practice contains 'Park Lane'", Where.EVIDENCE, "health.gp.practice",
         Op.CONTAINS, ("Park Lane",)),
        # flags, by severity or kind (value or label)
        ("flag = critical", Where.FLAG, "flag", Op.EQ, ("critical",)),
        ("flag = 'No fixed abode'", Where.FLAG, "flag", Op.EQ, ("no_fixed_abode",)),
        ("flags in (overdue, blocked)", Where.FLAG, "flag", Op.IN, ("overdue", "blocked")),
        ("flag is empty", Where.FLAG, "flag", Op.EMPTY, ()),
        # the release window
        ("release within 28", Where.RELEASE, "release", Op.WITHIN, ("28",)),
        ("release is empty", Where.RELEASE, "release", Op.EMPTY, ()),
        ("release before 04/12/2026", Where.RELEASE, "release", Op.BEFORE, ("2026-12-04",)),
        ("release_date < today", Where.RELEASE, "release", Op.BEFORE, ("today",)),
        ("release == 2026-12-16", Where.RELEASE, "release", Op.EQ, ("2026-12-16",)),
    ],
)  # fmt: skip
def test_each_condition_kind_parses_and_prints_back(
    vocabulary: Vocabulary, text: str, where: Where, path: str, op: Op, values: tuple[str, ...]
) -> None:
    condition = one(text, vocabulary)
    assert (condition.subject.where, condition.subject.path) == (where, path)
    assert (condition.op, condition.values) == (op, values)
    assert one(str(condition), vocabulary) == condition


def test_words_and_choices_in_any_case(vocabulary: Vocabulary) -> None:
    assert one("BANK.ACCOUNT IS NOT APPLICABLE", vocabulary).op is Op.NOT_APPLICABLE
    assert one("Release Within 3 Days", vocabulary).values == ("3",)
    # by value or label, as `planner set --field` takes them
    by_label = one(
        "accommodation.address.accommodation_type = 'CAS1 approved premises'", vocabulary
    )
    assert by_label.values == ("cas1",)
    assert one("id.documents.document_type = 'bRP or eVISA'", vocabulary).values == ("brp_evisa",)
    assert one("id.documents.document_type = driving licence", vocabulary).values == (
        "driving_licence",
    )


def test_conditions_join_with_and_and_filters_combine(vocabulary: Vocabulary) -> None:
    joined = parse_filter("release within 28 and flag = critical and assigned = me", vocabulary)
    assert [c.subject.path for c in joined.conditions] == ["release", "flag", "assigned"]
    repeated = parse_filter(["release within 28", "flag = critical and assigned = me"], vocabulary)
    assert repeated == joined
    assert parse_filter(str(joined), vocabulary) == joined
    assert str(joined) == "release within 28 and flag = critical and assigned = me"
    assert not parse_filter("  ", vocabulary) and parse_filter([], vocabulary) == Filter()
    # a value of several words runs up to "and"; quoted, it may hold "and" itself
    named = parse_filter("location = B wing and surname = 'Smith and Jones'", vocabulary)
    assert [c.values for c in named.conditions] == [("B wing",), ("Smith and Jones",)]
    assert str(named) == 'location = "B wing" and surname = "Smith and Jones"'


def test_needs_records_only_for_evidence_and_record_fields(vocabulary: Vocabulary) -> None:
    assert not parse_filter("release within 28 and bank.account = done", vocabulary).needs_records
    assert not parse_filter("flag = critical and location = B", vocabulary).needs_records
    assert parse_filter("com is empty", vocabulary).needs_records
    assert parse_filter("bank.account.outcome = declined", vocabulary).needs_records


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("bank.acount != done", 'unknown item "bank.acount" (did you mean bank.account?)'),
        (
            "id.documents.date_recieved is empty",
            'unknown field "date_recieved" of id.documents (did you mean date_received',
        ),
        ("surnme = Smith", 'unknown field "surnme" (did you mean surname?)'),
        ("bank = done", 'unknown field "bank" (did you mean bank.account?)'),
        ("com.nme is empty", 'unknown field "nme" of com (did you mean name?)'),
        (
            "accommodation.address.accommodation_type = rough_sleping",
            'unknown choice "rough_sleping" for accommodation.address.accommodation_type '
            "(did you mean rough_sleeping?)",
        ),
        ("bank.account = dne", 'unknown status "dne" for bank.account (did you mean done?)'),
        ("flag = critcal", 'unknown flag "critcal" for flag (did you mean critical?)'),
        ("release_kind = CDR", 'unknown choice "CDR" for release_kind'),
        ("bank.account ~ done", 'unknown operator "~" after bank.account'),
        (
            "release bfore today",
            'unknown operator "bfore today" after release (did you mean before?)',
        ),
        ("bank.account is done", 'unknown operator "is done" after bank.account (did you mean =?)'),
        ("bank.account before today", 'operator "before" does not apply to bank.account'),
        ("surname within 3", 'operator "within" does not apply to surname (text)'),
        ("flag contains x", 'operator "contains" does not apply to flag'),
        ("release within soon", 'release within: needs a number of days, not "soon"'),
        ("release within 99999999", "release within: 99999999 days is more than 36,500"),
        ("release before 31/02/2026", "release: '31/02/2026' is not a real date"),
        ("release after tomorrow", "(use YYYY-MM-DD, DD/MM/YYYY or today)"),
        ("accommodation.duty_to_refer.consent = maybe", 'is yes or no, not "maybe"'),
        ("surname =", "surname =: expected a value at the end"),
        ("surname = and", 'expected a value at "and" (put a value spelt like a word'),
        ("bank.account", "bank.account: needs an operator, one of: =, !="),
        ("surname = 'Smith", "a quote is not closed: 'Smith"),
        ("flag = critical and", 'nothing after "and"'),
        ("flag = critical or flag = info", 'unknown flag "critical or flag"'),
        ("release within 3 flag = info", 'expected "and" before "flag = info"'),
        ("id.documents in (done, ", "id.documents in: expected a value at the end"),
        ("id.documents in (done done)", 'unknown status "done done"'),
        ("id.documents in (done, blocked", 'in (...): expected "," or ")" at the end'),
        ("= done", 'expected a field, an item, "flag" or "release" at "= done"'),
    ],
)
def test_mistakes_are_one_line_naming_the_part_and_the_nearest(
    vocabulary: Vocabulary, text: str, message: str
) -> None:
    with pytest.raises(FilterError) as caught:
        parse_filter(text, vocabulary)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)
    assert isinstance(caught.value, InvalidInput)  # the CLI's exit code 2


def test_an_unknown_choice_lists_the_choices(vocabulary: Vocabulary) -> None:
    with pytest.raises(FilterError, match="one of: settled, temporary, cas1, cas2, cas3"):
        parse_filter("accommodation.address.accommodation_type = nfa", vocabulary)


def test_an_unknown_field_lists_the_items_fields(vocabulary: Vocabulary) -> None:
    with pytest.raises(
        FilterError, match=r"its fields: bank, date_applied, outcome, outcome_date$"
    ):
        parse_filter("bank.account.sort_code is empty", vocabulary)
    # The domain's words suit the UI's filter bar as well as the command line: no command.
    with pytest.raises(FilterError) as error:
        parse_filter("bank.account.sort_code is empty", vocabulary)
    assert "planner" not in str(error.value)


def test_choices_of_every_template_version_are_known(template: Template) -> None:
    data = template.model_dump(mode="json", by_alias=True)
    data["version"] = template.version + 1
    for item in data["items"]:
        for field in item["evidence"]:
            if field["name"] == "accommodation_type":
                field["choices"].append({"value": "hostel", "label": "Hostel"})
    newer = Template.model_validate(data)
    both = Vocabulary([template, newer])
    assert parse_condition(
        "accommodation.address.accommodation_type in (hostel, settled)", both
    ).values == ("hostel", "settled")
    with pytest.raises(FilterError):
        parse_condition("accommodation.address.accommodation_type = hostel", Vocabulary([template]))


def test_subject_paths_cover_every_item_and_field(
    vocabulary: Vocabulary, template: Template
) -> None:
    paths = vocabulary.subject_paths()
    for item in template.items:
        assert item.id in paths
        for field in item.evidence:
            assert f"{item.id}.{field.name}" in paths
    for path in paths:
        subject = vocabulary.subject(path)
        assert subject.path == path
        assert vocabulary.spec(subject).kind is subject.kind
    assert vocabulary.subject("accommodation.address.accommodation_type").kind is Kind.CHOICE


# --- never anything but the filter's own error ----------------------------------------------

_PIECES = st.sampled_from(
    [
        "bank.account", "id.documents.date_received", "accommodation.address.accommodation_type",
        "flag", "release", "surname", "com", "com.unit", "assigned", "sex", "dob", "=", "!=",
        "==", "<", ">", "~", "in", "not", "is", "empty", "applicable", "before", "after",
        "within", "last", "days", "contains", "starts", "with", "and", "(", ")", ",", "'",
        '"', "\\", "done", "critical", "no_fixed_abode", "today", "28", "-1", "04/12/2026",
        "2026-02-30", "99999999999999999999", "me", "yes", "é", "\x00", "\u202e", "李",
    ]
)  # fmt: skip
_ALMOST = st.lists(_PIECES, max_size=9).map(" ".join)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=60), _ALMOST, st.lists(_ALMOST, max_size=3)))
@example('"\n')  # an unclosed quote before a newline: the error is still one line
@example("bank.account = 'x\x1b[2J")
def test_parsing_never_raises_anything_but_a_filter_error(text: str | list[str]) -> None:
    vocabulary = _VOCABULARY
    try:
        parsed = parse_filter(text, vocabulary)
    except FilterError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert parse_filter(str(parsed), vocabulary) == parsed  # what it prints reads back


def _vocabulary() -> Vocabulary:
    from planner.domain.template_loading import TemplateLibrary

    return Vocabulary([TemplateLibrary().get("england-wales")])


_VOCABULARY = _vocabulary()

_VALUES = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12
).filter(lambda v: v.strip() == v and v.strip())


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(["surname", "location", "com.unit", "health.gp.practice", "assigned"]),
    st.sampled_from(["=", "!=", "contains", "starts with"]),
    _VALUES,
)
def test_any_text_value_prints_back_as_it_parses(path: str, op: str, value: str) -> None:
    condition = Condition(_VOCABULARY.subject(path), Op(op), (value,))
    assert parse_condition(str(condition), _VOCABULARY) == condition


# --- completion, for the UI's filter bar ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "first"),
    [
        ("", 0, ["release", "flag", "number"]),
        ("bank.ac", 0, ["bank.account", "bank.account.bank"]),
        ("release within 28 and accommodation.address.acc", 22,
         ["accommodation.address.accommodation_type"]),
        ("bank.account ", 13, ["=", "!=", "in", "not in", "is applicable"]),
        ("id.documents.date_received is ", 30, ["empty", "not empty"]),
        ("bank.account = d", 15, ["done", "declined"]),
        ("accommodation.address.accommodation_type in ", 44, ["("]),
        ("accommodation.address.accommodation_type in (settled, r", 54, ["rough_sleeping"]),
        ("flag = crit", 7, ["critical"]),
        ("assigned = ", 11, ["me"]),
        ("release within ", 15, ["7", "14", "28", "84", "last"]),
        ("bank.account = done ", 20, ["and"]),
        ("nonsense = ", 11, []),
    ],
)  # fmt: skip
def test_completion_offers_what_may_come_next(
    vocabulary: Vocabulary, text: str, start: int, first: list[str]
) -> None:
    from planner.domain.filter_completion import complete

    offered = complete(text, vocabulary)
    assert offered.start == start
    assert list(offered.candidates[: len(first)]) == first


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=40), _ALMOST))
def test_completion_never_raises(text: str) -> None:
    from planner.domain.filter_completion import complete

    offered = complete(text, _VOCABULARY)
    assert 0 <= offered.start <= len(text)


def test_release_window_of_a_filter(vocabulary: Vocabulary) -> None:
    from datetime import date

    from planner.domain.filtering import release_window

    today = date(2026, 11, 23)

    def window(text: str) -> tuple[date, date] | None:
        return release_window(parse_filter(text, vocabulary), today)

    assert window("release within 28") == (today, date(2026, 12, 21))
    assert window("release within last 7") == (date(2026, 11, 16), today)
    assert window("release within 28 and release after 2026-12-01") == (
        date(2026, 12, 2),
        date(2026, 12, 21),
    )
    assert window("release = 2026-12-16 and flag = critical") == (
        date(2026, 12, 16),
        date(2026, 12, 16),
    )
    assert window("release before today")[1] == date(2026, 11, 22)  # type: ignore[index]
    for unbounded in ("flag = critical", "release is empty", "release != today", ""):
        assert window(unbounded) is None
