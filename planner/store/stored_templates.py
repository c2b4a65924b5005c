"""The template versions a database's cases use, as stored with them.

Each case keeps the template version it was made with, and the database keeps a copy of
every such version, so editing a template file never silently rewrites existing plans.
A stored version never changes, so it is parsed once per process.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from planner.domain.template import STORED_COPY, Template
from planner.store.errors import DatabaseCorrupt, StoreError
from planner.store.tables import KeyedTable


@dataclass(frozen=True, slots=True)
class TemplateRecord:
    template: Template
    fingerprint: str


class StoredTemplates:
    """Reads the templates table; the caller holds the database lock."""

    def __init__(self, table: KeyedTable) -> None:
        self._table = table
        self._parsed: dict[str, TemplateRecord] = {}

    def parsed(self, key: str) -> Template | None:
        """A template already read, without the lock: a stored version never changes."""
        record = self._parsed.get(key)
        return None if record is None else record.template

    def get(self, key: str) -> Template:
        """A template version (``id@version``) as stored with the cases that use it."""
        record = self._parsed.get(key)
        if record is None:
            doc = self._table.by_key(key)
            if doc is None:
                raise StoreError(f"template {key} is not stored in this database")
            try:
                template = Template.model_validate(doc["template"], context=STORED_COPY)
                record = TemplateRecord(template, str(doc["fingerprint"]))
            except (KeyError, TypeError, ValueError):  # ValidationError is a ValueError
                raise DatabaseCorrupt(f"the stored template {key} is damaged") from None
            self._parsed[key] = record
        return record.template

    def has(self, key: str) -> bool:
        return self._table.has_key(key)

    def fingerprints(self) -> dict[str, str]:
        """Stored template keys and their content fingerprints."""
        try:
            return {str(doc.doc_id): str(doc["fingerprint"]) for doc in self._table.all()}
        except (KeyError, TypeError):
            raise DatabaseCorrupt("a stored template is damaged") from None

    def stored_version(self, template: Template) -> Template:
        """The copy of this template version cases already use, if one is stored.

        A template edited on disk without a new version number must not give new cases a
        different checklist from older cases that claim the same version.
        """
        if self.has(template.key):
            return self.get(template.key)
        return template


def template_document(template: Template) -> dict[str, Any]:
    """How a template version is stored: the template itself and its fingerprint."""
    return {
        "template": template.model_dump(mode="json", by_alias=True),
        "fingerprint": template.fingerprint(),
    }
