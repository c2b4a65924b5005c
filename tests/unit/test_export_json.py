"""JSON summaries validate against the JSON Schema shipped with the package."""

from __future__ import annotations

import jsonschema
import orjson
import pytest

from planner.domain.template import Template
from planner.export.json_export import (
    SCHEMA_FILE,
    generated_schema,
    render_json,
    schema_bytes,
    shipped_schema,
    shipped_schema_text,
)
from planner.export.summary import HandoverSummary
from planner.store.repository import CaseStore
from tests.conftest import make_person
from tests.unit.test_export_cases import SENSITIVE_VALUES, record_rich_case, summary_of


def test_shipped_schema_is_the_generated_one() -> None:
    assert shipped_schema_text() == schema_bytes(generated_schema()), (
        f"{SCHEMA_FILE} is out of date: run python -m planner.export.json_export --write-schema"
    )


def test_shipped_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(shipped_schema())


@pytest.mark.parametrize("redact", [False, True])
def test_json_validates_and_carries_its_version(
    store: CaseStore, template: Template, redact: bool
) -> None:
    record_rich_case(store, template)
    data = orjson.loads(render_json(summary_of(store, redact=redact)))
    jsonschema.validate(data, shipped_schema(), cls=jsonschema.Draft202012Validator)
    assert data["schema_version"] == 1
    assert data["redacted"] is redact
    assert data["release"]["date"] == "2026-12-16"


def test_a_bare_case_validates_too(store: CaseStore, template: Template) -> None:
    store.add(make_person(release=None), template)
    data = orjson.loads(render_json(summary_of(store)))
    jsonschema.validate(data, shipped_schema(), cls=jsonschema.Draft202012Validator)


def test_json_reads_back_into_the_model(store: CaseStore, template: Template) -> None:
    record_rich_case(store, template)
    summary = summary_of(store)
    assert HandoverSummary.model_validate_json(render_json(summary)) == summary


def test_schema_rejects_a_summary_missing_a_field(store: CaseStore, template: Template) -> None:
    record_rich_case(store, template)
    data = orjson.loads(render_json(summary_of(store)))
    del data["gaps"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, shipped_schema(), cls=jsonschema.Draft202012Validator)


def test_redacted_json_holds_none_of_the_redacted_values(
    store: CaseStore, template: Template
) -> None:
    record_rich_case(store, template)
    text = render_json(summary_of(store, redact=True)).decode()
    for value in SENSITIVE_VALUES:
        assert value not in text, value
