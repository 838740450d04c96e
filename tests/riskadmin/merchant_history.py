"""A merchant's constructed 30-day history whose risk score is worked out by hand in
test_merchant_risk_score.py."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import SecurityEvent
from accounts.models.security import SecurityEventKind
from disputes.models import Outcome
from escrow import services as ledger
from escrow.models import AccountKind, TransferKind
from merchants.models import Merchant, MerchantTier
from orders.models import OrderStatus
from tests.ads.factories import Setup
from tests.factories import make_user

from .history import make_dispute, make_order


def hold_collateral(setup: Setup, amount: str = "100") -> None:
    """The merchant's tier takes its collateral in the ad's asset, and `amount` of it is held."""
    MerchantTier.objects.filter(pk=setup.merchant.tier_id).update(collateral_asset=setup.asset)
    user = setup.user
    with transaction.atomic():
        hold = ledger.hold_open(
            debit=ledger.account_for(owner=user, asset=setup.asset, kind=AccountKind.AVAILABLE),
            credit=ledger.account_for(owner=user, asset=setup.asset, kind=AccountKind.COLLATERAL),
            amount=Decimal(amount),
            kind=TransferKind.COLLATERAL,
            ref=f"test-collateral:{user.pk}",
            idempotency_key=f"test-collateral:{uuid.uuid4().hex}",
        )
    Merchant.objects.filter(pk=setup.merchant.pk).update(collateral_hold_id=hold.pk)
    setup.merchant.refresh_from_db()


def build_history(setup: Setup) -> None:
    """Ten orders with the merchant as seller, each of 10:

    - six released 10, 20, 30, 40, 50 and 90 minutes after payment (median 35);
    - one released after a dispute the buyer opened and won (the merchant lost);
    - two canceled by the merchant, one by the buyer, which the merchant disputed and won;
    - two security changes in the last week, one older.
    """
    ad, seller = setup.ad(), setup.user
    for minutes in (10, 20, 30, 40, 50, 90):
        make_order(ad, buyer=make_user(), seller=seller, release_minutes=minutes)
    buyer = make_user()
    disputed = make_order(ad, buyer=buyer, seller=seller)
    make_dispute(disputed, opened_by=buyer, respondent=seller, outcome=Outcome.RELEASE)
    for _ in range(2):
        make_order(
            ad, buyer=make_user(), seller=seller, status=OrderStatus.CANCELED, canceled_by=seller
        )
    other = make_user()
    canceled = make_order(
        ad, buyer=other, seller=seller, status=OrderStatus.CANCELED, canceled_by=other
    )
    make_dispute(canceled, opened_by=seller, respondent=other, outcome=Outcome.REFUND)
    now = timezone.now()
    for kind, days in (
        (SecurityEventKind.PASSWORD_CHANGED, 1),
        (SecurityEventKind.MFA_REMOVED, 2),
        (SecurityEventKind.EMAIL_CHANGED, 10),
    ):
        SecurityEvent.objects.create(user=seller, kind=kind, at=now - timedelta(days=days))
