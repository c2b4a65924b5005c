"""First run on a new database: encryption is offered (recommended, `n` declines), the
passphrase is chosen in the UI, and a weak one's warning is shown there, not lost on the
terminal behind the app."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from planner.config import Settings
from planner.domain.template_loading import TemplateLibrary
from planner.store.codec import Codec
from planner.store.doctor import encrypted
from planner.store.repository import CaseStore
from planner.tui.app import PlannerApp, make_app
from planner.tui.screens.caseload import CaseloadScreen
from planner.tui.screens.passphrase import EncryptOfferScreen, NewPassphraseScreen
from planner.tui.session import NewDatabase
from tests.conftest import TODAY
from tests.tui.conftest import OFFICER, wait_for_caseload, wait_until
from tests.unit.test_passphrase_strength import STRONG, WEAK

FAST = 15  # the lowest scrypt cost the store accepts: keeps the tests quick


def first_run_app(db: Path, *, encrypt: bool = False) -> PlannerApp:
    """The app as `planner` builds it for a database that does not exist yet."""
    chosen: dict[str, Codec | None] = {}

    def opener() -> CaseStore:
        return CaseStore(db, officer=OFFICER, codec=chosen["codec"])

    def use(codec: Codec | None) -> None:
        chosen["codec"] = codec

    new = NewDatabase(db, use=use, words=(db.stem,), cost=FAST, encrypt=encrypt)
    return make_app(
        opener,
        today=TODAY,
        settings=Settings(officer=OFFICER),
        templates=TemplateLibrary(),
        officer=OFFICER,
        new_database=new,
    )


def message(pilot: Pilot[Any]) -> str:
    return str(pilot.app.screen.query_one("#passphrase-message").render())


async def type_twice(pilot: Pilot[Any], passphrase: str) -> None:
    for field in ("#new-passphrase", "#new-passphrase-again"):
        widget = pilot.app.screen.query_one(field, Input)
        widget.value = passphrase
    pilot.app.screen.query_one("#new-passphrase-again", Input).focus()
    await pilot.press("enter")


async def test_declined_with_one_key_the_database_is_plain(tmp_path: Path) -> None:
    db = tmp_path / "cases.db"
    app = first_run_app(db)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, EncryptOfferScreen)
        assert not db.exists()  # nothing is made before the officer answers
        await pilot.press("n")
        await wait_for_caseload(pilot)
        assert any("not encrypted" in n.message for n in app._notifications)
    assert db.exists() and not encrypted(db)


async def test_accepted_the_database_is_encrypted_with_the_chosen_passphrase(
    tmp_path: Path,
) -> None:
    db = tmp_path / "cases.db"
    app = first_run_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # the recommended answer has focus
        assert isinstance(app.screen, NewPassphraseScreen)
        await type_twice(pilot, STRONG)
        await wait_for_caseload(pilot)
    assert encrypted(db)
    with CaseStore(db, passphrase=STRONG) as store:
        assert len(store) == 0


async def test_a_weak_passphrase_is_warned_of_on_screen_then_taken_when_confirmed(
    tmp_path: Path,
) -> None:
    db = tmp_path / "cases.db"
    app = first_run_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await type_twice(pilot, WEAK)
        await wait_until(pilot, lambda: "could be guessed" in message(pilot), "the warning")
        assert "Press Enter to use it anyway" in message(pilot)
        assert isinstance(app.screen, NewPassphraseScreen)
        assert not db.exists()
        await pilot.press("enter")
        await wait_for_caseload(pilot)
    with CaseStore(db, passphrase=WEAK) as store:
        assert store.encrypted


async def test_refused_and_mismatched_passphrases_are_asked_again(tmp_path: Path) -> None:
    db = tmp_path / "cases.db"
    app = first_run_app(db, encrypt=True)  # the config file asks: straight to the passphrase
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, NewPassphraseScreen)
        await type_twice(pilot, "password")
        await wait_until(pilot, lambda: "Not that one" in message(pilot), "the refusal")
        assert app.screen.query_one("#new-passphrase", Input).value == ""
        app.screen.query_one("#new-passphrase", Input).value = STRONG
        app.screen.query_one("#new-passphrase-again", Input).value = STRONG + "x"
        app.screen.query_one("#new-passphrase-again", Input).focus()
        await pilot.press("enter")
        assert "not the same" in message(pilot)
        await pilot.press("escape")  # back to the question, which can still decline
        assert isinstance(app.screen, EncryptOfferScreen)
        await pilot.press("n")
        await wait_until(
            pilot, lambda: isinstance(app.screen, CaseloadScreen) and db.exists(), "the caseload"
        )
    assert not encrypted(db)
