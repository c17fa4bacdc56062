"""The documented columns of a caseload file, with their Swedish and English names.

A header matches a column when it equals one of the column's names after normalisation:
lower case, surrounding space removed, and every run of spaces, hyphens and underscores read
as one underscore ("SGI-status", "sgi status" and "SGI_STATUS" are the same header).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str
    swedish: str
    english: str
    required: bool
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.swedish, self.english, *self.aliases)


COLUMNS: tuple[Column, ...] = (
    Column("personal_number", "Personnummer", "personal_number", True, ("pnr", "personal identity number")),
    Column("first_name", "Förnamn", "first_name", True, ("fornamn",)),
    Column("last_name", "Efternamn", "last_name", True, ("surname",)),
    Column("unit_code", "Enhetskod", "unit_code", True, ("enhet", "unit")),
    Column("case_opened_on", "Ärende öppnat", "case_opened_on", True, ("ärendet öppnat", "öppnat", "opened_on")),
    Column("sick_listed", "Sjukskriven", "sick_listed", True, ("sjukskriven ja/nej",)),
    Column("sick_leave_degree", "Sjukskrivningsgrad", "sick_leave_degree", False, ("grad", "degree")),
    Column("sick_leave_from", "Sjukskriven från", "sick_leave_from", False, ("från", "from")),
    Column("sick_leave_to", "Sjukskriven till", "sick_leave_to", False, ("till", "to")),
    Column("diagnosis_codes", "Diagnoskoder", "diagnosis_codes", False, ("diagnoskod", "diagnoser", "diagnoses")),
    Column("care_unit", "Vårdenhet", "care_unit", False, ("care unit name",)),
    Column("care_unit_hsa_id", "Vårdenhetens HSA-id", "care_unit_hsa_id", False, ("hsa-id", "hsa_id")),
    Column("sgi_status", "SGI-status", "sgi_status", False, ("sgi",)),
    Column("caseworker", "Handläggare", "caseworker", False, ("handläggare användarnamn", "caseworker_username")),
)
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}
REQUIRED_KEYS = tuple(column.key for column in COLUMNS if column.required)


def normalise_header(text: str) -> str:
    return re.sub(r"[\s\-_]+", "_", (text or "").strip().casefold()).strip("_")


_BY_NAME = {normalise_header(name): column.key for column in COLUMNS for name in column.names}


def column_key(header: str) -> str | None:
    """The column a header names, or None for a column the import does not use."""
    return _BY_NAME.get(normalise_header(header))


# Values of the yes/no, SGI and degree columns, normalised like headers (see normalise_value).
YES = frozenset({"ja", "j", "yes", "y", "1", "true", "sant", "x"})
NO = frozenset({"nej", "n", "no", "0", "false", "falskt"})
SGI_VALUES = {
    "okänd": "unknown",
    "okand": "unknown",
    "vet_ej": "unknown",
    "unknown": "unknown",
    "ingen": "none",
    "ingen_sgi": "none",
    "sgi_0": "none",
    "nollplacerad": "none",
    "none": "none",
    "no_sgi": "none",
    "har": "has",
    "har_sgi": "has",
    "has": "has",
    "has_sgi": "has",
}


def normalise_value(text: str) -> str:
    return normalise_header(text)
