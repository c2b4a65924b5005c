"""Errors the store raises; each says in one line what is wrong and what to do."""

from __future__ import annotations


class StoreError(Exception):
    """Base class: a problem with the database that the user must hear about."""


class DatabaseLocked(StoreError):
    pass


class DatabaseCorrupt(StoreError):
    pass


class JournalMissing(StoreError):
    """The journal (which is also the database's lock) is not there."""


class IntegrityError(DatabaseCorrupt):
    """The files of a database do not vouch for each other: a journal or an audit log was
    removed, rolled back, cut short or edited. Nothing is written on top of it; `kind`
    names the problem (see :mod:`planner.store.integrity`)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


class Undecryptable(DatabaseCorrupt):
    """Sealed bytes failed their authentication tag: altered, damaged or foreign."""


class NewerSchema(StoreError):
    pass


class ReadOnlyDatabase(StoreError):
    pass


class LegacySchema(StoreError):
    """The database was written by an earlier planner and must be upgraded first (see
    :mod:`planner.store.upgrade`)."""


class PassphraseNeeded(StoreError):
    """The database is encrypted and no passphrase was given."""


class WrongPassphrase(StoreError):
    """The passphrase does not open the database; nothing was read or written."""


class BackupInvalid(StoreError):
    """A backup is incomplete, damaged or not a planner backup."""


class CaseNotFound(StoreError, KeyError):
    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "case not found"


class CaseExists(StoreError):
    pass


class StaleEdit(StoreError):
    """The record changed since the caller read it; carries both versions.

    `current` is what is stored now (an ItemRecord for an item, a Person for a person's
    details, a str for case notes) and `attempted` what the caller tried to save. To keep
    the caller's version, save again with the current version as the expectation:
    ``save_item(..., expected_rev=exc.current.rev)``, ``update_person(p, expected=exc.current)``
    or ``update_notes(n, text, expected=exc.current)``.
    """

    def __init__(
        self,
        message: str,
        *,
        current: object,
        attempted: object,
        number: str | None = None,
        item: str | None = None,
    ) -> None:
        super().__init__(message)
        self.current = current
        self.attempted = attempted
        self.number = number
        self.item = item


class WriteFailed(StoreError):
    """A write did not reach the disk; the previous state is intact."""


class FileInUse(StoreError):
    """Windows: another program holds a file open that planner must replace or remove, and
    did not let go within about a second (see :mod:`planner.store.platform`)."""
