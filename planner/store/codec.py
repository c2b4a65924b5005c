"""How bytes are sealed before they reach the disk.

The plain codec stores JSON as it is. An encrypting codec (AES-256-GCM) implements the
same protocol, so the snapshot, journal and audit log never know which one they hold.
"""

from __future__ import annotations

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

    def seal(self, plaintext: bytes, context: bytes) -> bytes:
        return plaintext

    def open(self, sealed: bytes, context: bytes) -> bytes:
        return sealed

    def header(self) -> dict[str, Any]:
        return {"name": self.name}
