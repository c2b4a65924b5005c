"""Any text, into every stored text field, through the command line and the store API.

Each example writes hostile text (markup like `[/]`, links, ANSI escapes, C0 and C1
controls, bidi overrides, zero-width characters, emoji, long strings) into every text
field of a real database file, then runs list, gaps, show, history and every export.
Whatever was typed is either refused at entry, with one line naming the field and
nothing written, or shown literally everywhere; nothing ever fails.
"""

from __future__ import annotations

import csv
import html
import io
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import orjson
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from pydantic import ValidationError
from pypdf import PdfReader

from planner.cli import main
from planner.domain.case import Case
from planner.domain.errors import InvalidInput, describe_validation_error
from planner.domain.status import ItemStatus
from planner.domain.template_loading import TemplateLibrary
from planner.domain.text import BIDI_CONTROLS
from planner.export.case_note import PART_SEPARATOR, join_parts
from planner.export.caseload_csv import safe_text
from planner.store.repository import CaseStore
from tests.conftest import NOW, TODAY, make_person
from tests.hostile_text import hostile_text

NUMBER = "H1234HH"
TEXT = hostile_text(max_size=5)
NEVER_PRINTED = {chr(c) for c in (*range(0x20), *range(0x7F, 0xA0))} - {"\n"} | BIDI_CONTROLS
MARKDOWN = MarkdownIt("gfm-like")


@dataclass
class Run:
    code: int
    out: str
    err: str


def planner(db: Path, *argv: str, officer: str = "Test Officer") -> Run:
    """`planner --db DB ARGV...` in this process, as a user would run it."""
    env = {"COLUMNS": "10000", "NO_COLOR": "1"}
    with CliRunner().isolation(env=env) as (out, err, _both):
        code = main(["--db", str(db), "--officer", officer, "--today", TODAY.isoformat(), *argv])
    return Run(code, out.getvalue().decode(), err.getvalue().decode())


def add(db: Path, surname: str, forename: str, release: str = "2026-12-16") -> Run:
    names = ("--surname", surname, "--forename", forename)
    return planner(db, "add", "--number", NUMBER, *names, "--release", release)


@contextmanager
def database() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder) / "planner.db"


def change_number(db: Path) -> int:
    with CaseStore(db, read_only=True, auto_backup=False) as store:
        return store.change_number


def stored(db: Path) -> Case:
    with CaseStore(db, read_only=True, auto_backup=False) as store:
        return store.get(NUMBER)


def assert_entry(db: Path, before: int, run: Run) -> None:
    """Accepted, or refused with one line on stderr and nothing written."""
    assert run.code in (0, 2), run.err
    if run.code == 2:
        assert run.err.startswith("planner: ") and run.err.count("\n") == 1, run.err
        assert not set(run.err) & NEVER_PRINTED
        assert change_number(db) == before


def pieces(value: str) -> list[str]:
    """What a table shows of a value, line by line (tabs become spaces on a terminal)."""
    return [p.strip() for p in re.split(r"[\n\t]", value) if p.strip()]


def assert_shown(output: str, *values: str) -> None:
    assert not set(output) & NEVER_PRINTED
    for value in values:
        for piece in pieces(value):
            assert piece in output, piece


