"""Identifier formats used in Ministry of Justice systems: prison number, CRN and PNC."""

from __future__ import annotations

import re
from datetime import date

PRISON_NUMBER_RE = re.compile(r"^[A-Z][0-9]{4}[A-Z]{2}$")
CRN_RE = re.compile(r"^[A-Z][0-9]{6}$")
_PNC_RE = re.compile(r"^(?P<year>[0-9]{2}|[0-9]{4})/(?P<serial>[0-9]{1,7})(?P<check>[A-Z])$")
_PNC_CHECK_LETTERS = "ZABCDEFGHJKLMNPQRTUVWXY"


def _ascii_upper(raw: str) -> str:
    """Strip and upper-case; non-ASCII text is left as it is so the pattern refuses it.

    (str.upper turns some non-ASCII letters, such as the long s, into ASCII ones.)
    """
    value = raw.strip()
    return value.upper() if value.isascii() else value


def normalise_prison_number(raw: str) -> str:
    """Upper-case and strip a prison (NOMIS) number; raise ValueError if it is not one."""
    value = _ascii_upper(raw)
    if not PRISON_NUMBER_RE.match(value):
        raise ValueError(f"prison number {raw.strip()!r} is not of the form A1234BC")
    return value


def normalise_crn(raw: str) -> str:
    """Upper-case and strip a probation case reference number (CRN)."""
    value = _ascii_upper(raw)
    if not CRN_RE.match(value):
        raise ValueError(f"CRN {raw.strip()!r} is not of the form X123456")
    return value


def normalise_pnc(raw: str) -> str:
    """Return a PNC number in its long form YYYY/NNNNNNNC.

    The short form YY/N...C is expanded: the serial is zero-padded to seven digits and a
    two-digit year is read as 19YY when above the current two-digit year, else 20YY.
    Raises ValueError when the shape is wrong; the check letter is *not* verified here
    (see :func:`pnc_check_letter_ok`), because a wrong letter must warn, not block.
    """
    value = _ascii_upper(raw)
    match = _PNC_RE.match(value)
    if not match:
        raise ValueError(f"PNC number {raw.strip()!r} is not of the form YYYY/NNNNNNNC")
    year = match["year"]
    if len(year) == 2:
        this_year = date.today().year % 100
        year = ("19" if int(year) > this_year else "20") + year
    return f"{year}/{int(match['serial']):07d}{match['check']}"


def expected_pnc_check_letter(pnc: str) -> str:
    """The check letter for a long-form PNC number (its last character is ignored)."""
    long_form = normalise_pnc(pnc)
    year, rest = long_form.split("/")
    serial = rest[:7]
    return _PNC_CHECK_LETTERS[int(year[2:] + serial) % 23]


def pnc_check_letter_ok(pnc: str) -> bool:
    """True when the PNC number's check letter matches its year and serial."""
    long_form = normalise_pnc(pnc)
    return long_form[-1] == expected_pnc_check_letter(long_form)
