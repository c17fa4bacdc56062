"""Whether a baseline computed the same figures as the app: "same figures: yes" or what differs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Agreement:
    compared: int  # figures compared
    hidden: int = 0  # figures the app hides (small-count suppression) and that were not compared
    differences: list[tuple[str, Any, Any]] = field(default_factory=list)  # (figure, app, sql)

    @property
    def same(self) -> bool:
        return not self.differences

    def text(self, limit: int = 6) -> str:
        extra = f"; {self.hidden} hidden by suppression, not compared" if self.hidden else ""
        if self.same:
            return f"yes ({self.compared} figures{extra})"
        shown = ", ".join(f"{key}: app {app!r}, SQL {sql!r}" for key, app, sql in self.differences[:limit])
        more = f" … and {len(self.differences) - limit} more" if len(self.differences) > limit else ""
        return f"no ({len(self.differences)} of {self.compared} differ{extra}: {shown}{more})"


def agree(app: Mapping[str, Any], sql: Mapping[str, Any], *, hidden: set[str] | None = None) -> Agreement:
    """Compare two {figure: value} maps. A figure missing on one side counts as 0 (or None); ``hidden`` figures
    (suppressed by the app) are skipped."""
    hidden = hidden or set()
    keys = sorted((set(app) | set(sql)) - hidden)
    differences = []
    for key in keys:
        a, s = app.get(key), sql.get(key)
        if _empty(a) and _empty(s):
            continue
        if isinstance(a, float) or isinstance(s, float):
            if a is None or s is None or abs(float(a) - float(s)) > 1e-6:
                differences.append((key, a, s))
        elif a != s:
            differences.append((key, a, s))
    return Agreement(compared=len(keys), hidden=len(hidden), differences=differences)


def _empty(value: Any) -> bool:
    return value is None or value == 0 or value == [] or value == ()
