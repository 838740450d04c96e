"""Disputed orders to arbitrate, and staff with the dispute permissions."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Permission
from django.utils import timezone

from accounts.models import User
from ads.models import Ad
from disputes import services
from disputes.models import ApprovalThreshold, Dispute, DisputeReason
from escrow import services as ledger
from escrow.models import AccountKind, TransferKind
from orders import services as order_services
from orders.models import Order
from tests.factories import make_user
from tests.orders.factories import Market, place

DESCRIPTION = "I paid 780 HKD by FPS at 10:02 and the seller has not released."


def staff(*perms: str, **kwargs: Any) -> User:
    """A staff member holding the named `disputes` permissions (e.g. "handle_dispute")."""
    user = make_user(staff=True, **kwargs)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="disputes", codename__in=perms)
    )
    return User.objects.get(pk=user.pk)  # a fresh object: no cached permissions


def arbiter() -> User:
    return staff("handle_dispute", "decide_dispute")


def approver() -> User:
    return staff("handle_dispute", "decide_dispute", "approve_decision")


def no_approval_needed(market: Market, up_to: str = "1000000") -> ApprovalThreshold:
    threshold, _ = ApprovalThreshold.objects.update_or_create(
        fiat=market.fiat, defaults={"amount": Decimal(up_to)}
    )
    return threshold


class Trades(Market):
    """The market's merchant with one online sell ad of 500, on which buyers open orders."""

    _trade_ad: Ad | None = None

    def trade_ad(self) -> Ad:
        if self._trade_ad is None:
            self._trade_ad = self.online_ad(total_quantity=Decimal(500))
        return self._trade_ad


def paid_order(market: Trades, *, fiat: str = "780", buyer: User | None = None) -> Order:
    """A paid order on the market's sell ad whose appeal time has come (an UPDATE moves
    `appeal_after` into the past)."""
    buyer = buyer or market.buyer()
    order = place(buyer, market.trade_ad(), fiat=fiat)
    order_services.order_mark_paid(actor=buyer, public_id=order.public_id, method="FPS")
    Order.objects.filter(pk=order.pk).update(appeal_after=timezone.now() - timedelta(minutes=1))
    order.refresh_from_db()
    return order


def disputed_order(market: Trades, *, by: str = "buyer", fiat: str = "780") -> Dispute:
    """A paid order, appealed by its buyer (or seller)."""
    order = paid_order(market, fiat=fiat)
    opener = order.buyer if by == "buyer" else order.seller
    return services.dispute_open(
        actor=opener,
        order_public_id=order.public_id,
        reason=DisputeReason.NOT_RELEASED,
        description=DESCRIPTION,
    )


def assigned(dispute: Dispute, to: User) -> Dispute:
    services.dispute_claim(actor=to, dispute_public_id=dispute.public_id)
    dispute.refresh_from_db()
    return dispute


def freeze_collateral(market: Market, amount: str = "100") -> int:
    """Freeze `amount` of the merchant's available balance as their collateral hold."""
    user = market.user
    hold = ledger.hold_open(
        debit=ledger.account_for(owner=user, asset=market.asset),
        credit=ledger.account_for(owner=user, asset=market.asset, kind=AccountKind.COLLATERAL),
        amount=amount,
        kind=TransferKind.COLLATERAL,
        ref=f"merchant-application:{market.merchant.application_id}",
        idempotency_key=f"merchant-application:{market.merchant.application_id}:collateral",
    )
    market.merchant.collateral_hold_id = hold.pk
    market.merchant.save(update_fields=["collateral_hold_id"])
    return int(hold.pk)


def restore_staff_roles() -> None:
    """Run the staff-roles data migration again, for tests that come after a transactional
    test: those flush every table, the migrated groups included."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from riskadmin.roles import apply_roles

    loader = MigrationExecutor(connection).loader
    # the roles as the latest staff-roles migration applies them
    state = loader.project_state(loader.graph.leaf_nodes("riskadmin"))
    apply_roles(state.apps, strict=True)