def rendered_markdown(path: Path) -> str:
    page = MARKDOWN.render(path.read_text(encoding="utf-8"))
    assert "<a " not in page and "<img" not in page and "<script" not in page
    assert page.count("<h1>") == 1
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def check_every_view(db: Path, folder: Path) -> None:
    """Run every read and export on the database and find each stored text in each."""
    case = stored(db)
    p, bank = case.person, case.checklist.item("bank.account")
    address = str(case.checklist.item("accommodation.address").evidence.get("address", ""))
    name = p.display_name
    everything = [p.surname, p.forename, p.prison, p.location, address, bank.reason, bank.notes]
    everything += [case.notes, bank.changed_by]
    summarised = [name, p.prison, address, bank.reason, bank.notes, case.notes]

    listing = planner(db, "list")
    assert listing.code == 0, listing.err
    assert_shown(listing.out, p.surname.upper(), p.forename, p.location)
    gaps = planner(db, "gaps")
    assert gaps.code == 0, gaps.err
    assert_shown(gaps.out, name, bank.reason)
    show = planner(db, "show", NUMBER)
    assert show.code == 0, show.err
    assert_shown(show.out, name, p.prison, p.location, address, bank.reason)
    history = planner(db, "history", NUMBER)
    assert history.code == 0, history.err
    assert_shown(history.out, *everything)

    as_json = orjson.loads(planner(db, "show", NUMBER, "--json").out)
    assert as_json["person"]["surname"] == p.surname
    items = {i["id"]: i for i in as_json["items"]}
    assert (items["bank.account"]["reason"], items["bank.account"]["notes"]) == (
        bank.reason,
        bank.notes,
    )
    people = orjson.loads(planner(db, "list", "--json").out)["people"]
    assert [(x["surname"], x["forename"]) for x in people] == [(p.surname, p.forename)]

    for fmt in ("md", "json", "note"):
        target = folder / f"summary.{fmt}"
        run = planner(db, "export", NUMBER, "--format", fmt, "-o", str(target))
        assert run.code == 0, run.err
    shown = rendered_markdown(folder / "summary.md")
    for value in summarised:
        assert " ".join(value.split()) in shown
    summary = orjson.loads((folder / "summary.json").read_bytes())
    assert (summary["person"]["surname"], summary["notes"]) == (
        p.surname,
        case.notes.strip() or None,
    )
    note = join_parts((folder / "summary.note").read_text("utf-8").split(PART_SEPARATOR))
    for value in summarised:
        assert value.strip() in note
    run = planner(db, "export", "--caseload", "-o", str(folder / "caseload.csv"))
    assert run.code == 0, run.err
    text = (folder / "caseload.csv").read_text("utf-8-sig")
    (row,) = csv.DictReader(io.StringIO(text))
    assert (row["Surname"], row["Forename"]) == (safe_text(p.surname), safe_text(p.forename))


# --- through the command line ---------------------------------------------------------------

FIELDS = ("surname", "forename", "prison", "location", "crn", "address", "reason", "note")


@settings(max_examples=20, deadline=None)
@given(st.fixed_dictionaries(dict.fromkeys((*FIELDS, "officer"), TEXT)))
def test_any_text_typed_on_the_command_line(texts: dict[str, str]) -> None:
    with database() as db:
        added = add(db, texts["surname"], texts["forename"])
        assert added.code in (0, 2), added.err
        if added.code == 2:
            assert added.err.count("\n") == 1 and not db.exists()
            run = add(db, "Plain", "Pat")
            assert run.code == 0, run.err
        entries = {
            "surname": ("update", NUMBER, "--surname", texts["surname"]),
            "forename": ("update", NUMBER, "--forename", texts["forename"]),
            "prison": ("update", NUMBER, "--prison", texts["prison"]),
            "location": ("update", NUMBER, "--location", texts["location"]),
            "crn": ("update", NUMBER, "--crn", texts["crn"]),
            "address": (
                "set",
                NUMBER,
                "accommodation.address",
                "in_progress",
                "--field",
                f"address={texts['address']}",
            ),
            "reason": ("set", NUMBER, "bank.account", "blocked", "--reason", texts["reason"]),
            "note": ("set", NUMBER, "bank.account", "in_progress", "--note", texts["note"]),
        }
        for field in FIELDS:
            before = change_number(db)
            assert_entry(db, before, planner(db, *entries[field]))
        before = change_number(db)
        officer = texts["officer"]
        assert_entry(
            db, before, planner(db, "set", NUMBER, "id.documents", "done", officer=officer)
        )
        if stored(db).checklist.item("bank.account").status is not ItemStatus.BLOCKED:
            run = planner(db, "set", NUMBER, "bank.account", "blocked", "--reason", "Plain reason")
            assert run.code == 0, run.err
        check_every_view(db, db.parent)


def test_the_findings_are_refused_or_shown_literally() -> None:
    """The cases that broke every listing: refused with one line, or listed as typed."""
    with database() as db:
        run = add(db, "[/]", "Esc\x1b[2J", "2030-01-02")
        assert (run.code, run.err) == (
            2,
            "planner: --forename: contains a control character (U+001B)\n",
        )
        run = add(db, "[/]", "Jim [aka Jimmy]")
        assert run.code == 0 and "Jim [aka Jimmy] [/]" in run.out
        link = "[link=http://evil.example/]click[/link] [bold green]DONE[/]"
        assert planner(db, "set", NUMBER, "bank.account", "blocked", "--reason", link).code == 0
        for bad in ("\x1b[2J", "\u202egnp", "A\u200bB"):
            before = change_number(db)
            assert_entry(db, before, planner(db, "update", NUMBER, "--surname", f"Smith{bad}"))
            assert planner(db, "update", NUMBER, "--surname", f"Smith{bad}").code == 2
        for command in (("list",), ("gaps",), ("show", NUMBER), ("history", NUMBER)):
            run = planner(db, *command)
            assert run.code == 0, run.err
            assert "\x1b" not in run.out
        assert "[/], Jim [aka Jimmy]" in planner(db, "list").out
        assert link in planner(db, "show", NUMBER).out
        assert link in planner(db, "gaps").out


