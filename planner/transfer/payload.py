"""What a transfer file carries, as JSON inside the sealed container.

``{"version": 1, "transfer", "sent_at", "sent_by", "from_prison", "to_prison",
"from_db", "case", "template", "history", "points"}``:

* ``case``: the record as the sending database stores it (defaults left out);
* ``template``: ``{"key", "format", "document"}``, the template version the record uses as
  the sending database stores it (the validated template and its fingerprint). ``format``
  is the template format this planner writes (:data:`TEMPLATE_FORMAT`); a newer one, or a
  template this planner's model does not read (a field type it does not know), is
  refused with nothing written;
* ``history``: sections, newest first: the sending prison's own audit entries of the
  person (each with the change number it has in that database's hash-chained log: they
  never go down, and are checked not to), then the sections it had itself received from earlier
  prisons. The chain's links are not carried: they cover other people's entries too and,
  in an encrypted database, are keyed with a secret. The whole file is authenticated by
  AES-GCM instead;
* ``points``: every point the record crossed between databases that the sender knows,
  this transfer's last, each with the fingerprints of the units sent (see
  :mod:`planner.domain.merge`), so the receiver can find where the two last agreed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from pydantic import ValidationError

from planner.domain.case import Case
from planner.domain.merge import fingerprints
from planner.domain.template import STORED_COPY, Template
from planner.domain.text import line_text, name_text, notes_text
from planner.store.transfers import Outgoing
from planner.transfer.container import TransferDamaged, TransferRefused, TransferTooNew

PAYLOAD_VERSION = 1
TEMPLATE_FORMAT = 1


def item_ids(template: Template) -> list[str]:
    return [item.id for item in template.items]


def build_payload(
    out: Outgoing,
    *,
    transfer_id: str,
    at: datetime,
    by: str,
    from_prison: str,
    to_prison: str,
) -> tuple[bytes, dict[str, Any]]:
    """The payload's JSON bytes, and the transfer point it records (kept by the sender)."""
    point = {
        "id": transfer_id,
        "at": at.isoformat(),
        "from_prison": from_prison,
        "to_prison": to_prison,
        "from_db": out.db_id,
        "fingerprints": fingerprints(out.case, item_ids(out.template)),
    }
    own = {
        "transfer": transfer_id,
        "prison": from_prison,
        "db": out.db_id,
        "sent_at": at.isoformat(),
        "entries": [
            {
                "change": e.seq,
                "at": e.at.isoformat(),
                "by": e.by,
                "item": e.item,
                "field": e.field,
                "old": e.old,
                "new": e.new,
            }
            for e in out.entries
        ],
    }
    payload = {
        "version": PAYLOAD_VERSION,
        "transfer": transfer_id,
        "sent_at": at.isoformat(),
        "sent_by": by,
        "from_prison": from_prison,
        "to_prison": to_prison,
        "from_db": out.db_id,
        "case": out.case.model_dump(mode="json", exclude_defaults=True),
        "template": {
            "key": out.template.key,
            "format": TEMPLATE_FORMAT,
            "document": out.template_document,
        },
        "history": [own, *reversed(out.sections)],
        "points": [*out.points, point],
    }
    return orjson.dumps(payload), point


@dataclass(frozen=True)
class Incoming:
    """A transfer file opened and checked: what it says, validated."""

    transfer_id: str
    sent_at: datetime
    sent_by: str
    from_prison: str
    to_prison: str
    from_db: str
    case: Case
    template: Template
    template_fingerprint: str
    sections: list[dict[str, Any]]
    points: list[dict[str, Any]]

    @property
    def number(self) -> str:
        return self.case.number

    @property
    def entry_count(self) -> int:
        return sum(len(s["entries"]) for s in self.sections)


def _unreadable(what: str) -> TransferRefused:
    return TransferDamaged(
        f"the transfer file's {what} cannot be read by this planner (was it made by "
        "another version?); nothing was changed"
    )


