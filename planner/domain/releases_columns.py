"""The columns of a releases-due list, however the file spells its headers.

Prison systems and spreadsheets name the same column differently ("Prison Number",
"NOMS No", "NOMIS ID"...). `read_header` recognises every accepted spelling, ignoring
case, spaces and punctuation, and says what a header lacks (the prison number, names,
date of birth and at least one release date) or repeats.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from planner.domain.person import ReleaseKind

NUMBER = "number"
SURNAME = "surname"
FORENAME = "forename"
DATE_OF_BIRTH = "date_of_birth"
RELEASE_DATE = "release_date"  # a date whose kind the list does not say
CONFIRMED_DATE = "confirmed_release_date"
PAROLE_DATE = "parole_date"
HDC_DATE = "hdc_date"
CRD = "crd"
ARD = "ard"
PED = "ped"
RELEASE_KIND = "release_kind"
LOCATION = "location"
PRISON = "prison"
CRN = "crn"
PNC = "pnc"
COM_NAME = "com_name"
COM_UNIT = "com_unit"
COM_PHONE = "com_phone"
COM_EMAIL = "com_email"
POM_NAME = "pom_name"
POM_UNIT = "pom_unit"
POM_PHONE = "pom_phone"
POM_EMAIL = "pom_email"
PHONE = "phone"
EMAIL = "email"
SEX = "sex"
ETHNICITY = "ethnicity"
RELIGION = "religion"
SENTENCE = "sentence"
# Columns of equality monitoring (special category) data, optional: a blank cell says
# nothing, so a re-import never clears what an officer recorded.
EQUALITY_COLUMNS = (SEX, ETHNICITY, RELIGION, SENTENCE)


def header_key(header: str) -> str:
    """A header with case, spaces and punctuation removed: 'NOMS No.' -> 'nomsno'."""
    return re.sub(r"[\W_]+", "", header.casefold())


# Every accepted spelling of each column, compared by `header_key`.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    NUMBER: (
        "Prison Number",
        "Prison No",
        "NOMS No",
        "NOMS Number",
        "NOMS ID",
        "NOMIS ID",
        "NOMIS Number",
        "Prisoner Number",
        "Prisoner No",
        "Offender No",
    ),
    SURNAME: ("Surname", "Last Name", "Family Name"),
    FORENAME: ("Forename", "Forenames", "First Name", "Given Name"),
    DATE_OF_BIRTH: ("Date of Birth", "DOB", "Birth Date"),
    RELEASE_DATE: ("Release Date", "Expected Release Date", "Earliest Release Date"),
    CONFIRMED_DATE: ("Confirmed Release Date", "Confirmed Date", "Confirmed Release"),
    PAROLE_DATE: ("Actual Parole Date", "APD", "Parole Date"),
    HDC_DATE: ("HDC Actual Date", "HDCAD", "HDC Date", "Home Detention Curfew Date"),
    CRD: ("CRD", "Conditional Release Date"),
    ARD: ("ARD", "Automatic Release Date"),
    PED: ("PED", "Parole Eligibility Date"),
    RELEASE_KIND: ("Release Type", "Release Kind", "Date Type"),
    LOCATION: ("Location", "Cell", "Cell Location"),
    PRISON: ("Prison", "Establishment", "Prison Name"),
    CRN: ("CRN", "CRN No", "Case Reference Number"),
    PNC: ("PNC", "PNC No", "PNC Number", "PNC ID"),
    COM_NAME: ("COM Name", "COM", "Community Offender Manager", "Community Offender Manager Name"),
    COM_UNIT: (
        "COM PDU",
        "PDU",
        "Probation Delivery Unit",
        "COM Team",
        "COM Unit",
        "Community Offender Manager PDU",
    ),
    COM_PHONE: (
        "COM Phone",
        "COM Telephone",
        "COM Tel",
        "COM Phone Number",
        "Community Offender Manager Phone",
    ),
    COM_EMAIL: ("COM Email", "COM Email Address", "Community Offender Manager Email"),
    POM_NAME: ("POM Name", "POM", "Prison Offender Manager", "Prison Offender Manager Name"),
    POM_UNIT: ("POM Team", "POM Unit", "Prison Offender Manager Team"),
    POM_PHONE: (
        "POM Phone",
        "POM Telephone",
        "POM Tel",
        "POM Phone Number",
        "Prison Offender Manager Phone",
    ),
    POM_EMAIL: ("POM Email", "POM Email Address", "Prison Offender Manager Email"),
    PHONE: ("Phone", "Phone Number", "Telephone", "Mobile", "Mobile Number"),
    EMAIL: ("Email", "Email Address"),
    SEX: ("Sex", "Gender"),
    ETHNICITY: ("Ethnicity", "Ethnic Group", "Ethnic Origin"),
    RELIGION: ("Religion", "Religion or Belief", "Faith"),
    SENTENCE: ("Sentence Length", "Sentence", "Length of Sentence"),
}
_BY_KEY: dict[str, str] = {
    header_key(alias): column for column, aliases in COLUMN_ALIASES.items() for alias in aliases
}

# Release-date columns in the order the displayed release date is chosen (DOMAIN.md: the
# first known of confirmed, actual parole, HDC actual, CRD, ARD), with the kind each
# implies. A generic "Release Date" comes first: a list with one date column means it as
# the release date. PED (only eligibility) comes last.
DATE_PRECEDENCE: tuple[tuple[str, ReleaseKind | None], ...] = (
    (RELEASE_DATE, None),
    (CONFIRMED_DATE, ReleaseKind.CONFIRMED),
    (PAROLE_DATE, ReleaseKind.PED),
    (HDC_DATE, ReleaseKind.HDC),
    (CRD, ReleaseKind.CRD),
    (ARD, ReleaseKind.ARD),
    (PED, ReleaseKind.PED),
)
DATE_COLUMNS = tuple(column for column, _ in DATE_PRECEDENCE)

# Contact columns: the Person field each fills, and the Contact field ("" for the person's
# own phone and email).
CONTACT_COLUMNS: dict[str, tuple[str, str]] = {
    COM_NAME: ("community_offender_manager", "name"),
    COM_UNIT: ("community_offender_manager", "unit"),
    COM_PHONE: ("community_offender_manager", "phone"),
    COM_EMAIL: ("community_offender_manager", "email"),
    POM_NAME: ("prison_offender_manager", "name"),
    POM_UNIT: ("prison_offender_manager", "unit"),
    POM_PHONE: ("prison_offender_manager", "phone"),
    POM_EMAIL: ("prison_offender_manager", "email"),
    PHONE: ("phone", ""),
    EMAIL: ("email", ""),
}

# Person fields and the columns they come from, for naming a column in a pydantic error.
FIELD_COLUMN = {
    "number": NUMBER,
    "surname": SURNAME,
    "forename": FORENAME,
    "date_of_birth": DATE_OF_BIRTH,
    "location": LOCATION,
    "prison": PRISON,
    "crn": CRN,
    "pnc": PNC,
    "release_kind": RELEASE_KIND,
    **{column: column for column in EQUALITY_COLUMNS},
    **{
        ".".join(part for part in fields if part): column
        for column, fields in CONTACT_COLUMNS.items()
    },
}


@dataclass(frozen=True)
class Header:
    """A header row as read: its cells, where each known column is, and what is wrong."""

    names: list[str]
    columns: dict[str, int]  # column -> cell index
    problem: str | None  # why no row can be read; None when the header will do
    unknown: list[str]  # headers that name no known column: ignored


def read_header(cells: list[str]) -> Header:
    """Recognise the columns of a header row."""
    names = [cell.strip() for cell in cells]
    columns: dict[str, int] = {}
    repeated: list[str] = []
    unknown: list[str] = []
    for index, name in enumerate(names):
        column = _BY_KEY.get(header_key(name))
        if column is None:
            if name:
                unknown.append(name)
            continue
        if column in columns:
            repeated.append(f"{names[columns[column]]!r} and {name!r}")
            continue
        columns[column] = index
    # Date of birth is optional, as it is for a person added by hand.
    missing = [COLUMN_ALIASES[c][0] for c in (NUMBER, SURNAME, FORENAME) if c not in columns]
    if not any(c in columns for c in DATE_COLUMNS):
        missing.append("Release Date (or CRD)")
    problems: list[str] = []
    if missing:
        problems.append(
            f"missing required column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}"
            f" (the header reads: {shorten(', '.join(names))})"
        )
    if repeated:
        problems.append(f"columns {'; '.join(repeated)} say the same thing; keep one")
    return Header(names, columns, "; ".join(problems) or None, unknown)


def shorten(text: str, limit: int = 120) -> str:
    """Text on one line, cut to `limit` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
