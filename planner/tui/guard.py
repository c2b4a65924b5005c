"""What becomes of an exception no screen caught: one plain line, never a traceback.

Textual's own answer to an uncaught exception (in a message handler, an action, a
screen's compose or mount, a timer, a worker) is to stop and print a rich traceback with
the local variables of every frame: here those are people's records. Instead:

* a store error (the database is locked, damaged, read-only, or sealed with a passphrase
  changed elsewhere) is told in the UI, and the UI goes on: a screen that failed is
  closed, the officer is back where they came from;
* anything else stops planner with one line naming only the kind of error (its message
  may quote a record), and exit status 1;
* with ``PLANNER_DEBUG`` set, Textual's traceback is shown as before, to report a fault.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from textual.actions import ActionParseResult
from textual.app import App
from textual.dom import DOMNode, NoScreen
from textual.message_pump import MessagePump
from textual.screen import Screen
from textual.widget import Widget
from textual.worker import WorkerFailed

from planner.store.errors import StoreError

DEBUG_ENV = "PLANNER_DEBUG"


def debugging() -> bool:
    """True when the officer (or whoever reports a fault) asked to see tracebacks."""
    return bool(os.environ.get(DEBUG_ENV))


def unexpected_line(error: BaseException) -> str:
    """The one line for an error planner did not expect: its class name, never its text."""
    return (
        f"planner stopped: an unexpected error ({type(error).__name__}); nothing unsaved "
        f"was written; set {DEBUG_ENV}=1 to see details"
    )


def store_stop_line(error: StoreError) -> str:
    """The one line for a store error planner could not go on after."""
    return f"planner stopped: {error}; nothing unsaved was written"


class GuardedApp(App[None]):
    """An app that turns every uncaught exception into a message or one plain line.

    Subclasses say what a store error means to the officer in `store_failed`.
    """

    def __init__(self) -> None:
        super().__init__()
        self._stop_line: str | None = None
        # Set while a store error in the app's own message loop waits to be told: if
        # that loop ended (and with it the app) before it could be, this is the line.
        self._stop_line_if_lost: str | None = None

    @property
    def stop_line(self) -> str | None:
        """Why planner stopped, for the command to print once the terminal is back."""
        return self._stop_line or self._stop_line_if_lost

    def stop(self, line: str) -> None:
        """Leave the app with exit status 1; `line` is printed (the first one wins)."""
        if self._stop_line is None:
            self._stop_line = line
        self.exit(return_code=1)

    def stop_unexpectedly(self, error: BaseException) -> None:
        self.stop(unexpected_line(error))

    def store_failed(self, error: StoreError) -> None:
        """Tell the officer about a store error nothing else handled (the app goes on)."""
        raise NotImplementedError  # pragma: no cover

    # --- the hook into Textual ----------------------------------------------------------

    def _handle_exception(self, error: Exception) -> None:
        """Every uncaught exception reaches Textual through this private method.

        Textual has no public hook for them: message pumps, compose and mount, timers,
        rendering and workers started with exit_on_error all call it, and its default
        (via `_fatal_error` and `panic`) prints a traceback with locals. This override
        and `_failed_in` are the only places planner relies on Textual's internals.
        """
        if debugging():
            super()._handle_exception(error)
            return
        if isinstance(error, WorkerFailed):
            # The worker is done; nothing else stopped. The real error is inside.
            self._uncaught(error.error, failed_in=None)
            return
        self._uncaught(error, failed_in=_failed_in())

    def _uncaught(self, error: BaseException, *, failed_in: MessagePump | None) -> None:
        if self._stop_line is not None:
            return  # already stopping: the first error is the one to tell
        if not isinstance(error, StoreError):
            self.stop_unexpectedly(error)
            return
        if failed_in is None:  # a worker: it is done, nothing else stopped
            self.call_later(self.store_failed, error)
            return
        if failed_in is self:
            # A callback, or a handler of the app's own: should the app's loop have ended
            # on it, the app ends with it and this line is printed.
            self._stop_line_if_lost = store_stop_line(error)
            self.call_later(self._tell_store_error, error)
            return
        screen = _screen_of(failed_in)
        stack = self.screen_stack
        if screen is None or screen not in stack:  # a screen already closed
            self.call_later(self.store_failed, error)
            return
        if screen is stack[0]:
            # The screen everything starts from cannot go on: nothing to go back to.
            self.stop(store_stop_line(error))
            return
        # Textual stops a screen's message loop after an uncaught exception: close it
        # (and any screen above it), back to the one it was opened from.
        self.call_later(self._close_failed_screen, screen, error)

    def _tell_store_error(self, error: StoreError) -> None:
        self._stop_line_if_lost = None
        self.store_failed(error)

    async def _close_failed_screen(self, screen: Screen[Any], error: StoreError) -> None:
        while screen in self.screen_stack and len(self.screen_stack) > 1:
            await self.pop_screen()
        self.store_failed(error)

    async def run_action(
        self,
        action: str | ActionParseResult,
        default_namespace: DOMNode | None = None,
        namespaces: Mapping[str, DOMNode] | None = None,
    ) -> bool:
        """Run an action; a store error it raises is told, and the screen stays as it was.

        (Keys and buttons run their actions in the app's message loop, which an uncaught
        exception would end.)
        """
        try:
            return await super().run_action(action, default_namespace, namespaces)
        except StoreError as error:
            if debugging():
                raise
            self.store_failed(error)
            return True


def _failed_in() -> MessagePump | None:
    """The widget, screen or app whose message loop was running when the error came.

    Textual keeps it in a private context variable; this is the one place it is read.
    """
    from textual._context import active_message_pump

    try:
        return active_message_pump.get()
    except LookupError:
        return None


def _screen_of(node: MessagePump) -> Screen[Any] | None:
    if isinstance(node, Screen):
        return node
    if isinstance(node, Widget):
        try:
            return node.screen
        except NoScreen:  # a widget no longer on any screen
            return None
    return None
