"""How every screen tells the officer that a change was not saved, in one line or a dialog.

A read-only database refuses changes with one line (the banner already says why); a failed
write (a full disk, a lost network drive) says nothing was lost and offers to try again,
with the officer's change still in hand; a passphrase changed elsewhere is asked for, and
the change saved with it; any other store error, or input the domain refuses (the forms
check first), is one line naming the field. Never a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import ValidationError
from textual.screen import Screen

from planner.domain.errors import InvalidInput, describe_validation_error
from planner.store.errors import ReadOnlyDatabase, StoreError, WriteFailed, WrongPassphrase
from planner.tui.literal import toast
from planner.tui.session import Session

# What a save can be refused with: the store's errors, and input the domain refuses.
SaveRefused = StoreError | InvalidInput | ValidationError
SAVE_REFUSED = (StoreError, InvalidInput, ValidationError)


def refusal_line(exc: SaveRefused) -> str:
    """One line for a change that was refused."""
    if isinstance(exc, ValidationError):
        return f"Not saved: {describe_validation_error(exc)}"
    if isinstance(exc, ReadOnlyDatabase):
        return f"Not saved: read-only: {exc}"
    return f"Not saved: {exc}"


def refuse_if_read_only(screen: Screen[Any], session: Session) -> bool:
    """True (after saying so) when the database cannot be changed here."""
    if not session.read_only:
        return False
    toast(
        screen,
        f"Read-only: nothing can be changed here ({session.read_only_reason()}).",
        severity="warning",
    )
    return True


def report_save_failure(
    screen: Screen[Any], exc: SaveRefused, retry: Callable[[], None] | None = None
) -> None:
    """Tell the officer a save failed; after a failed write, offer `retry`.

    With the passphrase changed elsewhere, the app asks for the new one and then calls
    `retry`; without a `retry`, the change stays on screen to be saved again.
    """
    if isinstance(exc, WrongPassphrase):
        from planner.tui.screens.passphrase import PassphraseChanged

        screen.app.post_message(PassphraseChanged(retry))
        return
    if isinstance(exc, WriteFailed) and retry is not None:
        from planner.tui.screens.prompts import ConfirmScreen

        message = str(exc)

        def answered(again: bool | None) -> None:
            if again:
                retry()

        screen.app.push_screen(
            ConfirmScreen(
                "Not saved: the write did not reach the disk",
                f"{message[:1].upper()}{message[1:]}.\n\nNothing was lost, and your change "
                "is still here. Free some space or check the drive, then try again.",
                yes="Try again",
                no="Not now",
            ),
            answered,
        )
        return
    toast(screen, refusal_line(exc), severity="error", timeout=10)
