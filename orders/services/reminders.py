"""Reminders on open orders: the buyer, when the payment deadline is near; the seller, when the
buyer paid a while ago and nothing was released.

A beat sweep every ~30 s sends them. Each order is claimed with a conditional UPDATE (`... WHERE
payment_reminded_at IS NULL AND status = ...`) in its own transaction, so two sweeps running at
once remind once, and an order that moved on (paid, released, canceled) is never reminded. The
notice's dedupe key is a second guard. Deadlines are compared with the database clock.
"""

from __future__ import annotations

import math
from datetime import timedelta

from django.db import transaction
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy, ngettext_lazy

from accounts.services.activity import notify
from core.config import config_value

from ..models import Order, OrderStatus
from .notices import amount_text, fiat_total_text, order_url


def send_due_reminders() -> int:
    """Send every reminder that is due; returns how many were sent by this sweep."""
    return _payment_reminders() + _release_reminders()


# --- the buyer: the payment window is closing -------------------------------------------------


def _payment_reminders() -> int:
    window = timedelta(minutes=config_value("ORDER_PAYMENT_REMINDER_MINUTES"))
    due = Order.objects.filter(
        status=OrderStatus.AWAITING_PAYMENT,
        payment_reminded_at__isnull=True,
        pay_by__gt=Now(),
        pay_by__lte=Now() + window,
    ).values_list("pk", flat=True)
    return sum(_remind_buyer(pk) for pk in list(due))


def _remind_buyer(order_id: int) -> int:
    with transaction.atomic(durable=True):
        claimed = Order.objects.filter(
            pk=order_id,
            status=OrderStatus.AWAITING_PAYMENT,
            payment_reminded_at__isnull=True,
            pay_by__gt=Now(),
        ).update(payment_reminded_at=Now())
        if not claimed:
            return 0  # another sweep took it, or the order moved on
        order = Order.objects.select_related("asset", "fiat").get(pk=order_id)
        assert order.pay_by is not None
        left = max(1, math.ceil((order.pay_by - timezone.now()).total_seconds() / 60))
        notice = notify(
            user=order.buyer_id,
            kind="order.payment_reminder",
            title=format_lazy(
                ngettext_lazy(
                    "Order {ref}: {n} minute left to pay",
                    "Order {ref}: {n} minutes left to pay",
                    left,
                ),
                ref=order.public_id,
                n=left,
            ),
            body=format_lazy(
                gettext_lazy(
                    "Pay {total} for {amount} by {deadline} UTC, then mark the order as paid. An "
                    "order not marked paid by then is canceled, and repeated timeouts pause new "
                    "orders."
                ),
                total=fiat_total_text(order),
                amount=amount_text(order),
                deadline=f"{order.pay_by:%H:%M}",
            ),
            url=order_url(order),
            dedupe_key=f"order:{order.public_id}:payment-reminder",
        )
    return 1 if notice is not None else 0


# --- the seller: the buyer paid a while ago -----------------------------------------------------


def _release_reminders() -> int:
    waited = timedelta(minutes=config_value("ORDER_RELEASE_REMINDER_MINUTES"))
    due = Order.objects.filter(
        status=OrderStatus.PAID, release_reminded_at__isnull=True, paid_at__lte=Now() - waited
    ).values_list("pk", flat=True)
    return sum(_remind_seller(pk) for pk in list(due))


def _remind_seller(order_id: int) -> int:
    with transaction.atomic(durable=True):
        claimed = Order.objects.filter(
            pk=order_id, status=OrderStatus.PAID, release_reminded_at__isnull=True
        ).update(release_reminded_at=Now())
        if not claimed:
            return 0
        order = Order.objects.select_related("asset", "fiat").get(pk=order_id)
        assert order.paid_at is not None
        ago = max(1, int((timezone.now() - order.paid_at).total_seconds() // 60))
        notice = notify(
            user=order.seller_id,
            kind="order.release_reminder",
            title=format_lazy(
                ngettext_lazy(
                    "Order {ref}: the buyer paid {n} minute ago: check your account and release",
                    "Order {ref}: the buyer paid {n} minutes ago: check your account and release",
                    ago,
                ),
                ref=order.public_id,
                n=ago,
            ),
            body=format_lazy(
                ngettext_lazy(
                    "The buyer marked {total} as paid {n} minute ago. Check that it has arrived, "
                    "then release {amount} on the order page. If the money is not there, say so "
                    "in the order chat; either party may appeal.",
                    "The buyer marked {total} as paid {n} minutes ago. Check that it has arrived, "
                    "then release {amount} on the order page. If the money is not there, say so "
                    "in the order chat; either party may appeal.",
                    ago,
                ),
                total=fiat_total_text(order),
                amount=amount_text(order),
                n=ago,
            ),
            url=order_url(order),
            dedupe_key=f"order:{order.public_id}:release-reminder",
        )
    return 1 if notice is not None else 0
