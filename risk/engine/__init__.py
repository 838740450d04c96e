"""The rule engine: rules are code (`base.Rule`, registered by code), their mode and parameters
are data (`models.RuleSetting`), and `decide` runs a decision point's rules for one action.
The catalogue's rules register on import."""

from __future__ import annotations

from . import catalogue  # noqa: F401 - registers the rules
from .base import REGISTRY, Hit, Point, Rule, register, rules_at
from .deciding import Decision, RuleHit, decide, report, rule_setting
from .facts import Facts, OrderPlaceFacts, WithdrawalFacts

__all__ = [
    "REGISTRY",
    "Decision",
    "Facts",
    "Hit",
    "OrderPlaceFacts",
    "Point",
    "Rule",
    "RuleHit",
    "WithdrawalFacts",
    "decide",
    "register",
    "report",
    "rule_setting",
    "rules_at",
]
