"""What a rule is: a plain function over one case's preloaded facts, and the parameters it takes.

A rule answers for one case, on a day:
- None: the rule does not apply to the case (yet), e.g. no SIP is needed;
- `Outcome(FULFILLED, on=...)`: the step is recorded;
- `Outcome(DUE, on=due date)`: to be done at the latest on that day;
- `Outcome(OVERDUE, on=due date)`: the due date has passed (or the rule was broken on that day).
"Due on D" means: done on D is in time; from D + 1 the item is overdue.

A pending outcome's link and texts are lazy strings, made only when the item is shown (see `lazy_link`).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise, lazy

if TYPE_CHECKING:
    from .facts import CaseFacts


class State(StrEnum):
    FULFILLED = "fulfilled"
    DUE = "due"
    OVERDUE = "overdue"


def _call(function: Callable[..., str], *args: int | str) -> str:
    return function(*args)


def _interpolate(template: str | Promise, values: dict[str, int | str]) -> str:
    return str(template) % values


# Every rule gives an outcome's link and texts as lazy strings, made only when the item is shown (or serialised):
# a unit manager's worklist evaluates the rules for thousands of cases to count their items, and shows 50 of them.
# The link: `lazy_link(links.<page>, <its arguments>)`; a text: `gettext_lazy("…")`, with values
# `lazy_text(gettext_lazy("…%(name)s…"), {"name": value})` (as `gettext("…") % {…}`, translated when shown).
lazy_link = lazy(_call, str)
lazy_text = lazy(_interpolate, str)


@dataclass(frozen=True)
class Outcome:
    state: State
    on: datetime.date | None  # fulfilled on / due on / overdue since the day after (or on, for a violation)
    url: str | Promise = ""  # the page of the step that fulfils the rule (lazy: see lazy_link)
    title: str | Promise = ""  # what to do, for the worklist (no names: the page shows the client beside it)
    action: str | Promise = ""  # the link text, e.g. "Record the SGI status"

    @property
    def pending(self) -> bool:
        return self.state != State.FULFILLED


def pending(
    due_on: datetime.date, today: datetime.date, *, url: str | Promise, title: str | Promise, action: str | Promise
) -> Outcome:
    """Due until and including `due_on`, overdue after it."""
    state = State.OVERDUE if today > due_on else State.DUE
    return Outcome(state, due_on, url=url, title=title, action=action)


def fulfilled(on: datetime.date | None) -> Outcome:
    return Outcome(State.FULFILLED, on)


@dataclass(frozen=True)
class ParameterSpec:
    """A whole-number parameter with its limits."""

    name: str
    label: str | Promise
    default: int
    minimum: int
    maximum: int
    help_text: str | Promise = ""


Evaluate = Callable[["CaseFacts", dict[str, int], datetime.date], Outcome | None]


@dataclass(frozen=True)
class RuleDefinition:
    code: str
    evaluate: Evaluate
    parameters: tuple[ParameterSpec, ...] = field(default=())

    def defaults(self) -> dict[str, int]:
        return {spec.name: spec.default for spec in self.parameters}

    def effective(self, *layers: dict[str, Any]) -> dict[str, int]:
        """The defaults overlaid by each layer in turn (the rule's row, then the unit's setting), valid values only."""
        values = self.defaults()
        for layer in layers:
            for spec in self.parameters:
                value = layer.get(spec.name)
                if isinstance(value, int) and not isinstance(value, bool) and spec.minimum <= value <= spec.maximum:
                    values[spec.name] = value
        return values
