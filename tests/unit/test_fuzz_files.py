"""Fuzzing every file planner reads back, and the --field value parser.

Random bytes, truncations, bit flips and insertions in the snapshot, journal, audit log
and a backup (plain and encrypted), and well-framed but nonsensical records: reading must
raise only StoreError subclasses with a one-line message, and a database that is refused
must be left exactly as it was. After any open that succeeds, a save must either work (and
be there on the next open) or be refused the same way.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import zlib
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.domain.errors import InvalidInput
from planner.domain.evidence import parse_evidence_value, parse_field_assignments
from planner.domain.status import ItemStatus
from planner.domain.template import Template
from planner.store.backup import verify_backup
from planner.store.backup_folders import check_backup, list_backups, read_backup
from planner.store.codec import Codec, PlainCodec
from planner.store.crypto import AesGcmCodec
from planner.store.doctor import diagnose
from planner.store.errors import StoreError
from planner.store.files import frame
from planner.store.layout import DatabaseFiles
from planner.store.repository import CaseStore
from tests.conftest import NOW, TODAY, make_person

FUZZ = settings(
    max_examples=int(os.environ.get("PLANNER_FUZZ_EXAMPLES", "120")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
NUMBERS = ["A1234BC", "B2345CD"]
TARGETS = ["db", "journal", "audit", "backup-db", "backup-journal", "backup-audit", "manifest"]


@pytest.fixture(scope="module")
def encrypted_codec() -> AesGcmCodec:
    return AesGcmCodec.create("fuzzing passphrase", cost=15)


def _build(folder: Path, template: Template, codec: Codec) -> Path:
    db = folder / "planner.db"
    times = iter([NOW + timedelta(minutes=n) for n in range(100)])
    with CaseStore(db, officer="O", codec=codec, clock=lambda: next(times)) as store:
        for number in NUMBERS:
            store.add(make_person(number), template)
        store.save_item(NUMBERS[0], "work.plan", status=ItemStatus.DONE, evidence={"plan": "P"})
        store.compact()
        store.update_notes(NUMBERS[1], "journal one")
        store.save_item(NUMBERS[1], "health.gp", status=ItemStatus.DECLINED, reason="has one")
        store.admin.backup()
        store.update_notes(NUMBERS[0], "after the backup")
    return db


@pytest.fixture(scope="module")
def bases(
    tmp_path_factory: pytest.TempPathFactory, template: Template, encrypted_codec: AesGcmCodec
) -> dict[str, tuple[Path, Codec]]:
    plain = tmp_path_factory.mktemp("plain")
    encrypted = tmp_path_factory.mktemp("encrypted")
    return {
        "plain": (_build(plain, template, PlainCodec()), PlainCodec()),
        "encrypted": (_build(encrypted, template, encrypted_codec), encrypted_codec),
    }


def _target_path(db: Path, target: str) -> Path:
    files = DatabaseFiles(db)
    if target == "db":
        return files.data
    if target == "journal":
        return files.journal
    if target == "audit":
        return files.audit
    (backup,) = list_backups(db.with_name(db.name + ".backups"))
    if target == "manifest":
        return backup.folder / "backup.json"
    return {
        "backup-db": backup.files.data,
        "backup-journal": backup.files.journal,
        "backup-audit": backup.files.audit,
    }[target]


def _state(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and not p.name.endswith(".lock")
    }


def _only_store_errors(action: Callable[[], Any]) -> StoreError | None:
    try:
        action()
    except StoreError as exc:
        message = str(exc)
        assert message and "\n" not in message, repr(message)
        return exc
    return None


def _exercise(db: Path, codec: Codec) -> None:
    """Open and read everything; save once when the open worked."""
    folder = db.parent
    before = _state(folder)
    store: CaseStore | None = None

    def opening() -> None:
        nonlocal store
        store = CaseStore(db, codec=codec, officer="F", auto_backup=False)

    refused = _only_store_errors(opening)
    if refused is not None or store is None:
        assert _state(folder) == before, "a refused database was changed"
    else:
        opened: CaseStore = store
        for read in (
            opened.numbers,
            opened.cases,
            opened.summaries,
            opened.history,
            lambda: opened.all_flags(TODAY),
        ):
            _only_store_errors(read)
        numbers = [] if _only_store_errors(opened.numbers) else opened.numbers()
        if numbers:
            saved = _only_store_errors(lambda: opened.update_notes(numbers[0], "fuzz note"))
            opened.close()
            if saved is None:
                with CaseStore(db, codec=codec, auto_backup=False) as again:
                    assert again.get(numbers[0]).notes == "fuzz note"
        opened.close()
    _only_store_errors(lambda: diagnose(db, codec))
    for found in list_backups(db.with_name(db.name + ".backups")):
        _only_store_errors(lambda b=found: check_backup(b))  # type: ignore[misc]
        _only_store_errors(lambda b=found: verify_backup(b, codec))  # type: ignore[misc]
    _only_store_errors(lambda: read_backup(_target_path_or_db(db)))


def _target_path_or_db(db: Path) -> Path:
    root = db.with_name(db.name + ".backups")
    folders = [p for p in root.iterdir() if p.is_dir()] if root.exists() else []
    return folders[0] if folders else db.parent


mutations = st.one_of(
    st.tuples(st.just("replace"), st.binary(max_size=600), st.just(0)),
    st.tuples(st.just("truncate"), st.just(b""), st.floats(0, 1)),
    st.tuples(st.just("flip"), st.integers(0, 7).map(lambda b: bytes([1 << b])), st.floats(0, 1)),
    st.tuples(st.just("insert"), st.binary(min_size=1, max_size=40), st.floats(0, 1)),
    st.tuples(st.just("append"), st.binary(min_size=1, max_size=200), st.just(1.0)),
)


def _mutate(data: bytes, mutation: tuple[str, bytes, float]) -> bytes:
    kind, payload, where = mutation
    at = min(int(where * len(data)), max(len(data) - 1, 0))
    if kind == "replace":
        return payload
    if kind == "truncate":
        return data[:at]
    if kind == "flip":
        if not data:
            return payload
        return data[:at] + bytes([data[at] ^ payload[0]]) + data[at + 1 :]
    if kind == "insert":
        return data[:at] + payload + data[at:]
    return data + payload


@pytest.mark.parametrize("kind", ["plain", "encrypted"])
@FUZZ
@given(target=st.sampled_from(TARGETS), mutation=mutations)
def test_damaged_files_raise_only_store_errors(
    bases: dict[str, tuple[Path, Codec]], kind: str, target: str, mutation: Any
):
    base, codec = bases[kind]
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "db"
        shutil.copytree(base.parent, folder)
        db = folder / base.name
        path = _target_path(db, target)
        path.chmod(0o600)
        path.write_bytes(_mutate(path.read_bytes(), mutation))
        _exercise(db, codec)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
# Shapes close to the real ones, so the parsers get past their first check.
snapshot_like = st.dictionaries(
    st.sampled_from(["cases", "index", "templates", "other"]),
    st.dictionaries(st.sampled_from([*NUMBERS, "X"]), json_values, max_size=3),
    max_size=4,
)
record_like = st.fixed_dictionaries(
    {
        "seq": st.integers(-2, 12) | json_values,
        "ops": st.lists(
            st.lists(json_values, min_size=3, max_size=3)
            | st.tuples(
                st.sampled_from(["cases", "index"]), st.sampled_from(NUMBERS), json_values
            ).map(list),
            max_size=3,
        )
        | json_values,
    }
)
audit_like = st.fixed_dictionaries(
    {
        "seq": st.integers(0, 12) | json_values,
        "at": st.sampled_from([NOW.isoformat(), "yesterday"]) | json_values,
        "by": st.text(max_size=5) | json_values,
        "entries": st.lists(
            st.dictionaries(st.sampled_from(["case", "item", "field", "old", "new"]), json_values),
            max_size=3,
        )
        | json_values,
    }
)


@FUZZ
@given(body=snapshot_like | json_values)
def test_a_snapshot_with_a_valid_checksum_and_nonsense_inside(
    bases: dict[str, tuple[Path, Codec]], body: Any
):
    base, codec = bases["plain"]
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "db"
        shutil.copytree(base.parent, folder)
        db = folder / base.name
        header = orjson.loads(db.read_bytes().partition(b"\n")[0])
        raw = orjson.dumps(body)
        header.update(crc=zlib.crc32(raw), length=len(raw))
        db.write_bytes(orjson.dumps(header) + b"\n" + raw)
        DatabaseFiles(db).journal.write_bytes(
            frame(
                orjson.dumps(
                    {"format": "planner-journal", "db": header["db"], "base": header["seq"]}
                )
            )
        )
        _exercise(db, codec)


@FUZZ
@given(
    records=st.lists(record_like, min_size=1, max_size=3),
    file=st.sampled_from(["journal", "audit"]),
)
def test_well_framed_nonsense_records(
    bases: dict[str, tuple[Path, Codec]], records: list[Any], file: str
):
    base, codec = bases["plain"]
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "db"
        shutil.copytree(base.parent, folder)
        db = folder / base.name
        path = DatabaseFiles(db).journal if file == "journal" else DatabaseFiles(db).audit
        with path.open("ab") as handle:
            for record in records:
                handle.write(frame(orjson.dumps(record)))
        _exercise(db, codec)


@FUZZ
@given(records=st.lists(audit_like, min_size=1, max_size=3))
def test_well_framed_nonsense_audit_records(
    bases: dict[str, tuple[Path, Codec]], records: list[Any]
):
    base, codec = bases["plain"]
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "db"
        shutil.copytree(base.parent, folder)
        db = folder / base.name
        with DatabaseFiles(db).audit.open("ab") as handle:
            for record in records:
                handle.write(frame(orjson.dumps(record)))
        _exercise(db, codec)


# --- the --field value parser ---------------------------------------------------------------


@FUZZ
@given(
    data=st.data(), raw=st.text(max_size=60) | st.sampled_from(["yes", "31/02/2026", "2026-13-01"])
)
def test_evidence_values_raise_only_invalid_input(template: Template, data: Any, raw: str):
    item = data.draw(st.sampled_from([i for i in template.items if i.evidence]))
    field = data.draw(st.sampled_from(list(item.evidence)))
    try:
        value = parse_evidence_value(field, raw)
    except InvalidInput as exc:
        assert "\n" not in str(exc).strip() or "\n" in raw
        return
    assert value is None or isinstance(value, str | bool)


@FUZZ
@given(
    data=st.data(),
    assignments=st.lists(
        st.text(max_size=30)
        | st.builds(lambda n, v: f"{n}={v}", st.text(max_size=12), st.text(max_size=20)),
        max_size=4,
    ),
)
def test_field_assignments_raise_only_invalid_input(
    template: Template, data: Any, assignments: list[str]
):
    item = data.draw(st.sampled_from(list(template.items)))
    names = [f.name for f in item.evidence]
    if names:
        assignments = [
            *assignments,
            f"{data.draw(st.sampled_from(names))}={data.draw(st.text(max_size=15))}",
        ]
    try:
        values = parse_field_assignments(item, assignments)
    except InvalidInput:
        return
    assert set(values) <= set(names)
