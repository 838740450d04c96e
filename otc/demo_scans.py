"""The demo's risk scans: a burst of small completed orders by bob on GammaFX's ad (placed
once, their form keys mark them), then the velocity and dispute-rate scans and the merchants'
risk scores over the demo data, so the staff console shows scores and a velocity alert. Run
again, the burst is not repeated and the scans add nothing while their alerts stand open."""

from __future__ import annotations

import logging

from accounts.models import User
from core.errors import DomainError
from orders import services as orders
from orders.models import Order, OrderStatus
from riskadmin.merchant_risk.scoring import score_merchants
from riskadmin.scans.dispute_rate import scan_dispute_rate
from riskadmin.scans.velocity import scan_velocity

from .demo_trades import DEMO_FUND_PASSWORD, _place, _sell_ad

log = logging.getLogger(__name__)

BURST = 20  # the velocity rule's default for orders placed in 24 hours
BURST_KEY = "demo-burst-{:02d}"


def _burst(*, buyer: User, merchant_email: str) -> None:
    ad = _sell_ad(merchant_email)
    if ad is None:
        return
    for index in range(BURST):
        try:
            order = _place(buyer, ad, BURST_KEY.format(index))
            if order.status == OrderStatus.AWAITING_PAYMENT:
                order = orders.order_mark_paid(actor=buyer, public_id=order.public_id, method="FPS")
            if order.status == OrderStatus.PAID:
                orders.order_release(
                    actor=order.seller, public_id=order.public_id, fund_password=DEMO_FUND_PASSWORD
                )
            elif order.status != OrderStatus.RELEASED:
                return  # held for review: the rest would wait behind it
        except DomainError as error:  # a limit reached: the burst shows what it has
            log.warning("demo burst stopped at order %d: %s", index, error)
            return


def seed_scans(*, people: dict[str, User]) -> None:
    bob = people["bob@demo.local"]
    burst_done = Order.objects.filter(taker=bob, idempotency_key=BURST_KEY.format(BURST - 1))
    if not burst_done.exists():
        _burst(buyer=bob, merchant_email="merchant.gamma@demo.local")
    scan_velocity()
    scan_dispute_rate()
    score_merchants()
