"""The reservation rule in the ledger (see the package docstring): lock an ad, move what it
reserves, put it online or offline, close it, change its total quantity."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.config.maintenance import NEW_ADS, switched_off
from core.locks import LockKind, lock_one
from core.money import AmountOutOfRange, format_crypto, has_at_most_places, to_decimal
from escrow import services as ledger
from escrow.models import AccountKind, Asset, TransferKind
from escrow.selectors.prices import index_is_fresh, price_index_for
from risk.engine import Point, alerts_outlive_refusal, decide
from risk.engine.facts_more import AdOnlineFacts
from risk.restrictions import Action, Paused, require_not_paused
from risk.rules import Outcome

from ..models import Ad, AdStatus, Side
from .errors import AdError, AdInvalid, AdNotFound


def reserved_amount(ad: Ad) -> Decimal:
    """What this ad holds in the merchant's ad-reserve account right now."""
    if ad.side == Side.SELL and ad.status == AdStatus.ONLINE:
        return ad.remaining_quantity
    return Decimal(0)


def _lock_ad(ad_id: int) -> Ad | None:
    return lock_one(
        LockKind.AD,
        Ad.objects.select_related("merchant", "merchant__user", "asset", "fiat").filter(pk=ad_id),
    )


def _lock_own_ad(*, user: User, ad_id: int) -> Ad:
    ad = _lock_ad(ad_id)
    if ad is None or ad.merchant.user_id != user.pk:
        raise AdNotFound(_("There is no such ad."))
    if ad.status == AdStatus.CLOSED:
        raise AdError(_("This ad is closed."))
    return ad


def _move_reservation(ad: Ad, before: Decimal, after: Decimal) -> None:
    """Bring the ledger in line with the ad's reserved amount going from before to after."""
    delta = after - before
    if delta == 0:
        return
    owner = ad.merchant.user
    available = ledger.account_for(owner=owner, asset=ad.asset, kind=AccountKind.AVAILABLE)
    reserve = ledger.account_for(owner=owner, asset=ad.asset, kind=AccountKind.AD_RESERVE)
    debit, credit = (available, reserve) if delta > 0 else (reserve, available)
    try:
        ledger.transfer(
            debit=debit,
            credit=credit,
            amount=abs(delta),
            kind=TransferKind.AD_RESERVE,
            ref=f"ad:{ad.public_id}",
            idempotency_key=f"ad:{ad.public_id}:reserve:{uuid.uuid4().hex}",
        )
    except ledger.InsufficientFunds as error:
        if delta < 0:  # only when a caller broke the rule (gave back what it never voided)
            raise AdError(
                _("The ad reserve does not hold the %(amount)s %(asset)s to return: %(why)s")
                % {
                    "amount": format_crypto(-delta, ad.asset.precision),
                    "asset": ad.asset.symbol,
                    "why": error.message,
                }
            ) from error
        raise AdError(
            _("Not enough %(asset)s available to reserve %(amount)s for this ad: %(why)s")
            % {
                "asset": ad.asset.symbol,
                "amount": format_crypto(delta, ad.asset.precision),
                "why": error.message,
            }
        ) from error


def _require_may_publish(ad: Ad) -> None:
    if not ad.merchant.is_active:
        raise AdError(_("Only an active merchant can put ads online."))
    if ad.remaining_quantity <= 0:
        raise AdError(_("Nothing remains on this ad: raise its total quantity to put it online."))
    try:
        # a paused side may not go online: it would only wait, hidden, until the pause ends
        require_not_paused(
            user=ad.merchant.user, action=Action.SELL if ad.side == Side.SELL else Action.BUY
        )
    except Paused as error:
        raise AdError(error.message) from error
    if ad.side == Side.SELL:
        if not ad.payment_methods.exists():
            raise AdError(_("Add at least one of your payment methods to this ad."))
    elif not ad.payment_types.exists():
        raise AdError(_("Choose at least one payment method type for this ad."))


