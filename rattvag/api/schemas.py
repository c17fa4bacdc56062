"""Building blocks shared by the API's input schemas."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field


def is_storable(value: str) -> bool:
    """Whether a database column can hold the text: no NUL characters, no unpaired surrogates."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _storable(value: str) -> str:
    """Reject text no database column can hold: NUL characters and unpaired surrogates."""
    if not is_storable(value):
        raise ValueError("NUL character or not valid Unicode text")
    return value


# A string from a request that can be stored and searched safely (PostgreSQL rejects NUL bytes).
Text = Annotated[str, AfterValidator(_storable)]

# The largest id a BigAutoField holds; larger path ids are invalid input, not a database error.
MAX_ID = 2**63 - 1

# An id of a database row in a request body: larger values are invalid input, not a database error.
DbId = Annotated[int, Field(ge=1, le=MAX_ID)]