def parse_payload(raw: bytes) -> Incoming:
    """The payload of an opened file, checked; TransferRefused (one line) otherwise."""
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise _unreadable("contents") from None
    if not isinstance(data, dict):
        raise _unreadable("contents")
    version = data.get("version")
    if isinstance(version, int) and version > PAYLOAD_VERSION:
        raise TransferTooNew(
            f"the transfer file's contents are in version {version}, made by a newer "
            "planner: update planner here; nothing was changed"
        )
    template = _template(data.get("template"))
    try:  # checked as a record typed here would be: a dry run refuses what receiving would
        case = Case.model_validate(data["case"])
    except ValidationError as exc:
        raise TransferDamaged(
            f"the transfer file's record cannot be taken: {_first_problem(exc)}; nothing "
            "was changed"
        ) from None
    except (KeyError, TypeError):
        raise _unreadable("record") from None
    try:
        sections = [_section(s) for s in data["history"]]
        points = [_point(p) for p in data["points"]]
        incoming = Incoming(
            transfer_id=line_text(_text(data["transfer"])),
            sent_at=datetime.fromisoformat(_text(data["sent_at"])),
            sent_by=name_text(_text(data["sent_by"])),
            from_prison=name_text(_text(data["from_prison"])),
            to_prison=name_text(_text(data["to_prison"])),
            from_db=_text(data["from_db"]),
            case=case,
            template=template[0],
            template_fingerprint=template[1],
            sections=sections,
            points=points,
        )
    except (KeyError, TypeError, ValueError):  # ValidationError is a ValueError
        raise _unreadable("record") from None
    if (case.checklist.template_id, case.checklist.template_version) != (
        template[0].id,
        template[0].version,
    ):
        raise _unreadable("template")
    return incoming


def _template(raw: object) -> tuple[Template, str]:
    if not isinstance(raw, Mapping):
        raise _unreadable("template")
    key, fmt = raw.get("key"), raw.get("format")
    if isinstance(fmt, int) and fmt > TEMPLATE_FORMAT:
        raise TransferTooNew(
            f"the template {key} in the transfer file is in format {fmt}, newer than this "
            f"planner reads ({TEMPLATE_FORMAT}): update planner here; nothing was changed"
        )
    document = raw.get("document")
    try:
        assert isinstance(document, Mapping)
        template = Template.model_validate(document["template"], context=STORED_COPY)
        fingerprint = str(document["fingerprint"])
    except (AssertionError, KeyError, TypeError, ValidationError, ValueError):
        raise TransferTooNew(
            f"the template {key} in the transfer file cannot be read by this planner (it "
            "may use something a newer planner added): update planner here; nothing was "
            "changed"
        ) from None
    if template.key != key:
        raise _unreadable("template")
    return template, fingerprint


def _section(raw: object) -> dict[str, Any]:
    """A section of another prison's history, every part of it checked as planner's own
    text is: a file sealed with the right passphrase can still have been made by hand."""
    if not isinstance(raw, dict) or not isinstance(raw.get("entries"), list):
        raise TypeError("a history section is not one")
    for entry in raw["entries"]:
        _entry(entry)
    changes = [e["change"] for e in raw["entries"]]
    # one save records several fields under one change number: they never go down
    if changes != sorted(changes):
        raise ValueError("a history section's changes go down")
    name_text(_text(raw.get("prison")))
    for key in ("db", "transfer"):
        line_text(_text(raw.get(key)))
    for key in ("sent_at", "received_at"):
        if raw.get(key) is not None:
            datetime.fromisoformat(_text(raw[key]))
    return raw


_MAX_CHANGE = 2**53  # as many saves as any database will ever hold, and then some


def _entry(raw: object) -> None:
    if not isinstance(raw, dict):
        raise TypeError("a history entry is not one")
    change = raw.get("change")
    if not isinstance(change, int) or isinstance(change, bool) or not 0 <= change < _MAX_CHANGE:
        raise ValueError("a history entry's change number is not one")
    datetime.fromisoformat(_text(raw.get("at")))
    name_text(_text(raw.get("by", "")))
    line_text(_text(raw.get("field")))
    if raw.get("item") is not None:
        line_text(_text(raw["item"]))
    for key in ("old", "new"):
        _value(raw.get(key))


def _value(value: object) -> None:
    """A value an audit entry records: JSON, its text checked as notes are."""
    if value is None or isinstance(value, bool | int | float):
        return
    if isinstance(value, str):
        notes_text(value)
    elif isinstance(value, list):
        for part in value:
            _value(part)
    elif isinstance(value, dict):
        for key, part in value.items():
            line_text(_text(key))
            _value(part)
    else:
        raise TypeError("a history value is not one")


def _first_problem(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first.get("loc", ())) or "record"
    return f"{where}: {first.get('msg', 'not valid')}"


def _point(raw: object) -> dict[str, Any]:
    if not isinstance(raw, dict) or not isinstance(raw.get("fingerprints"), dict):
        raise TypeError("a transfer point is not one")
    for key in ("id", "at", "from_prison", "to_prison"):
        _text(raw.get(key))
    return raw


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError("a text value is not text")
    return value
