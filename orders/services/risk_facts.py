"""What the order service tells the risk rules about an order being placed: its figures, the
taker's age, how large the taker's own orders in this fiat have been over 30 days, how often
their paid orders ended canceled, and how risky its payment methods are. What only some rules
read is gathered only while they are on."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Aggregate, Count, DecimalField
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from risk.engine import Decision, OrderPlaceFacts, Point, rules_on
from risk.engine.catalogue.identity import OnBlacklist, SharedDeviceOrIp
from risk.engine.catalogue.payments import ChargebackProneMethod, RepeatedCancelAfterPaid
from risk.engine.catalogue.placement import OrderAboveOwnMedian
from risk.engine.facts import CANCELED_AFTER_PAID_LOOKBACK_DAYS
from risk.engine.identity import identity_of
from risk.rules import Outcome

from ..models import Order, OrderStatus


class _Median(Aggregate):
    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DecimalField()


def placement_facts(*, order: Order, taker: User) -> OrderPlaceFacts:
    """What the placement rules read, each fact gathered only while a rule that reads it is on:
    with every rule off, placing an order pays for one settings query."""
    now = timezone.now()
    on = rules_on(Point.ORDER_PLACE)
    earlier: dict[str, Any] = {"count": 0, "median": None}
    if OrderAboveOwnMedian.code in on:
        earlier = (
            Order.objects.filter(
                taker=taker, fiat_id=order.fiat_id, created_at__gt=now - timedelta(days=30)
            )
            .exclude(pk=order.pk)
            .exclude(status=OrderStatus.CANCELED)
            .aggregate(count=Count("id"), median=_Median("fiat_total"))
        )
    median = earlier["median"]
    canceled_after_paid: tuple[datetime, ...] = ()
    if RepeatedCancelAfterPaid.code in on:
        canceled_after_paid = _canceled_after_paid(taker, now)
    reads_identity = bool(on & {OnBlacklist.code, SharedDeviceOrIp.code})
    return OrderPlaceFacts(
        user_id=taker.pk,
        subject=f"order:{order.public_id}",
        now=now,
        joined_at=taker.date_joined,
        identity=identity_of(user=taker) if reads_identity else None,
        fiat_code=order.fiat.code,
        fiat_total=order.fiat_total,
        orders_30_days=earlier["count"],
        median_30_days=None if median is None else Decimal(median),
        canceled_after_paid_at=canceled_after_paid,
        method_risk_classes=tuple(
            str(detail.get("risk_class") or "") for detail in order.seller_payment_details or []
        ),
    )


def _canceled_after_paid(taker: User, now: datetime) -> tuple[datetime, ...]:
    """When the taker's orders as buyer ended canceled after they marked them paid (a dispute
    decided for the seller), over the longest window the rule may use: one query."""
    found = Order.objects.filter(
        buyer=taker,
        status=OrderStatus.CANCELED,
        paid_at__isnull=False,
        canceled_at__gte=now - timedelta(days=CANCELED_AFTER_PAID_LOOKBACK_DAYS),
    ).aggregate(at=ArrayAgg("canceled_at", default=None))
    return tuple(found["at"] or ())


def refusal(decision: Decision) -> str:
    """What the taker reads when the rules refuse the order: never which rule, except that a
    payment method's limit may be met by a smaller order or another method."""
    blocking = {hit.code for hit in decision.hits if hit.outcome == Outcome.BLOCK}
    if blocking == {ChargebackProneMethod.code}:
        return _(
            "This order cannot be placed with this payment method yet. Smaller orders or "
            "another method may work."
        )
    return _("This order cannot be placed. Contact support if you think it should.")
