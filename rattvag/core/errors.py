"""Domain errors raised by services; views and the API turn them into responses."""

from __future__ import annotations


class DomainError(Exception):
    """Base for errors the user should see as a message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Conflict(DomainError):
    """The action clashes with existing data (a duplicate, an outdated version)."""


class PermissionRefused(DomainError):
    """The user sees the object but may not do this to it (e.g. a missing consent)."""
