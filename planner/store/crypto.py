"""Encryption at rest: AES-256-GCM with a key derived from a passphrase by scrypt.

* The key is derived once per run from the passphrase and the salt and cost stored in the
  database header (scrypt, n = 2^17, r = 8, p = 1 by default: about 0.3 s and 128 MiB),
  kept in memory only, and never written anywhere.
* The header also holds a key-check value (an HMAC of a fixed label under the key), so a
  wrong passphrase is recognised before anything is read or written.
* Every seal uses a fresh random 12-byte nonce: the snapshot, every journal line, every
  audit line and every backup. The caller's context (database id, which file, the change
  number of a snapshot) is authenticated as associated data, so a record moved into
  another file or another database does not open.
* A line is base64 text (no newline); a snapshot body is raw bytes. Both are
  ``nonce || ciphertext || 16-byte tag``.
* A second key, derived from the first, keys the hash chains of the journal and the audit
  log (see :mod:`planner.store.chain`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from planner.store.codec import Codec, PlainCodec, accepts
from planner.store.errors import (
    DatabaseCorrupt,
    PassphraseNeeded,
    StoreError,
    Undecryptable,
    WrongPassphrase,
)

CODEC_NAME = "aes-256-gcm"
KDF_NAME = "scrypt"
DEFAULT_COST = 17  # log2 of scrypt's n
MIN_COST = 15
MAX_COST = 20
NONCE_BYTES = 12
TAG_BYTES = 16
SALT_BYTES = 16
CHECK_BYTES = 16
MIN_PASSPHRASE_LENGTH = 8
_CHECK_LABEL = b"planner key check v1"
_CHAIN_LABEL = b"planner chain key v1"

PassphraseSource = Callable[[], str]


@dataclass(frozen=True)
class KdfParams:
    """scrypt's salt and cost, as stored in the database header."""

    salt: bytes
    cost: int = DEFAULT_COST  # n = 2 ** cost
    r: int = 8
    p: int = 1

    def to_json(self) -> dict[str, Any]:
        return {
            "name": KDF_NAME,
            "n": 1 << self.cost,
            "r": self.r,
            "p": self.p,
            "salt": _b64(self.salt),
        }

    @classmethod
    def from_json(cls, raw: object) -> KdfParams:
        """Parse and bound the parameters, so a damaged header cannot ask for 64 GiB."""
        problem = DatabaseCorrupt("the database header holds unsupported encryption parameters")
        if not isinstance(raw, Mapping) or raw.get("name") != KDF_NAME:
            raise problem
        n, r, p, salt = raw.get("n"), raw.get("r"), raw.get("p"), raw.get("salt")
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (n, r, p)):
            raise problem
        assert isinstance(n, int) and isinstance(r, int) and isinstance(p, int)
        cost = n.bit_length() - 1
        if n != 1 << cost or not MIN_COST <= cost <= MAX_COST or not 1 <= r <= 16:
            raise problem
        if not 1 <= p <= 4 or not isinstance(salt, str):
            raise problem
        decoded = _unb64(salt)
        if decoded is None or not 16 <= len(decoded) <= 64:
            raise problem
        return cls(decoded, cost, r, p)


def check_new_passphrase(passphrase: str, *, context: tuple[str, ...] = ()) -> str | None:
    """Refuse a passphrase too short or too easy to guess (ValueError, one line); return a
    warning for one that is only fairly hard to guess, or None for a strong one.

    `context` names words a guesser would try (the database's name); see
    :mod:`planner.store.passphrase_strength` for the estimate and its scores.
    """
    from planner.store.passphrase_strength import EXAMPLE, estimate

    hint = f"three or four unrelated words, like '{EXAMPLE}' (but your own), are easy to remember"
    if len(passphrase.strip()) < MIN_PASSPHRASE_LENGTH:
        raise ValueError(
            f"a passphrase needs at least {MIN_PASSPHRASE_LENGTH} characters; {hint} "
            "and hard to guess"
        )
    strength = estimate(passphrase, context)
    reason = strength.warning or "it would be guessed quickly"
    is_example = " ".join(passphrase.split()).casefold() == EXAMPLE
    if is_example:
        reason = "it is the example, and examples are the first thing tried"
    if strength.refused or is_example:
        raise ValueError(
            f"that passphrase is too easy to guess ({reason[:1].lower()}{reason[1:]}); "
            f"{hint} and hard to guess"
        )
    if strength.weak:
        return (
            "that passphrase could be guessed with some effort; another unrelated word or two "
            "would make it much stronger"
        )
    return None


