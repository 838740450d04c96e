"""Applying to become a merchant (freezing the tier's collateral) and withdrawing an
application (returning it)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.locks import LockKind, lock_one
from core.models import FiatCurrency
from core.money import format_crypto
from escrow import services as ledger
from escrow.models import AccountKind, Asset, TransferKind

from ..models import (
    ApplicationStatus,
    Merchant,
    MerchantApplication,
    MerchantStatus,
    MerchantTier,
)
from ..selectors import display_name_taken, merchant_requirements
from .errors import CollateralUnavailable, MerchantInvalid, MerchantNotAllowed, RequirementsNotMet
from .locks import _lock_name

ONE_PENDING_CONSTRAINT = "merchants_one_pending_application"
NAME_LENGTH = (2, 40)


def merchant_apply(
    *,
    actor: User,
    display_name: str,
    contact: str,
    tier: MerchantTier,
    assets: Iterable[Asset],
    fiats: Iterable[FiatCurrency],
) -> MerchantApplication:
    """Apply to become a merchant of `tier`, freezing its collateral while staff review.

    Refused, with nothing created or frozen, when a requirement is unmet, an application is
    already pending, the user already is a merchant, the name is taken, or the collateral is
    not available.
    """
    name = " ".join((display_name or "").split())
    contact = (contact or "").strip()
    asset_list, fiat_list = list(assets), list(fiats)
    _check_application_fields(name, contact, tier, asset_list, fiat_list)
    try:
        with transaction.atomic(durable=True):
            _refuse_if_cannot_apply(actor)
            unmet = [r for r in merchant_requirements(user=actor) if not r.met]
            if unmet:
                listed = "; ".join(f"{r.label} ({r.current.lower()})" for r in unmet)
                raise RequirementsNotMet(
                    _("You do not meet every requirement yet: %(listed)s.") % {"listed": listed}
                )
            _lock_name(name)
            if display_name_taken(name=name, exclude_user=actor):
                raise MerchantInvalid(
                    {
                        "display_name": _("The name “%(name)s” is already taken; choose another.")
                        % {"name": name}
                    }
                )
            application = MerchantApplication.objects.create(
                user=actor, display_name=name, contact=contact, tier=tier
            )
            application.assets.set(asset_list)
            application.fiats.set(fiat_list)
            application.collateral_hold_id = _freeze_collateral(actor, tier, application)
            application.save(update_fields=["collateral_hold_id"])
    except IntegrityError as error:
        if ONE_PENDING_CONSTRAINT in str(error):  # a second application raced this one
            raise MerchantNotAllowed(
                _("You already have an application waiting for review.")
            ) from error
        raise
    return application


def _check_application_fields(
    name: str,
    contact: str,
    tier: MerchantTier,
    assets: list[Asset],
    fiats: list[FiatCurrency],
) -> None:
    errors: dict[str, str] = {}
    low, high = NAME_LENGTH
    if not low <= len(name) <= high:
        errors["display_name"] = _("Choose a display name of %(low)s to %(high)s characters.") % {
            "low": low,
            "high": high,
        }
    if not contact:
        errors["contact"] = _("Tell our staff how to reach you (for example Telegram or phone).")
    elif len(contact) > 200:
        errors["contact"] = _("The contact must be at most 200 characters.")
    if not tier.enabled:
        errors["tier"] = _("The %(tier)s tier is not open for applications.") % {"tier": tier.name}
    if not assets:
        errors["assets"] = _("Choose at least one asset you will trade.")
    elif any(not asset.enabled for asset in assets):
        errors["assets"] = _("Choose only assets that are enabled for trading.")
    if not fiats:
        errors["fiats"] = _("Choose at least one currency you will trade in.")
    elif any(not fiat.enabled for fiat in fiats):
        errors["fiats"] = _("Choose only currencies that are enabled for trading.")
    if errors:
        raise MerchantInvalid(errors)


def _refuse_if_cannot_apply(user: User) -> None:
    merchant = Merchant.objects.filter(user=user).first()
    if merchant is not None and merchant.status == MerchantStatus.REVOKED:
        raise MerchantNotAllowed(
            _(
                "Your merchant status was revoked, so you cannot apply again. Contact support "
                "if you think this is a mistake."
            )
        )
    if merchant is not None and merchant.status != MerchantStatus.RESIGNED:
        raise MerchantNotAllowed(_("You are already a merchant."))
    if MerchantApplication.objects.filter(user=user, status=ApplicationStatus.PENDING).exists():
        raise MerchantNotAllowed(_("You already have an application waiting for review."))


def _freeze_collateral(user: User, tier: MerchantTier, application: MerchantApplication) -> int:
    asset = tier.collateral_asset
    available = ledger.account_for(owner=user, asset=asset, kind=AccountKind.AVAILABLE)
    try:
        hold = ledger.hold_open(
            debit=available,
            credit=ledger.account_for(owner=user, asset=asset, kind=AccountKind.COLLATERAL),
            amount=tier.collateral_amount,
            kind=TransferKind.COLLATERAL,
            ref=f"merchant-application:{application.pk}",
            idempotency_key=f"merchant-application:{application.pk}:collateral",
        )
    except ledger.InsufficientFunds as error:
        available.refresh_from_db()
        raise CollateralUnavailable(
            _(
                "You need %(amount)s %(asset)s available for the %(tier)s collateral; you have "
                "%(have)s %(asset)s."
            )
            % {
                "amount": format_crypto(tier.collateral_amount, asset.precision),
                "asset": asset.symbol,
                "tier": tier.name,
                "have": format_crypto(available.spendable, asset.precision),
            }
        ) from error
    return int(hold.pk)


def _return_collateral(application: MerchantApplication) -> None:
    if application.collateral_hold_id is not None:
        ledger.hold_void(
            hold_id=application.collateral_hold_id,
            idempotency_key=f"merchant-application:{application.pk}:return",
        )


def merchant_withdraw_application(
    *, actor: User, application: MerchantApplication
) -> MerchantApplication:
    """The applicant takes back a pending application; the collateral is returned."""
    with transaction.atomic(durable=True):
        locked = lock_one(
            LockKind.MERCHANT_APPLICATION, MerchantApplication.objects.filter(pk=application.pk)
        )
        if locked is None:
            raise MerchantNotAllowed(_("There is no such application."))
        if locked.user_id != actor.pk:
            raise MerchantNotAllowed(_("Only the applicant may withdraw an application."))
        if locked.status != ApplicationStatus.PENDING:
            raise MerchantNotAllowed(
                _(
                    "This application was already %(status)s; only a pending application can "
                    "be withdrawn."
                )
                % {"status": locked.get_status_display().lower()}
            )
        _return_collateral(locked)
        locked.status = ApplicationStatus.WITHDRAWN
        locked.save(update_fields=["status"])
    return locked
