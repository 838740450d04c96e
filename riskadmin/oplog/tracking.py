"""Which records the operation log follows, and how.

Every tracked model gets a proxy here, and its history triggers are registered on that proxy:
pgtrigger writes a proxy's triggers into the migrations of the proxy's app, so the triggers
and the event tables all live in riskadmin's migrations and the apps below know nothing of
the log (they import nothing new, and their migrations are untouched). The triggers still fire
on the real tables, so bulk `QuerySet.update()` and raw SQL are recorded too.

Each event row carries its context (actor, IP, path: riskadmin/oplog/middleware.py) as JSON in
the row itself, so an event never depends on another table that could change. The database
refuses UPDATE and DELETE on every event table (migration riskadmin 0004_operation_log_guard).
"""

from __future__ import annotations

from typing import Any

import pghistory
import pgtrigger
from django.db import models

from accounts.models import KycSubmission, Restriction, User, UserPaymentMethod
from ads.models import Ad
from core.models import FiatCurrency
from disputes.models import Decision, Dispute
from escrow.models import (
    Asset,
    Network,
    PriceIndex,
    WalletControl,
    Withdrawal,
    WithdrawalLimit,
    WithdrawalPolicy,
)
from merchants.models import Merchant, MerchantApplication, MerchantTier
from orders.models import Order
from risk.models import BlacklistEntry, UserRiskLevel, WithdrawalLockPolicy

# Only reads are allowed on the history itself: nobody adds, changes or deletes an event.
EVENT_META = {"default_permissions": ("view",)}
EVENT_MODELS: list[type[models.Model]] = []


def _proxy(model: type[models.Model]) -> type[models.Model]:
    """A proxy of `model` in this app; it carries the triggers (and no permissions of its own:
    staff keep working with the real model's admin)."""
    meta = type(
        "Meta",
        (),
        {"proxy": True, "app_label": "riskadmin", "default_permissions": ()},
    )
    name = f"Tracked{model.__name__}"
    return type(name, (model,), {"__module__": "riskadmin.models", "Meta": meta})


def track(
    model: type[models.Model],
    *,
    fields: list[str] | None = None,
    exclude: list[str] | None = None,
    update_condition: Any = None,
) -> type[models.Model]:
    """Record inserts, updates (of the recorded fields) and deletes of `model`."""
    proxy = _proxy(model)
    update = (
        pghistory.UpdateEvent(condition=update_condition)
        if update_condition is not None
        else pghistory.UpdateEvent()
    )
    event_model = pghistory.create_event_model(
        proxy,
        pghistory.InsertEvent(),
        update,
        pghistory.DeleteEvent(),
        fields=fields,
        exclude=exclude,
        # the object may be deleted later; its history stays, so no constraint and no accessor
        obj_field=pghistory.ObjForeignKey(related_name="+"),
        context_field=pghistory.ContextJSONField(),
        append_only=False,  # refused by a plain trigger instead: no session setting switches it off
        model_name=f"{model.__name__}History",
        app_label="riskadmin",
        abstract=False,
        meta=dict(EVENT_META),
    )
    EVENT_MODELS.append(event_model)
    return event_model


# Passwords and fund passwords are never copied; logins are the security log's business.
track(User, exclude=["password", "last_login"])
track(Restriction)
track(KycSubmission, fields=["id", "user", "level", "status", "reviewed_at", "reviewed_by"])
track(UserPaymentMethod, exclude=["details", "qr_image"])
track(Merchant)
track(MerchantApplication)
track(MerchantTier)
track(Ad, fields=["id", "public_id", "merchant", "status"])
track(Order, fields=["id", "public_id", "status", "assigned_staff", "review_reason"])
track(Dispute)
track(Decision)
track(Asset)
track(Network)
track(WithdrawalPolicy)
track(WithdrawalLimit)
track(WalletControl)
track(
    Withdrawal,
    fields=[
        "id",
        "public_id",
        "user",
        "status",
        "needs_two_approvals",
        "first_approver",
        "reviewer",
        "review_note",
        "reviewed_at",
    ],
)
# The feed moves prices every minute; the log keeps the rows staff set (and a row's hand-over
# between staff and the feed), not every tick.
track(
    PriceIndex,
    fields=["id", "asset", "fiat", "price", "source"],
    update_condition=pgtrigger.Q(new__source="staff") | pgtrigger.Q(old__source="staff"),
)
track(BlacklistEntry)
track(UserRiskLevel)
track(WithdrawalLockPolicy)
track(FiatCurrency)