def derive_key(passphrase: str, params: KdfParams) -> bytes:
    """The 256-bit key for `passphrase`; the same text typed any way gives the same key."""
    secret = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    kdf = Scrypt(salt=params.salt, length=32, n=1 << params.cost, r=params.r, p=params.p)
    return kdf.derive(secret)


class AesGcmCodec:
    """Seals with AES-256-GCM under one derived key (see the module docstring)."""

    name = CODEC_NAME

    def __init__(self, key: bytes, params: KdfParams) -> None:
        if len(key) != 32:
            raise ValueError("AES-256 needs a 32-byte key")
        self._aead = AESGCM(key)
        self.params = params
        self._check = _check_value(key)
        self.key_id = self._check[:8].hex()
        # The key of the hash chains (see planner.store.chain): nobody without the
        # passphrase can compute a link, so a forged record or log is recognised.
        self.chain_key = hmac.new(key, _CHAIN_LABEL, hashlib.sha256).digest()

    @classmethod
    def create(cls, passphrase: str, *, cost: int | None = None) -> AesGcmCodec:
        """A codec with a fresh salt, for a new database or a new passphrase."""
        check_new_passphrase(passphrase)
        cost = DEFAULT_COST if cost is None else cost
        if not MIN_COST <= cost <= MAX_COST:
            raise ValueError(f"scrypt cost must be 2^{MIN_COST}..2^{MAX_COST}")
        params = KdfParams(os.urandom(SALT_BYTES), cost)
        return cls(derive_key(passphrase, params), params)

    @classmethod
    def unlock(cls, header: Mapping[str, Any], passphrase: str, *, what: str) -> AesGcmCodec:
        """The codec of a file with this codec header; WrongPassphrase if it does not fit."""
        params = KdfParams.from_json(header.get("kdf"))
        raw_check = header.get("check")
        check = _unb64(raw_check) if isinstance(raw_check, str) else None
        if check is None or len(check) != CHECK_BYTES:
            raise DatabaseCorrupt(f"{what} has a damaged encryption header")
        key = derive_key(passphrase, params)
        if not hmac.compare_digest(_check_value(key), check):
            raise WrongPassphrase(f"the passphrase is not right for {what}; nothing was changed")
        return cls(key, params)

    def header(self) -> dict[str, Any]:
        return {"name": self.name, "kdf": self.params.to_json(), "check": _b64(self._check)}

    def accepts(self, header: Mapping[str, Any]) -> bool:
        return dict(header) == self.header()

    def seal_blob(self, plaintext: bytes, context: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, plaintext, context)

    def open_blob(self, sealed: bytes, context: bytes) -> bytes:
        if len(sealed) < NONCE_BYTES + TAG_BYTES:
            raise Undecryptable("sealed data is too short")
        try:
            return self._aead.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], context)
        except InvalidTag:
            raise Undecryptable("sealed data does not authenticate") from None

    def seal(self, plaintext: bytes, context: bytes) -> bytes:
        return base64.b64encode(self.seal_blob(plaintext, context))

    def open(self, sealed: bytes, context: bytes) -> bytes:
        try:
            raw = base64.b64decode(sealed, validate=True)
        except (binascii.Error, ValueError):
            raise Undecryptable("sealed data is not base64") from None
        return self.open_blob(raw, context)


def codec_for(
    codec_header: Mapping[str, Any],
    *,
    what: str,
    given: Codec | None = None,
    passphrase: str | PassphraseSource | None = None,
) -> Codec:
    """The codec that opens a file whose header holds `codec_header`.

    `given` is used when it fits (a codec already unlocked this run: no second key
    derivation). Otherwise an encrypted file is unlocked with `passphrase` (a string, or a
    function that asks for it only when needed).
    """
    name = codec_header.get("name")
    if given is not None and accepts(given, codec_header):
        return given
    if name == PlainCodec.name and given is None:
        return PlainCodec()
    if name == CODEC_NAME and (given is None or given.name == CODEC_NAME):
        if passphrase is None and given is not None:
            raise WrongPassphrase(
                f"{what} is sealed with another passphrase (was it changed meanwhile?); "
                "open it again with the current one"
            )
        if passphrase is None:
            raise PassphraseNeeded(
                f"{what} is encrypted: give its passphrase (PLANNER_PASSPHRASE or the prompt)"
            )
        text = passphrase if isinstance(passphrase, str) else passphrase()
        return AesGcmCodec.unlock(codec_header, text, what=what)
    opened_as = given.name if given is not None else PlainCodec.name
    raise StoreError(f"{what} is stored with {name!r} but was opened as {opened_as!r}")


def _check_value(key: bytes) -> bytes:
    return hmac.new(key, _CHECK_LABEL, hashlib.sha256).digest()[:CHECK_BYTES]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes | None:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return None
