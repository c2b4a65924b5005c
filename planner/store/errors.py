"""Errors the store raises; each says in one line what is wrong and what to do."""

from __future__ import annotations


class StoreError(Exception):
    """Base class: a problem with the database that the user must hear about."""


class DatabaseLocked(StoreError):
    pass


class DatabaseCorrupt(StoreError):
    pass


class NewerSchema(StoreError):
    pass


class ReadOnlyDatabase(StoreError):
    pass


class CaseNotFound(StoreError, KeyError):
    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "case not found"


class CaseExists(StoreError):
    pass


class StaleEdit(StoreError):
    """The record changed since the caller read it; carries both versions."""

    def __init__(self, message: str, *, current: object, attempted: object) -> None:
        super().__init__(message)
        self.current = current
        self.attempted = attempted


class WriteFailed(StoreError):
    """A write did not reach the disk; the previous state is intact."""
