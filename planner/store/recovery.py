"""Finishing (or undoing) a passphrase change or a restore that a crash interrupted.

Both replace several files, which no single rename can do. Each therefore has one commit
point, and whoever next opens the database (holding its lock) completes the work:

* passphrase change: the new snapshot and audit log are written as ``NAME.rekey`` and
  ``NAME.audit.rekey``; renaming ``NAME.rekey`` over ``NAME`` is the commit. If
  ``NAME.rekey`` is still there the change never happened: both staged files are removed
  and the old passphrase still opens everything. If only ``NAME.audit.rekey`` is left,
  the change happened: it is renamed over the audit log. The old journal is recognised as
  stale by its base change number and replaced (see :mod:`planner.store.journal`).
* restore: the backup's files are staged in ``NAME.restoring/``, the current files are
  kept aside, then the intent file ``NAME.restore`` is written: the commit. With the intent
  present the staged files are moved into place (again, if need be): the audit log and
  the snapshot by rename, the journal by copying its bytes over the journal in place (the
  journal is the database's lock, and others may be waiting on it); without the intent a
  staging folder is an unfinished restore and is removed.

The same staged pair (``NAME.rekey`` and ``NAME.audit.rekey``) serves every change that
writes the snapshot and the audit log anew together: a passphrase change, a retention
purge, an upgrade from an earlier planner and a repair (see :mod:`planner.store.rewrite`).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from planner.store import platform
from planner.store.files import fsync_dir, replace_durably, write_at
from planner.store.locking import open_regular

RESTORE_STAGING_SUFFIX = ".restoring"
RESTORE_INTENT_SUFFIX = ".restore"
REKEY_SUFFIX = ".rekey"


def _beside(data: Path, suffix: str) -> Path:
    return data.with_name(data.name + suffix)


def rekey_snapshot_path(data: Path) -> Path:
    return _beside(data, REKEY_SUFFIX)


def rekey_audit_path(data: Path) -> Path:
    return _beside(data, ".audit" + REKEY_SUFFIX)


def restore_staging_path(data: Path) -> Path:
    return _beside(data, RESTORE_STAGING_SUFFIX)


def restore_intent_path(data: Path) -> Path:
    return _beside(data, RESTORE_INTENT_SUFFIX)


def restore_order(data: Path) -> list[str]:
    """The file names a restore moves into place, the snapshot last."""
    return [data.name + ".audit", data.name + ".journal", data.name]


def interrupted(data: Path) -> list[str]:
    """What a crash left unfinished, in words; empty when nothing was."""
    found = []
    if rekey_snapshot_path(data).exists():
        found.append("a passphrase change was interrupted before it took effect")
    elif rekey_audit_path(data).exists():
        found.append("a passphrase change was interrupted after it took effect")
    if restore_intent_path(data).exists():
        found.append("a restore was interrupted after it took effect")
    elif restore_staging_path(data).exists():
        found.append("a restore was interrupted before it took effect")
    return found


def finish_interrupted(data: Path) -> list[str]:
    """Complete or undo interrupted work; the caller holds the lock. Returns what it did."""
    done = []
    folder = data.parent
    staged_snapshot = rekey_snapshot_path(data)
    staged_audit = rekey_audit_path(data)
    if staged_snapshot.exists():
        for path in (staged_snapshot, staged_audit):
            with contextlib.suppress(FileNotFoundError):
                platform.remove(path)
        fsync_dir(folder)
        done.append("undid an interrupted passphrase change (the old passphrase still applies)")
    elif staged_audit.exists():
        replace_durably(staged_audit, _beside(data, ".audit"))
        done.append("finished an interrupted passphrase change (the new passphrase applies)")
    intent = restore_intent_path(data)
    staging = restore_staging_path(data)
    if intent.exists():
        for name in restore_order(data):
            staged = staging / name
            target = folder / name
            if not staged.exists():
                continue
            if name.endswith(".journal") and target.exists():
                copy_in_place(staged, target)
                platform.remove(staged)
            else:
                replace_durably(staged, target)
        platform.remove_tree(staging)
        platform.remove(intent)
        fsync_dir(folder)
        done.append("finished an interrupted restore")
    elif staging.exists():
        platform.remove_tree(staging)
        fsync_dir(folder)
        done.append("removed the files of a restore that never took effect")
    return done


def copy_in_place(source: Path, target: Path) -> None:
    """Make `target` hold exactly the bytes of `source`, keeping `target`'s inode (and so
    whoever waits on its lock); fsync'd."""
    data = source.read_bytes()
    fd = open_regular(target, os.O_RDWR)
    try:
        write_at(fd, 0, data)
    finally:
        os.close(fd)
