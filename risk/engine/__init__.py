"""The rule engine: rules are code (`base.Rule`, registered by code), their mode and parameters
are data (`models.RuleSetting`), and `decide` runs a decision point's rules for one action.
The catalogue's rules register on import."""

from __future__ import annotations

from . import catalogue  # noqa: F401 - registers the rules
from .base import REGISTRY, Hit, Point, Rule, register, rules_at
from .deciding import Decision, RuleHit, any_rule_on, decide, report, rule_setting, rules_on
from .facts import (
    Facts,
    MarkPaidFacts,
    OrderPlaceFacts,
    ReleaseFacts,
    WithdrawalFacts,
)
from .refusals import alerts_outlive_refusal

__all__ = [
    "REGISTRY",
    "Decision",
    "Facts",
    "Hit",
    "MarkPaidFacts",
    "OrderPlaceFacts",
    "Point",
    "ReleaseFacts",
    "Rule",
    "RuleHit",
    "WithdrawalFacts",
    "alerts_outlive_refusal",
    "any_rule_on",
    "decide",
    "register",
    "report",
    "rule_setting",
    "rules_at",
    "rules_on",
]
