"""Messages stored on an import job in both languages, so that each reader sees their own.

The reason for an error is rendered when it is found, in Swedish and in English, from an
English source string with `%(name)s` parameters. Parameters never hold personal data: line
numbers, column names, codes and limits only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.functional import Promise


@dataclass(frozen=True)
class Bilingual:
    sv: str
    en: str


def bilingual(message: Promise | Callable[[], str], **params: Any) -> Bilingual:
    """`message` is a lazy translation (or a function returning a translated string)."""

    def render(language: str) -> str:
        with translation.override(language):
            if callable(message) and not isinstance(message, Promise):
                return str(message())
            # A lazy plural picks its form from the parameters, so format before turning it into text.
            return str(message % params) if params else str(message)

    return Bilingual(sv=render("sv"), en=render("en"))


class FileProblem(Exception):
    """The file as a whole cannot be imported (unreadable, no header, missing columns …)."""

    def __init__(self, message: Bilingual) -> None:
        super().__init__(message.en)
        self.message = message
