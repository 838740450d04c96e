"""The merchant program: what an applicant must meet, the tiers with their limits, and the
assets and currencies an application may name."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from accounts.selectors import (
    kyc_level,
    trade_figures,
    user_has_mfa,
)
from core.models import FiatCurrency
from escrow.models import Asset
from escrow.selectors import asset_list_enabled

from ..models import (
    MerchantProgram,
    MerchantTier,
    TierLimit,
)

# --- the program and its requirements ---------------------------------------------------------


def merchant_program() -> MerchantProgram:
    """The requirements staff set (row 1), or the defaults while staff have not saved any."""
    return MerchantProgram.objects.filter(pk=1).first() or MerchantProgram(pk=1)


def completed_orders_count(*, user: User) -> int:
    """Orders `user` completed (released, as buyer or seller), all time, for the merchant
    requirement."""
    return trade_figures(user=user, days=None).completed


@dataclass(frozen=True)
class Requirement:
    code: str  # "kyc", "account_age", "orders", "2fa"
    label: str  # what the program asks, e.g. "Identity verification level 1 or higher"
    current: str  # where this user stands, e.g. "You have level 0"
    met: bool


def merchant_requirements(*, user: User) -> list[Requirement]:
    """Each requirement of the program, checked for `user`."""
    program = merchant_program()
    level = kyc_level(user=user)
    age_days = account_age_days(user=user)
    orders = completed_orders_count(user=user)
    checks = [
        Requirement(
            code="kyc",
            label=_("Identity verification level %(level)s or higher")
            % {"level": program.min_kyc_level},
            current=_("You have level %(level)s") % {"level": level},
            met=level >= program.min_kyc_level,
        ),
        Requirement(
            code="account_age",
            label=_("An account at least %(days)s days old")
            % {"days": program.min_account_age_days},
            current=ngettext("Yours is %(days)s day old", "Yours is %(days)s days old", age_days)
            % {"days": age_days},
            met=age_days >= program.min_account_age_days,
        ),
        Requirement(
            code="orders",
            label=_("At least %(count)s completed orders")
            % {"count": program.min_completed_orders},
            current=_("You have completed %(count)s") % {"count": orders},
            met=orders >= program.min_completed_orders,
        ),
    ]
    if program.require_2fa:
        has_mfa = user_has_mfa(user=user)
        checks.append(
            Requirement(
                code="2fa",
                label=_("Two-factor authentication turned on"),
                current=_("On") if has_mfa else _("Off"),
                met=has_mfa,
            )
        )
    return checks


def account_age_days(*, user: User) -> int:
    return max((timezone.now() - user.date_joined).days, 0)


@dataclass(frozen=True)
class ApplicantFacts:
    """What a reviewer sees about an applicant beside the application."""

    kyc_level: int
    account_age_days: int
    has_2fa: bool
    completed_orders: int
    requirements: list[Requirement] = field(default_factory=list)

    @property
    def all_met(self) -> bool:
        return all(requirement.met for requirement in self.requirements)


def applicant_facts(*, user: User) -> ApplicantFacts:
    return ApplicantFacts(
        kyc_level=kyc_level(user=user),
        account_age_days=account_age_days(user=user),
        has_2fa=user_has_mfa(user=user),
        completed_orders=completed_orders_count(user=user),
        requirements=merchant_requirements(user=user),
    )


# --- tiers, assets, currencies ----------------------------------------------------------------


def merchant_tiers_enabled() -> QuerySet[MerchantTier]:
    """Enabled tiers in the staff's order, with their collateral asset and limits per fiat."""
    return (
        MerchantTier.objects.filter(enabled=True)
        .select_related("collateral_asset")
        .prefetch_related(
            Prefetch(
                "limits", queryset=TierLimit.objects.select_related("fiat").order_by("fiat__code")
            )
        )
    )


def tier_limit(*, tier_id: int, fiat_id: int) -> TierLimit | None:
    """The tier's per-order and daily ceilings in one fiat; None when staff set none."""
    return TierLimit.objects.filter(tier_id=tier_id, fiat_id=fiat_id).first()


def merchant_assets_choosable() -> QuerySet[Asset]:
    return asset_list_enabled()


def merchant_fiats_choosable() -> QuerySet[FiatCurrency]:
    return FiatCurrency.objects.filter(enabled=True).order_by("code")
