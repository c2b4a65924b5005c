"""The transfer file's container: sealed, authenticated, and every kind of refusal."""

from __future__ import annotations

import orjson
import pytest

from planner.transfer.container import (
    DIGEST_BYTES,
    MAGIC,
    NotATransferFile,
    TransferDamaged,
    TransferTooNew,
    WrongTransferPassphrase,
    open_sealed,
    seal,
)

PASSPHRASE = "amber rocket violin harbour"
PAYLOAD = orjson.dumps({"case": {"person": {"surname": "Smith"}}, "history": list(range(50))})


@pytest.fixture(scope="module")
def sealed() -> bytes:
    return seal(PAYLOAD, PASSPHRASE)


def test_a_sealed_file_opens_with_its_passphrase_and_hides_its_payload(sealed: bytes) -> None:
    assert sealed.startswith(MAGIC)
    assert b"Smith" not in sealed
    assert open_sealed(sealed, PASSPHRASE) == PAYLOAD


def test_two_files_of_the_same_payload_differ(sealed: bytes) -> None:
    """A fresh salt and nonce each time: nothing links two files of one record."""
    assert seal(PAYLOAD, PASSPHRASE) != sealed


def _flipped(data: bytes, index: int) -> bytes:
    changed = bytearray(data)
    changed[index] ^= 0x01
    return bytes(changed)


def _places(data: bytes) -> dict[str, int]:
    header_end = data.index(b"\n", len(MAGIC))
    header = data[len(MAGIC) : header_end]
    return {
        "header format": len(MAGIC) + header.index(b'"format"') + 10,
        "kdf salt": len(MAGIC) + header.index(b'"salt"') + 9,
        "key check": len(MAGIC) + header.index(b'"check"') + 10,
        "nonce": len(MAGIC) + header.index(b'"nonce"') + 10,
        "header end": header_end,
        "ciphertext start": header_end + 1,
        "ciphertext middle": (header_end + len(data) - DIGEST_BYTES) // 2,
        "tag": len(data) - DIGEST_BYTES - 3,
        "digest": len(data) - 5,
    }


@pytest.mark.parametrize(
    "where",
    [
        "header format",
        "kdf salt",
        "key check",
        "nonce",
        "header end",
        "ciphertext start",
        "ciphertext middle",
        "tag",
        "digest",
    ],
)
def test_a_flipped_byte_anywhere_is_refused_as_changed(sealed: bytes, where: str) -> None:
    index = _places(sealed)[where]
    with pytest.raises(TransferDamaged, match="changed or damaged"):
        open_sealed(_flipped(sealed, index), PASSPHRASE)


@pytest.mark.parametrize("cut", [1, DIGEST_BYTES, DIGEST_BYTES + 20, 200])
def test_a_cut_short_file_is_refused_as_changed(sealed: bytes, cut: int) -> None:
    with pytest.raises(TransferDamaged, match="changed or damaged"):
        open_sealed(sealed[:-cut], PASSPHRASE)


def test_bytes_added_at_the_end_are_refused(sealed: bytes) -> None:
    with pytest.raises(TransferDamaged):
        open_sealed(sealed + b"\n", PASSPHRASE)


def test_a_wrong_passphrase_is_told_apart_from_a_changed_file(sealed: bytes) -> None:
    with pytest.raises(WrongTransferPassphrase, match="passphrase is not right"):
        open_sealed(sealed, "amber rocket violin harbours")


def test_another_file_is_not_a_transfer_file() -> None:
    with pytest.raises(NotATransferFile):
        open_sealed(b"Prison Number,Surname\n", PASSPHRASE)
    with pytest.raises(NotATransferFile):
        open_sealed(b"", PASSPHRASE)


def test_a_newer_format_is_refused_with_what_to_do(sealed: bytes) -> None:
    """A later planner's file (its digest intact) names the format and says update."""
    import hashlib

    body = sealed[:-DIGEST_BYTES].replace(b'"format":1', b'"format":2', 1)
    newer = body + hashlib.sha256(body).digest()
    with pytest.raises(TransferTooNew, match=r"format 2.*newer planner"):
        open_sealed(newer, PASSPHRASE)


def test_a_changed_file_with_its_digest_recomputed_still_does_not_open(sealed: bytes) -> None:
    """The digest is not a key: the AES-GCM tag over the header and body refuses it."""
    import hashlib

    body = bytearray(sealed[:-DIGEST_BYTES])
    body[-20] ^= 0x40
    forged = bytes(body) + hashlib.sha256(bytes(body)).digest()
    with pytest.raises(TransferDamaged):
        open_sealed(forged, PASSPHRASE)
