"""Demo trades for `make run`: a completed order with feedback and an order under appeal, so
the order pages, the merchant figures and the dispute screen have something to show. Created
once (an order's form key marks it); every step goes through the real services.

Alice is at the elevated risk level, whose T+N policy is three days: what she bought in the
completed order shows on her wallet as locked against withdrawal until then."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import FundPassword, User
from accounts.services.fund_password import fund_password_set
from ads.models import Ad, AdStatus, Side
from disputes import services as disputes
from orders import services as orders
from orders.models import Order
from orders.services import feedback_leave
from risk.models import RiskLevel, UserRiskLevel, WithdrawalLockPolicy

DEMO_FUND_PASSWORD = "Fund-demo-2026"  # noqa: S105 - printed for people trying the demo
# Days bought crypto cannot be withdrawn per risk level (normal: the setting, 1 by default).
LOCK_POLICIES = {RiskLevel.ELEVATED: 3, RiskLevel.HIGH: 7}


def _fund_password(user: User) -> None:
    if not FundPassword.objects.filter(user=user).exists():
        fund_password_set(actor=user, raw=DEMO_FUND_PASSWORD)


def _sell_ad(merchant_email: str) -> Ad | None:
    return (
        Ad.objects.filter(
            merchant__user__email=merchant_email,
            side=Side.SELL,
            status=AdStatus.ONLINE,
            asset__symbol="USDT",
            fiat__code="HKD",
        )
        .order_by("created_at")
        .first()
    )


def _place(buyer: User, ad: Ad, key: str) -> Order:
    # a demo account is young: the risk rule would hold larger orders for review
    return orders.order_place(
        actor=buyer,
        ad_public_id=ad.public_id,
        idempotency_key=key,
        fiat_amount=str(max(ad.min_order_fiat, 500)),
    )


def seed_trades(*, people: dict[str, User]) -> None:
    for user in people.values():
        _fund_password(user)
    alice, bob = people["alice@demo.local"], people["bob@demo.local"]
    done = Order.objects.filter(taker=alice, idempotency_key="demo-trade-completed").exists()
    alpha = _sell_ad("merchant.alpha@demo.local")
    beta = _sell_ad("merchant.beta@demo.local")
    if done or alpha is None or beta is None:
        return
    _risk_levels(alice=alice, admin=people["admin@demo.local"])
    completed = _place(alice, alpha, "demo-trade-completed")
    orders.order_mark_paid(actor=alice, public_id=completed.public_id, method="FPS")
    orders.order_release(
        actor=completed.seller, public_id=completed.public_id, fund_password=DEMO_FUND_PASSWORD
    )
    feedback_leave(
        actor=alice, public_id=completed.public_id, rating="positive", comment="Fast release."
    )

    appealed = _place(bob, beta, "demo-trade-appealed")
    orders.order_mark_paid(
        actor=bob, public_id=appealed.public_id, method="Bank transfer", note="Ref DEMO-778"
    )
    with transaction.atomic(durable=True):  # the demo's appeal window has passed already
        Order.objects.filter(pk=appealed.pk).update(
            appeal_after=timezone.now() - timedelta(minutes=1)
        )
    disputes.dispute_open(
        actor=bob,
        order_public_id=appealed.public_id,
        reason="not_released",
        description="I paid 500 HKD by bank transfer 20 minutes ago; the seller does not answer.",
    )


def _risk_levels(*, alice: User, admin: User) -> None:
    for level, days in LOCK_POLICIES.items():
        WithdrawalLockPolicy.objects.get_or_create(level=level, defaults={"days": days})
    UserRiskLevel.objects.get_or_create(
        user=alice,
        defaults={
            "level": RiskLevel.ELEVATED,
            "reason": "Demo: a new customer; what she buys waits three days to be withdrawn.",
            "set_by": admin,
        },
    )
