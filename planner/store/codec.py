"""How bytes are sealed before they reach the disk.

The plain codec stores JSON as it is. An encrypting codec (AES-256-GCM, see
:mod:`planner.store.crypto`) implements the same protocol, so the snapshot, journal and
audit log never know which one they hold.

`Codec` is the minimum a codec must offer. A codec may also offer ``seal_blob`` /
``open_blob`` (for the snapshot body, which may hold any byte), ``key_id`` (written into
the journal and audit headers so a file sealed with another key is recognised) and
``accepts`` (whether it can open a file whose header holds these codec parameters); the
helpers below fall back to the minimum when it does not.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol


class Codec(Protocol):
    """Seal and open byte strings; `context` is authenticated but not stored by the codec."""

    name: str

    def seal(self, plaintext: bytes, context: bytes) -> bytes:
        """Return bytes that hold no newline."""
        ...

    def open(self, sealed: bytes, context: bytes) -> bytes: ...

    def header(self) -> dict[str, Any]:
        """Parameters that go into file headers so the file can be opened again."""
        ...


class PlainCodec:
    name = "plain"
    key_id = "plain"

    def seal(self, plaintext: bytes, context: bytes) -> bytes:
        return plaintext

    def open(self, sealed: bytes, context: bytes) -> bytes:
        return sealed

    def seal_blob(self, plaintext: bytes, context: bytes) -> bytes:
        return plaintext

    def open_blob(self, sealed: bytes, context: bytes) -> bytes:
        return sealed

    def header(self) -> dict[str, Any]:
        return {"name": self.name}

    def accepts(self, header: Mapping[str, Any]) -> bool:
        return header.get("name") == self.name


def seal_blob(codec: Codec, plaintext: bytes, context: bytes) -> bytes:
    """Seal a whole file body (any bytes allowed)."""
    method = getattr(codec, "seal_blob", None)
    return bytes(method(plaintext, context)) if method else codec.seal(plaintext, context)


def open_blob(codec: Codec, sealed: bytes, context: bytes) -> bytes:
    method = getattr(codec, "open_blob", None)
    return bytes(method(sealed, context)) if method else codec.open(sealed, context)


def key_id(codec: Codec) -> str:
    """A short public name for the codec's key: files sealed with another key differ."""
    return str(getattr(codec, "key_id", codec.name))


def accepts(codec: Codec, header: Mapping[str, Any]) -> bool:
    """Whether `codec` opens a file whose header holds these codec parameters."""
    method = getattr(codec, "accepts", None)
    if method is not None:
        return bool(method(header))
    return header.get("name") == codec.name


def is_plain(codec: Codec) -> bool:
    return codec.name == PlainCodec.name
