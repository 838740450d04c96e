"""Rules for the engine's own tests, registered only for the test that asks."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from risk.engine import Facts, Hit, Point, Rule
from risk.engine.base import REGISTRY
from risk.engine.params import Kind, Param
from risk.rules import Outcome

TEST_POINT = Point.AD_ONLINE


def facts_for(user: Any, *, age_days: int = 100, subject: str = "ad:T1") -> Facts:
    now = timezone.now()
    return Facts(
        user_id=user.pk, subject=subject, now=now, joined_at=now - timedelta(days=age_days)
    )


def rule_class(code: str, outcome: Outcome | None, *, error: bool = False) -> type[Rule]:
    class _Rule(Rule):
        title = f"test rule {code}"
        points = frozenset({TEST_POINT})
        params = (Param("limit", Kind.INT, 10, "a bound", min=1, max=100),)

        def evaluate(self, facts: Facts, params: dict[str, Any]) -> Hit | None:
            if error:
                raise RuntimeError("broken")
            return None if outcome is None else Hit(outcome, f"{code} saw it")

    _Rule.code = code
    return _Rule


def install(monkeypatch: Any, *rules: type[Rule]) -> None:
    """`rules` registered, and only they at TEST_POINT for the test's length."""
    for code, registered in list(REGISTRY.items()):
        if TEST_POINT in registered.points:
            monkeypatch.delitem(REGISTRY, code)
    for rule in rules:
        monkeypatch.setitem(REGISTRY, rule.code, rule)