def ad_online_facts(ad: Ad) -> AdOnlineFacts:
    """What the rules see of an ad going online: its price and the pair's fresh index (a
    stale one says nothing about the market now)."""
    index = price_index_for(asset=ad.asset, fiat_code=ad.fiat.code)
    owner = ad.merchant.user
    return AdOnlineFacts(
        user_id=owner.pk,
        subject=f"ad:{ad.public_id}",
        now=timezone.now(),
        joined_at=owner.date_joined,
        side=ad.side,
        asset=ad.asset.symbol,
        fiat_code=ad.fiat.code,
        price_type=ad.price_type,
        fixed_price=ad.fixed_price,
        margin_percent=ad.margin_percent,
        index_price=index.price if index is not None and index_is_fresh(index) else None,
    )


def require_price_near_market(ad: Ad) -> None:
    """Block refuses; review and hold alike put the ad online with an alert for staff (a
    hold would hide an ad nobody could take, and a price is for staff to look at, not wait
    on)."""
    decision = decide(point=Point.AD_ONLINE, facts=ad_online_facts(ad))
    if decision.outcome == Outcome.BLOCK:
        raise AdError(_("This price is too far from the market to go online."))


def ad_go_online(*, actor: User, ad_id: int) -> Ad:
    paused = switched_off(NEW_ADS)
    if paused:
        raise AdError(paused)
    with alerts_outlive_refusal(), transaction.atomic(durable=True):
        ad = _lock_own_ad(user=actor, ad_id=ad_id)
        if ad.status == AdStatus.ONLINE:
            return ad
        _require_may_publish(ad)
        require_price_near_market(ad)
        before = reserved_amount(ad)
        ad.status = AdStatus.ONLINE
        _move_reservation(ad, before, reserved_amount(ad))
        ad.save(update_fields=["status", "updated_at"])
    return ad


def ad_go_offline(*, actor: User, ad_id: int) -> Ad:
    with transaction.atomic(durable=True):
        ad = _lock_own_ad(user=actor, ad_id=ad_id)
        before = reserved_amount(ad)
        ad.status = AdStatus.OFFLINE
        _move_reservation(ad, before, reserved_amount(ad))
        ad.save(update_fields=["status", "updated_at"])
    return ad


def ad_close(*, actor: User, ad_id: int) -> Ad:
    """Close for good; the unreserved remainder goes back to the available balance."""
    with transaction.atomic(durable=True):
        ad = _lock_own_ad(user=actor, ad_id=ad_id)
        before = reserved_amount(ad)
        ad.status = AdStatus.CLOSED
        _move_reservation(ad, before, reserved_amount(ad))
        ad.save(update_fields=["status", "updated_at"])
    return ad


def _clean_quantity(total: object, asset: Asset) -> Decimal:
    try:
        value = to_decimal(total)
    except AmountOutOfRange as error:
        raise AdInvalid(error.message, field="total_quantity") from error
    except (TypeError, ValueError) as error:
        raise AdInvalid(_("The quantity must be a number."), field="total_quantity") from error
    if value <= 0 or not has_at_most_places(value, asset.precision):
        raise AdInvalid(
            _("The quantity must be above zero, with at most %(places)s decimals.")
            % {"places": asset.precision},
            field="total_quantity",
        )
    return value


def _apply_total(ad: Ad, value: Decimal) -> None:
    """On a locked ad: set the total, keep what orders took, move the reservation."""
    taken = ad.total_quantity - ad.remaining_quantity
    if value < taken:
        raise AdInvalid(
            _("Orders already took %(taken)s %(asset)s; the total cannot be less.")
            % {"taken": format_crypto(taken, ad.asset.precision), "asset": ad.asset.symbol},
            field="total_quantity",
        )
    before = reserved_amount(ad)
    ad.total_quantity, ad.remaining_quantity = value, value - taken
    _move_reservation(ad, before, reserved_amount(ad))


def ad_set_total_quantity(*, actor: User, ad_id: int, total: object) -> Ad:
    """Change the total; what orders already took stays taken, the rest moves with it."""
    with transaction.atomic(durable=True):
        ad = _lock_own_ad(user=actor, ad_id=ad_id)
        _apply_total(ad, _clean_quantity(total, ad.asset))
        ad.save(update_fields=["total_quantity", "remaining_quantity", "updated_at"])
    return ad
