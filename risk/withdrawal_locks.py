"""T+N: how long crypto a person buys in a P2P order stays locked against withdrawal. Staff set
the days per risk level (`WithdrawalLockPolicy`) and each person's level (`UserRiskLevel`);
a level without a policy uses the setting WITHDRAWAL_LOCK_DAYS. The order release asks here
and has the ledger write the lock; whether a merchant buyer is exempt is the orders app's
question to merchants, above this layer."""

from __future__ import annotations

from django.conf import settings

from accounts.models import User

from .models import RiskLevel, UserRiskLevel, WithdrawalLockPolicy


def risk_level_of(*, user: User) -> str:
    """The person's risk level; normal until staff set another."""
    found = UserRiskLevel.objects.filter(user=user).values_list("level", flat=True).first()
    return found or RiskLevel.NORMAL


def withdrawal_lock_days(*, user: User) -> int:
    """Days that crypto `user` buys now cannot be withdrawn (0: not locked)."""
    level = risk_level_of(user=user)
    days = WithdrawalLockPolicy.objects.filter(level=level).values_list("days", flat=True).first()
    return int(settings.WITHDRAWAL_LOCK_DAYS) if days is None else days
