"""The handover summary as JSON, and the JSON Schema that describes it.

The schema is generated from the pydantic model and shipped beside this module as
`handover.schema.json`, so receiving systems can validate what they are sent; a test keeps
the shipped file equal to the generated one. Regenerate it after changing the model with

    python -m planner.export.json_export --write-schema
"""

from __future__ import annotations

import sys
from importlib.resources import files
from typing import Any

import orjson

from planner.export.model import HandoverSummary

SCHEMA_FILE = "handover.schema.json"


def render_json(summary: HandoverSummary) -> bytes:
    """The summary as indented UTF-8 JSON; `schema_version` says which shape it has."""
    return orjson.dumps(summary.model_dump(mode="json"), option=orjson.OPT_INDENT_2) + b"\n"


def generated_schema() -> dict[str, Any]:
    """The JSON Schema of the JSON `render_json` writes, as the model defines it today."""
    schema = HandoverSummary.model_json_schema(mode="serialization")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def schema_bytes(schema: dict[str, Any]) -> bytes:
    return orjson.dumps(schema, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


def shipped_schema_text() -> bytes:
    """The schema file shipped with the package."""
    return files("planner.export").joinpath(SCHEMA_FILE).read_bytes()


def shipped_schema() -> dict[str, Any]:
    loaded: dict[str, Any] = orjson.loads(shipped_schema_text())
    return loaded


def _write_schema() -> None:  # pragma: no cover - developer tool
    from pathlib import Path

    target = Path(__file__).with_name(SCHEMA_FILE)
    target.write_bytes(schema_bytes(generated_schema()))
    print(f"wrote {target}")


if __name__ == "__main__":  # pragma: no cover - developer tool
    if sys.argv[1:] == ["--write-schema"]:
        _write_schema()
    else:
        sys.exit("usage: python -m planner.export.json_export --write-schema")
