"""Domain errors raised by services; views and the API turn them into responses."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext


class DomainError(Exception):
    """Base for errors the user should see as a message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Conflict(DomainError):
    """The action clashes with existing data (a duplicate, an outdated version)."""


class PermissionRefused(DomainError):
    """The user sees the object but may not do this to it (e.g. a missing consent)."""


class StaleVersion(Conflict):
    """Someone else saved the record after this user loaded it (optimistic locking, see core.concurrency).

    `current` is the record as it is now (freshly read), `changed_fields` the names of the fields the
    other person changed since the version this user started from (model field names; may be empty
    when the history does not tell), `changed_by` and `changed_at` who saved the newest change and when.
    """

    def __init__(
        self,
        *,
        current: Any,
        changed_fields: Sequence[str] = (),
        changed_by: Any = None,
        changed_at: datetime.datetime | None = None,
        message: str = "",
    ) -> None:
        super().__init__(
            message or gettext("Someone else has changed this since you opened it. Your changes have not been saved.")
        )
        self.current = current
        self.changed_fields = list(changed_fields)
        self.changed_by = changed_by
        self.changed_at = changed_at