# --- through the store API ------------------------------------------------------------------


def _refused(write: Callable[[], object]) -> str | None:
    """The one line a refusal says, or None when `write()` was accepted."""
    try:
        write()
    except ValidationError as exc:
        return describe_validation_error(exc)
    except InvalidInput as exc:
        return str(exc)
    return None


STORE_FIELDS = (
    "surname",
    "forename",
    "prison",
    "location",
    "pom_name",
    "pom_phone",
    "com_email",
    "address",
    "reason",
    "item_notes",
    "case_notes",
    "officer",
)


@settings(max_examples=20, deadline=None)
@given(st.fixed_dictionaries(dict.fromkeys(STORE_FIELDS, TEXT)))
def test_any_text_given_to_the_store(texts: dict[str, str]) -> None:
    template = TemplateLibrary().get("england-wales")
    with database() as db:
        with CaseStore(db, officer="Seeder", clock=lambda: NOW) as store:
            store.add(make_person(NUMBER, surname="Plain", forename="Pat"), template)
            for field in STORE_FIELDS[:7]:
                change: dict[str, object] = {field: texts[field]}
                where = field
                if field.startswith(("pom_", "com_")):
                    which, part = field.split("_")
                    key = f"{'prison' if which == 'pom' else 'community'}_offender_manager"
                    change, where = {key: {part: texts[field]}}, f"{key}.{part}"
                before = store.change_number

                def update(c: dict[str, object] = change) -> object:
                    return store.update_person(store.get(NUMBER).person.model_copy(update=c))

                line = _refused(update)
                if line is not None:
                    assert line.startswith(f"{where}: ") and not set(line) & NEVER_PRINTED, line
                    assert store.change_number == before
            writes: tuple[Callable[[], object], ...] = (
                lambda: store.save_item(
                    NUMBER, "accommodation.address", evidence={"address": texts["address"]}
                ),
                lambda: store.save_item(
                    NUMBER, "bank.account", status=ItemStatus.BLOCKED, reason=texts["reason"]
                ),
                lambda: store.save_item(NUMBER, "bank.account", notes=texts["item_notes"]),
                lambda: store.update_notes(NUMBER, texts["case_notes"]),
            )
            for write in writes:
                before = store.change_number
                line = _refused(write)
                if line is not None:
                    assert "\n" not in line and not set(line) & NEVER_PRINTED, line
                    assert store.change_number == before
            if store.get(NUMBER).checklist.item("bank.account").status is not ItemStatus.BLOCKED:
                store.save_item(NUMBER, "bank.account", status=ItemStatus.BLOCKED, reason="Why")
        with CaseStore(db, officer=texts["officer"], clock=lambda: NOW) as store:
            before = store.change_number
            line = _refused(lambda: store.save_item(NUMBER, "id.documents", notes="by them"))
            assert line is None or (
                line.startswith("changed_by: ") and store.change_number == before
            )
        check_every_view(db, db.parent)


@settings(max_examples=3, deadline=None)
@given(TEXT)
def test_a_pdf_of_any_stored_text_is_written_or_refused_naming_the_field(text: str) -> None:
    """Any text the models accept is drawn, or (a character no shipped font has, such as a
    private-use one) the PDF is refused in one line naming the field, with nothing written;
    never a traceback, never a silent drop."""
    template = TemplateLibrary().get("england-wales")
    with database() as db:
        with CaseStore(db, officer="Seeder", clock=lambda: NOW) as store:
            store.add(make_person(NUMBER), template)
            writes: tuple[Callable[[], object], ...] = (
                lambda: store.update_notes(NUMBER, text),
                lambda: store.save_item(NUMBER, "bank.account", notes=text),
            )
            for write in writes:
                _refused(write)
        target = db.parent / "summary.pdf"
        run = planner(db, "export", NUMBER, "-o", str(target))
        if run.code == 2:
            assert "cannot be drawn in PDF" in run.err and "\n" not in run.err.strip()
            assert not target.exists()
            return
        assert run.code == 0, run.err
        assert NUMBER in " ".join(page.extract_text() for page in PdfReader(target).pages)
