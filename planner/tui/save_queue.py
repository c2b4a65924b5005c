"""A screen's saves, written one after another in the order asked, off the event loop.

The officer moves on at once; each change is written in a worker thread, never two at the
same time and never out of order (a second status for the same item lands after the
first). While any is waiting the screen says "saving…", and "saved" once all are on disk;
a refused save is reported by the caller's `refused`, with the change in hand to retry.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from textual.screen import Screen

from planner.tui.saving import SAVE_REFUSED, SaveRefused

SAVING = "saving…"
SAVED = "saved"
# The worker groups that write changes: the app lets them finish before it exits.
SAVE_GROUPS = frozenset({"saves", "save"})
# Worker groups the app stops (see StopsBeforeQuitting) and then waits for before it
# exits: a batch of exports, which notes what it wrote in the audit log as it ends.
STOPPED_GROUPS = frozenset({"batch"})


@runtime_checkable
class StopsBeforeQuitting(Protocol):
    """A screen whose work the app asks to stop (soon, not at once) before it exits."""

    def stop_before_quitting(self) -> None: ...


@dataclass(frozen=True, slots=True)
class Save:
    write: Callable[[], object]  # the store call, run in a thread
    done: Callable[[], None]  # then this, on the event loop
    refused: Callable[[SaveRefused], None]  # or this, if the store or domain refused it


class SaveQueue:
    """Runs a screen's saves in order in one worker at a time; `on_state` hears SAVING,
    then SAVED (or "" after a refusal) on the event loop."""

    def __init__(self, screen: Screen[Any], on_state: Callable[[str], None]) -> None:
        self._screen = screen
        self._on_state = on_state
        self._waiting: deque[Save] = deque()
        self._lock = threading.Lock()
        self._running = False

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._waiting) + int(self._running)

    def submit(self, save: Save) -> None:
        with self._lock:
            self._waiting.append(save)
            start = not self._running
            self._running = True
        self._on_state(SAVING)
        if start:
            self._screen.run_worker(self._drain, thread=True, group="saves", exclusive=False)

    def _drain(self) -> None:
        app = self._screen.app
        refused_any = False
        while True:
            with self._lock:
                if not self._waiting:
                    self._running = False
                    break
                save = self._waiting.popleft()
            try:
                save.write()
            except SAVE_REFUSED as exc:
                refused_any = True
                app.call_from_thread(save.refused, exc)
            except BaseException:
                with self._lock:
                    self._running = False
                    self._waiting.clear()
                raise  # the app's guard reports it; nothing half-written
            else:
                app.call_from_thread(save.done)
        app.call_from_thread(self._settled, refused_any)

    def _settled(self, refused_any: bool) -> None:
        if not self.pending:  # another save may have been asked for meanwhile
            self._on_state("" if refused_any else SAVED)
