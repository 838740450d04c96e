"""Rules at a withdrawal request: a young account, a new address, a recent security change.
Defaults follow the `WITHDRAWAL_*` settings until staff set parameters of their own."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ...rules import Outcome
from ..base import Hit, Point, Rule, register
from ..facts import SECURITY_CHANGE_LOOKBACK_HOURS, Facts, WithdrawalFacts
from ..params import Kind, Param


def _age_days(facts: Facts) -> int:
    return (facts.now - facts.joined_at).days


@register
class YoungAccountWithdrawal(Rule):
    code = "young_account"
    title = gettext_lazy("Withdrawal from a young account")
    points = frozenset({Point.WITHDRAWAL_REQUEST})
    params = (
        Param(
            "days",
            Kind.INT,
            lambda: settings.WITHDRAWAL_YOUNG_ACCOUNT_DAYS,
            gettext_lazy("Withdrawals from accounts younger than this many days are reviewed."),
            min=0,
            max=365,
        ),
    )

    def evaluate(self, facts: Facts, params: dict[str, Any]) -> Hit | None:
        if facts.now - facts.joined_at >= timedelta(days=params["days"]):
            return None
        return Hit(
            Outcome.HOLD,
            _("Account %(age)d days old (under %(days)d)")
            % {"age": _age_days(facts), "days": params["days"]},
        )


@register
class FirstToAddress(Rule):
    code = "first_to_address"
    title = gettext_lazy("First withdrawal to an address")
    points = frozenset({Point.WITHDRAWAL_REQUEST})

    def evaluate(self, facts: Facts, params: dict[str, Any]) -> Hit | None:
        assert isinstance(facts, WithdrawalFacts)
        if not facts.first_to_address:
            return None
        return Hit(Outcome.HOLD, _("Nothing has been sent to this address before"))


@register
class RecentSecurityChange(Rule):
    code = "recent_security_change"
    title = gettext_lazy("Withdrawal soon after a security change")
    points = frozenset({Point.WITHDRAWAL_REQUEST})
    params = (
        Param(
            "hours",
            Kind.INT,
            lambda: settings.WITHDRAWAL_SECURITY_CHANGE_HOURS,
            gettext_lazy("Withdrawals this many hours after a security change are reviewed."),
            min=0,
            max=SECURITY_CHANGE_LOOKBACK_HOURS,
        ),
    )

    def evaluate(self, facts: Facts, params: dict[str, Any]) -> Hit | None:
        assert isinstance(facts, WithdrawalFacts)
        changed = facts.last_security_change_at
        if changed is None or facts.now - changed >= timedelta(hours=params["hours"]):
            return None
        return Hit(
            Outcome.HOLD,
            _("Security change %(hours)d hours ago (within %(window)d)")
            % {
                "hours": (facts.now - changed) // timedelta(hours=1),
                "window": params["hours"],
            },
        )
