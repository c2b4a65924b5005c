"""The transfer file: one person's record sealed for the journey to another prison.

The file is a versioned, self-describing container::

    PLANNER-TRANSFER\\n                      magic (17 bytes)
    {"format": 1, "kdf": {...}, "check": "...", "nonce": "..."}\\n     header line (JSON)
    AES-256-GCM ciphertext of the payload, with its 16-byte tag
    SHA-256 of everything above (32 bytes)

* The key comes from the *transfer passphrase* (given to the receiving prison by another
  channel: a phone call, never with the file) by scrypt, with the KDF pieces of
  :mod:`planner.store.crypto` (its parameters, their bounds, the same NFC normalisation).
  The cost is n = 2^15, r = 8, p = 1 (32 MiB): a quarter of the database's, so building
  and checking a file stays under half a second (BENCHMARKS.md), while a passphrase is
  refused unless it is as hard to guess as a database's (zxcvbn; see
  :func:`planner.store.crypto.check_new_passphrase`). The key is independent of either
  database's: a plain database can send to an encrypted one and the reverse.
* The header line is authenticated as associated data with the magic, so a changed KDF
  parameter, nonce or format number fails the tag.
* The header holds a key-check value (an HMAC of a fixed label under the key), so a wrong
  passphrase is told apart from a changed file.
* The trailing SHA-256 (not keyed) is checked before anything else: any changed, added or
  removed byte anywhere, the key-check value included, reads as "changed or damaged",
  never as a wrong passphrase. Someone who changes the file *and* recomputes the digest
  still cannot make it open: the key check or the tag then refuses it.

Reading refuses, with one line each: a file that is not a transfer file, a changed or
damaged one, a wrong passphrase, and a format newer than this planner reads.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from collections.abc import Mapping
from typing import Any

import orjson
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from planner.store.crypto import NONCE_BYTES, SALT_BYTES, TAG_BYTES, KdfParams, derive_key
from planner.store.errors import StoreError

MAGIC = b"PLANNER-TRANSFER\n"
FORMAT = 1
TRANSFER_COST = 15  # log2 of scrypt's n for a transfer passphrase (see the docstring)
DIGEST_BYTES = 32
CHECK_BYTES = 16
_CHECK_LABEL = b"planner transfer key check v1"
_MAX_HEADER = 4096

DAMAGED = "the transfer file has been changed or damaged; ask for it to be sent again"


class TransferRefused(Exception):
    """A transfer file that cannot be used, with the one line that says why."""


class NotATransferFile(TransferRefused):
    pass


class TransferDamaged(TransferRefused):
    pass


class WrongTransferPassphrase(TransferRefused):
    pass


class TransferTooNew(TransferRefused):
    pass


def seal(payload: bytes, passphrase: str, *, cost: int = TRANSFER_COST) -> bytes:
    """The whole file for `payload` under a key made from `passphrase` (checked by the
    caller for strength)."""
    params = KdfParams(os.urandom(SALT_BYTES), cost)
    key = derive_key(passphrase, params)
    nonce = os.urandom(NONCE_BYTES)
    header = {
        "format": FORMAT,
        "kdf": params.to_json(),
        "check": _b64(_check_value(key)),
        "nonce": _b64(nonce),
    }
    start = MAGIC + orjson.dumps(header) + b"\n"
    body = AESGCM(key).encrypt(nonce, payload, start)
    sealed = start + body
    return sealed + hashlib.sha256(sealed).digest()


def open_sealed(data: bytes, passphrase: str) -> bytes:
    """The payload of a transfer file; TransferRefused (one line) when it cannot be used."""
    if not data.startswith(MAGIC):
        raise NotATransferFile("this is not a planner transfer file")
    sealed, digest = data[:-DIGEST_BYTES], data[-DIGEST_BYTES:]
    if len(data) < len(MAGIC) + DIGEST_BYTES or not hmac.compare_digest(
        hashlib.sha256(sealed).digest(), digest
    ):
        raise TransferDamaged(DAMAGED)
    end = sealed.find(b"\n", len(MAGIC), len(MAGIC) + _MAX_HEADER)
    if end < 0:
        raise TransferDamaged(DAMAGED)
    header = _header(sealed[len(MAGIC) : end])
    version = header.get("format")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise TransferDamaged(DAMAGED)
    if version > FORMAT:
        raise TransferTooNew(
            f"the transfer file is in format {version}, made by a newer planner; this one "
            f"reads format {FORMAT}: update planner here, or ask for it to be sent again"
        )
    try:
        params = KdfParams.from_json(header.get("kdf"))
    except StoreError:
        raise TransferDamaged(DAMAGED) from None
    check, nonce = _unb64(header.get("check")), _unb64(header.get("nonce"))
    if check is None or len(check) != CHECK_BYTES or nonce is None or len(nonce) != NONCE_BYTES:
        raise TransferDamaged(DAMAGED)
    key = derive_key(passphrase, params)
    if not hmac.compare_digest(_check_value(key), check):
        raise WrongTransferPassphrase(
            "the transfer passphrase is not right for this file; nothing was changed"
        )
    body = sealed[end + 1 :]
    if len(body) < TAG_BYTES:
        raise TransferDamaged(DAMAGED)
    try:
        return AESGCM(key).decrypt(nonce, body, sealed[: end + 1])
    except InvalidTag:
        raise TransferDamaged(DAMAGED) from None


def _header(raw: bytes) -> Mapping[str, Any]:
    try:
        header = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise TransferDamaged(DAMAGED) from None
    if not isinstance(header, dict):
        raise TransferDamaged(DAMAGED)
    return header


def _check_value(key: bytes) -> bytes:
    return hmac.new(key, _CHECK_LABEL, hashlib.sha256).digest()[:CHECK_BYTES]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: object) -> bytes | None:
    if not isinstance(text, str):
        return None
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return None
