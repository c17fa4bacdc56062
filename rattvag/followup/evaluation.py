"""Evaluating the rules the units use over many cases: configuration by unit, outcomes by case.

Nothing is stored: an item exists while a rule's outcome for a case is due or overdue, and is gone
the moment the fact that fulfils it is recorded.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .models import MethodRule, UnitRuleSetting
from .rules import RULES, CaseFacts, Outcome, RuleDefinition, State
from .rules.facts import CaseRow, cycle_collection_paused


@dataclass(frozen=True)
class RuleConfig:
    """A rule as one unit uses it."""

    rule: MethodRule
    definition: RuleDefinition
    enabled: bool
    params: dict[str, int]

    @property
    def code(self) -> str:
        return self.rule.code


def method_rules() -> list[MethodRule]:
    """The rules that have an implementation, in their order."""
    return [rule for rule in MethodRule.objects.order_by("position", "code") if rule.code in RULES]


class RuleBook:
    """Every rule with an implementation, and each unit's choices; loaded in two queries, each unit's
    configuration worked out once."""

    def __init__(self, unit_ids: Iterable[int], *, rules: list[MethodRule] | None = None) -> None:
        # `rules`: the rules with an implementation in their order, when the caller has read them (method_rules()).
        self.rules = method_rules() if rules is None else rules
        ids = sorted(set(unit_ids))
        self.settings: dict[tuple[int, int], UnitRuleSetting] = {
            (s.unit_id, s.rule_id): s for s in UnitRuleSetting.objects.filter(unit_id__in=ids)
        }
        self._configs: dict[int, list[RuleConfig]] = {}

    def config(self, rule: MethodRule, unit_id: int) -> RuleConfig:
        definition = RULES[rule.code]
        setting = self.settings.get((unit_id, rule.pk))
        enabled = setting.enabled if setting is not None else rule.enabled_by_default
        layers = [rule.parameters if isinstance(rule.parameters, dict) else {}]
        if setting is not None and isinstance(setting.parameters, dict):
            layers.append(setting.parameters)
        return RuleConfig(rule=rule, definition=definition, enabled=enabled, params=definition.effective(*layers))

    def _unit_configs(self, unit_id: int) -> list[RuleConfig]:
        configs = self._configs.get(unit_id)
        if configs is None:
            configs = self._configs[unit_id] = [self.config(rule, unit_id) for rule in self.rules]
        return configs

    def for_unit(self, unit_id: int, *, enabled_only: bool = True) -> list[RuleConfig]:
        configs = self._unit_configs(unit_id)
        return [c for c in configs if c.enabled] if enabled_only else list(configs)

    def by_code(self, code: str, unit_id: int) -> RuleConfig | None:
        return next((c for c in self._unit_configs(unit_id) if c.code == code), None)


@dataclass(frozen=True)
class CaseOutcome:
    case: CaseRow
    config: RuleConfig
    outcome: Outcome


def evaluate(
    facts: Iterable[CaseFacts], book: RuleBook, today: datetime.date, *, codes: set[str] | None = None
) -> Iterator[CaseOutcome]:
    """The outcome of every rule the case's unit uses (or only those in `codes`), for every case."""
    for case_facts in facts:
        for config in book.for_unit(case_facts.case.unit_id):
            if codes is not None and config.code not in codes:
                continue
            outcome = config.definition.evaluate(case_facts, config.params, today)
            if outcome is not None:
                yield CaseOutcome(case_facts.case, config, outcome)


def pending_outcomes(
    facts: Iterable[CaseFacts], book: RuleBook, today: datetime.date, *, codes: set[str] | None = None
) -> list[CaseOutcome]:
    """Due and overdue outcomes, by due date (then the rule's position and the case)."""
    with cycle_collection_paused():
        found = [o for o in evaluate(facts, book, today, codes=codes) if o.outcome.state != State.FULFILLED]
        # Sorted with the collector still paused: the sort keys are one more small tuple per outcome.
        return sorted(found, key=lambda o: (o.outcome.on or today, o.config.rule.position, o.case.pk))
