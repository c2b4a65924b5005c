"""A few connections to the server kept open for one store, made again at once when the
server comes back.

A connection is checked (an empty query) before it is handed out, so one the server or
the network cut while it was idle is replaced instead of failing the officer's next
save; a connection that breaks in use is dropped. When the server cannot be reached the
caller hears at once (after libpq's connect timeout), never after a background
reconnection's back-off.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from typing import Any

import psycopg

Connection = psycopg.Connection[Any]


class Connections:
    def __init__(self, connect: Callable[[], Connection], *, keep: int = 4) -> None:
        self._connect = connect
        self._keep = keep
        self._idle: list[Connection] = []
        self._lock = threading.Lock()
        self._closed = False

    @contextlib.contextmanager
    def connection(self) -> Iterator[Connection]:
        """A working connection, in no transaction; returned for reuse when the block
        ends (an error rolls back what the block began)."""
        conn = self._take()
        try:
            yield conn
            if (
                not conn.closed
                and conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE
            ):
                conn.commit()
        except BaseException:
            if not conn.closed and not conn.broken:
                with contextlib.suppress(psycopg.Error):
                    conn.rollback()
            raise
        finally:
            self.give_back(conn)

    def _take(self) -> Connection:
        while True:
            with self._lock:
                conn = self._idle.pop() if self._idle else None
            if conn is None:
                return self._connect()
            try:
                conn.execute("")
                conn.rollback()
            except psycopg.Error:
                with contextlib.suppress(psycopg.Error):
                    conn.close()
                continue
            return conn

    def give_back(self, conn: Connection) -> None:
        """Keep `conn` for reuse (closed instead when enough are kept or it is broken)."""
        if conn.closed or conn.broken:
            return
        with self._lock:
            if not self._closed and len(self._idle) < self._keep:
                self._idle.append(conn)
                return
        conn.close()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for conn in idle:
            with contextlib.suppress(psycopg.Error):
                conn.close()
