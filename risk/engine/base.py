"""What a rule is: a class with a code, a title, the decision points it runs at, its declared
parameters and `evaluate(facts, params)`, which returns a Hit (an outcome and an explanation
for reviewers, never shown to the person) or None. Rules register themselves by code."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from ..rules import Outcome
from .facts import Facts
from .params import Param


class Point(models.TextChoices):
    """Where the apps above ask for a decision."""

    ORDER_PLACE = "order_place", gettext_lazy("Order placement")
    MARK_PAID = "mark_paid", gettext_lazy("Mark paid")
    RELEASE = "release", gettext_lazy("Release")
    PAYMENT_METHOD_ADD = "payment_method_add", gettext_lazy("Payment method added")
    WITHDRAWAL_REQUEST = "withdrawal_request", gettext_lazy("Withdrawal request")
    AD_ONLINE = "ad_online", gettext_lazy("Ad going online")
    # not asked by an action: a periodic scan over history reports what it finds (`report`)
    SCAN = "scan", gettext_lazy("Periodic scan")


@dataclass(frozen=True)
class Hit:
    outcome: Outcome
    explanation: str  # for reviewers: what was seen against which threshold


class Rule:
    code: ClassVar[str]
    title: ClassVar[str | Promise]
    points: ClassVar[frozenset[Point]]
    params: ClassVar[tuple[Param, ...]] = ()

    def evaluate(self, facts: Facts, params: dict[str, Any]) -> Hit | None:
        raise NotImplementedError


REGISTRY: dict[str, type[Rule]] = {}


def register(rule: type[Rule]) -> type[Rule]:
    if rule.code in REGISTRY and REGISTRY[rule.code] is not rule:
        raise ValueError(f"two rules have the code {rule.code}")
    REGISTRY[rule.code] = rule
    return rule


def rules_at(point: Point) -> list[type[Rule]]:
    return [rule for rule in REGISTRY.values() if point in rule.points]


def rule_choices() -> list[tuple[str, str]]:
    return [(code, f"{code}: {rule.title}") for code, rule in sorted(REGISTRY.items())]
