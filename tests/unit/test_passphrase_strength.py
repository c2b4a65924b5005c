"""A new passphrase must be hard to guess: weakest refused, weak warned, strong taken."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

import planner.store.crypto as crypto
from planner.cli import main
from planner.store.crypto import AesGcmCodec, check_new_passphrase
from planner.store.passphrase_strength import EXAMPLE, SCORED_CHARACTERS, estimate
from planner.store.repository import CaseStore

STRONG = "correct horse battery staple"
WEAK = "jk4h5bhs"  # zxcvbn scores it 2: fairly hard to guess, no more


@pytest.mark.parametrize(
    "passphrase",
    ["password", "12345678", "password1", "qwertyuiop", "iloveyou123", "letmein!!", EXAMPLE],
)
def test_the_weakest_are_refused_in_one_line_saying_why(passphrase: str) -> None:
    with pytest.raises(ValueError) as refused:
        check_new_passphrase(passphrase)
    message = str(refused.value)
    assert "\n" not in message
    assert message.startswith("that passphrase is too easy to guess (")
    assert "unrelated words" in message and EXAMPLE in message


def test_the_reason_is_zxcvbns_own() -> None:
    with pytest.raises(ValueError, match=r"\(this is a top-10 common password\)"):
        check_new_passphrase("password")
    with pytest.raises(ValueError, match="the example"):
        check_new_passphrase("Kettle  orbit marsh violin")


def test_the_minimum_length_still_comes_first() -> None:
    with pytest.raises(ValueError, match="at least 8 characters"):
        check_new_passphrase("xk#9Q!")


def test_a_weak_passphrase_is_taken_with_a_warning() -> None:
    assert estimate(WEAK).score == 2
    warning = check_new_passphrase(WEAK)
    assert warning is not None and "could be guessed" in warning and "\n" not in warning


@pytest.mark.parametrize(
    "passphrase", [STRONG, "a quite different passphrase", "purple elephant tuba", "Tr0ub4dor&3"]
)
def test_strong_passphrases_are_taken_silently(passphrase: str) -> None:
    assert estimate(passphrase).score >= 3
    assert check_new_passphrase(passphrase) is None


def test_the_database_name_counts_as_guessable() -> None:
    assert check_new_passphrase("hmpbrixtoncases") is None
    with pytest.raises(ValueError, match="too easy to guess"):
        check_new_passphrase("hmpbrixtoncases", context=("hmpbrixtoncases",))


def test_a_very_long_passphrase_is_scored_quickly() -> None:
    long = " ".join(["lantern", "quarry", "mosaic", "thimble"] * 100)
    assert len(long) > 4 * SCORED_CHARACTERS
    started = time.perf_counter()
    assert check_new_passphrase(long) is None
    assert time.perf_counter() - started < 10  # about 0.05 s; unbounded it takes minutes


def test_the_store_refuses_a_weak_passphrase_too() -> None:
    with pytest.raises(ValueError, match="too easy to guess"):
        AesGcmCodec.create("12345678", cost=15)


# --- through the CLI ----------------------------------------------------------------------


@pytest.fixture
def fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crypto, "DEFAULT_COST", 15)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """The CLI as an officer runs it: with their name, as every change records it."""
    code = main(["--officer", "Test Officer", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.usefixtures("fast_kdf")
def test_init_encrypt_refuses_warns_and_accepts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "cases.db"
    monkeypatch.setenv("PLANNER_PASSPHRASE", "password")
    code, out, err = run(capsys, "--db", str(db), "init", "--encrypt")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("planner: that passphrase is too easy")
    assert list(tmp_path.iterdir()) == []  # nothing was created

    monkeypatch.setenv("PLANNER_PASSPHRASE", WEAK)
    code, out, err = run(capsys, "--db", str(db), "init", "--encrypt")
    assert code == 0 and "encrypted" in out
    assert err.startswith("planner: warning: that passphrase could be guessed")
    with CaseStore(db, passphrase=WEAK) as store:
        assert store.encrypted

    monkeypatch.setenv("PLANNER_PASSPHRASE", STRONG)
    code, out, err = run(capsys, "--db", str(tmp_path / "other.db"), "init", "--encrypt")
    assert code == 0 and err == ""


@pytest.mark.usefixtures("fast_kdf")
def test_passphrase_change_refuses_a_weak_one_and_keeps_the_old(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(tmp_path / "cases.db")
    monkeypatch.setenv("PLANNER_PASSPHRASE", STRONG)
    assert run(capsys, "--db", db, "init", "--encrypt")[0] == 0
    monkeypatch.setenv("PLANNER_NEW_PASSPHRASE", "12345678")
    code, out, err = run(capsys, "--db", db, "passphrase")
    assert code == 2 and err.count("\n") == 1 and "too easy to guess" in err
    assert run(capsys, "--db", db, "list")[0] == 0  # still opens with the old one
    monkeypatch.setenv("PLANNER_NEW_PASSPHRASE", WEAK)
    code, out, err = run(capsys, "--db", db, "passphrase")
    assert code == 0 and "new passphrase" in out
    assert "planner: warning: that passphrase could be guessed" in err
    monkeypatch.setenv("PLANNER_PASSPHRASE", WEAK)
    assert run(capsys, "--db", db, "list")[0] == 0
