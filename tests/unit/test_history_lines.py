"""History in words: a contact's change reads part by part, in the order it was made.

Real changes through a real store: the audit log keeps each part of an offender manager's
contact as its own entry, and `history_lines` labels them ("COM email"). An audit record
written before that (the whole contact as one value) still reads, as its parts.
"""

from __future__ import annotations

from datetime import UTC, datetime

from planner.domain.history import history_lines
from planner.domain.person import Contact
from planner.domain.template import Template
from planner.store.audit import AuditEntry
from planner.store.repository import CaseStore
from tests.conftest import make_person

COM = "person.community_offender_manager"


def test_a_contact_change_is_recorded_and_read_part_by_part(
    store: CaseStore, template: Template
) -> None:
    store.add(make_person("A1234BC"), template)
    person = store.get("A1234BC").person
    com = Contact(name="Sam Reed", unit="Leeds North", email="sam.reed@justice.example")
    store.update_person(person.model_copy(update={"community_offender_manager": com}))
    changed = com.model_copy(update={"email": "s.reed@justice.example"})
    person = store.get("A1234BC").person
    store.update_person(person.model_copy(update={"community_offender_manager": changed}))

    entries = store.history("A1234BC")
    contact_fields = [(e.field, e.old, e.new) for e in entries if e.field.startswith(COM)]
    assert contact_fields == [
        (f"{COM}.name", "", "Sam Reed"),
        (f"{COM}.unit", "", "Leeds North"),
        (f"{COM}.email", "", "sam.reed@justice.example"),
        (f"{COM}.email", "sam.reed@justice.example", "s.reed@justice.example"),
    ]
    lines = history_lines(entries, template)
    newest = lines[0]
    assert (newest.what, newest.old, newest.new) == (
        "COM email",
        "sam.reed@justice.example",
        "s.reed@justice.example",
    )
    # Newest change first; within a change, the parts in the order they were made.
    assert [line.what for line in lines[1:4]] == ["COM name", "COM PDU", "COM email"]
    assert [line.new for line in lines[1:4]] == [
        "Sam Reed",
        "Leeds North",
        "sam.reed@justice.example",
    ]


def test_an_older_record_of_a_whole_contact_still_reads() -> None:
    at = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    old = AuditEntry(
        3,
        at,
        "Officer One",
        "A1234BC",
        None,
        COM,
        {"name": "", "role": "", "phone": "", "email": ""},
        {"name": "Sam Reed", "role": "", "unit": "Leeds North", "phone": "", "email": ""},
    )
    (line,) = history_lines([old])
    assert (line.what, line.old, line.new) == (
        "Community offender manager",
        "—",
        "name: Sam Reed; unit: Leeds North",
    )
