"""Statistics that may be some minutes old by design, kept so that a page and its charts compute them once.

A unit's mapping, the aggregates and the outcome reports count many thousands of records; the page shows a
dozen charts, each asking for the same figures again, and several people of a unit open the same page. So the
figures are kept for ``RATTVAG_FIGURE_CACHE_SECONDS`` (0 switches keeping off) in the ``figures`` cache, and
every page says when its figures were computed. What is kept holds counts only, never a person; who may see
them is decided before anything is looked up, so the key needs no user.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

T = TypeVar("T")

CACHE_ALIAS = "figures"
_VERSION = "1"  # raise when the shape of what is kept changes, so no worker reads an old shape


@dataclass(frozen=True)
class Kept(Generic[T]):
    value: T
    computed_at: datetime.datetime


def keeping_seconds() -> int:
    return int(settings.RATTVAG_FIGURE_CACHE_SECONDS)


def _key(parts: tuple[Hashable, ...]) -> str:
    # Labels are translated when the figures are computed, so the language belongs to the key.
    text = repr((_VERSION, translation.get_language(), parts))
    return "figures:" + hashlib.sha256(text.encode()).hexdigest()


def peek(parts: tuple[Hashable, ...]) -> Kept[T] | None:
    """What is kept under ``parts``, or None (also when keeping is off)."""
    if keeping_seconds() <= 0:
        return None
    kept: Kept[T] | None = caches[CACHE_ALIAS].get(_key(parts))
    return kept


def kept(parts: tuple[Hashable, ...], compute: Callable[[], T]) -> Kept[T]:
    """The figures kept under ``parts``, computed now when none are (or keeping is off)."""
    found: Kept[T] | None = peek(parts)
    if found is not None:
        return found
    fresh = Kept(compute(), timezone.now())
    seconds = keeping_seconds()
    if seconds > 0:
        caches[CACHE_ALIAS].set(_key(parts), fresh, seconds)
    return fresh


def computed_note(computed_at: datetime.datetime) -> str:
    """What a page says of its figures' age."""
    moment = timezone.localtime(computed_at).strftime("%Y-%m-%d %H:%M")
    seconds = keeping_seconds()
    if seconds <= 0:
        return gettext("Figures computed %(moment)s.") % {"moment": moment}
    minutes = max(1, round(seconds / 60))
    return ngettext(
        "Figures computed %(moment)s. They are kept for %(minutes)s minute: what is recorded after that shows "
        "when they are computed again.",
        "Figures computed %(moment)s. They are kept for %(minutes)s minutes: what is recorded after that shows "
        "when they are computed again.",
        minutes,
    ) % {"moment": moment, "minutes": minutes}
