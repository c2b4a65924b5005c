"""Hash chains: how the journal and the audit log prove their own order and completeness.

Every record line of the journal and of the audit log carries its change number and a
*link*: a keyed hash of the previous record's link, its own change number and its own
payload (as stored, that is sealed when the database is encrypted). Changing, removing,
reordering or repeating a record therefore breaks the chain at that record, and the last
link stands for the whole file up to it. The snapshot records the audit log's head (the
change number and link of its last record, and where it ends), and every journal record
carries the link its audit record has, so each file vouches for the others.

The key is derived from the database key for an encrypted database: nobody without the
passphrase can compute a link, so a forged record, or a whole forged log, is recognised.
A plain database has no secret, so its chain uses a fixed, public key: it detects damage,
lost or repeated lines, files from another time and edits made without recomputing the
chain, but someone who rewrites every later link (and the snapshot's header) could forge
history. README says so.

The *digest* covers a whole stretch of the audit log (from its start up to the head the
snapshot records) in one keyed hash, so checking it costs one pass at memory speed instead
of one step per record.
"""

from __future__ import annotations

import hashlib
import hmac
import mmap
import os
from typing import Any

from planner.store.codec import Codec

LINK_BYTES = 16
LINK_HEX = 2 * LINK_BYTES
PLAIN_CHAIN_KEY = b"planner public hash chain v1"
_START = bytes(LINK_BYTES)


def chain_key(codec: Codec) -> bytes:
    """The key the codec's chains are hashed with (public for a plain database)."""
    key = getattr(codec, "chain_key", None)
    return key if isinstance(key, bytes) else PLAIN_CHAIN_KEY


def link(key: bytes, previous: bytes, seq: int, payload: bytes) -> bytes:
    """The link of record `seq` holding `payload`, after the record whose link is `previous`."""
    mac = hmac.new(key, previous, hashlib.sha256)
    mac.update(b"%d " % seq)
    mac.update(payload)
    return mac.digest()[:LINK_BYTES]


def genesis(key: bytes, header_payload: bytes) -> bytes:
    """The link a file's first record follows: the hash of the file's header line."""
    return link(key, _START, 0, header_payload)


def link_hex(value: bytes) -> str:
    return value.hex()


def parse_link(text: Any) -> bytes | None:
    """A link from its hex form, or None when it is not one."""
    if not isinstance(text, str) or len(text) != LINK_HEX:
        return None
    try:
        return bytes.fromhex(text)
    except ValueError:
        return None


def file_digest(key: bytes, path: os.PathLike[str] | str, length: int) -> str | None:
    """The keyed hash of the first `length` bytes of a file, or None when it is shorter.

    One pass over a memory map: no copy of the file is made.
    """
    mac = hmac.new(key, digestmod=hashlib.sha256)
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if size < length:
            return None
        if length:
            with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
                view = memoryview(mapped)
                try:
                    mac.update(view[:length])
                finally:
                    view.release()
    return mac.hexdigest()[:LINK_HEX]


def bytes_digest(key: bytes, data: bytes) -> str:
    """The same keyed hash as :func:`file_digest`, of bytes in memory."""
    return hmac.new(key, data, hashlib.sha256).hexdigest()[:LINK_HEX]
