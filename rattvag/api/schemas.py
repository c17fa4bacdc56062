"""Building blocks shared by the API's input schemas."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator


def _storable(value: str) -> str:
    """Reject text no database column can hold: NUL characters and unpaired surrogates."""
    if "\x00" in value:
        raise ValueError("NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("not valid Unicode text") from None
    return value


# A string from a request that can be stored and searched safely (PostgreSQL rejects NUL bytes).
Text = Annotated[str, AfterValidator(_storable)]

# The largest id a BigAutoField holds; larger path ids are invalid input, not a database error.
MAX_ID = 2**63 - 1
