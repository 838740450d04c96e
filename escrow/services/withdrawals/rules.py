"""What a withdrawal request must pass, each refusal in words the person can act on: the
switches (everyone, the asset, the network), the address (theirs, cooled, not blacklisted), the
network's bounds, the verification level's rolling limits valued in the reference fiat, and the
lower cap on a first withdrawal to an address. Then who must look at it before it goes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors.kyc import kyc_level
from accounts.selectors.security import security_changes_since
from core.money import format_amount, has_at_most_places, to_decimal
from risk.blacklist import require_address_not_listed
from risk.engine import Point, WithdrawalFacts, decide
from risk.engine.facts import SECURITY_CHANGE_LOOKBACK_HOURS
from risk.engine.identity import identity_of
from risk.rules import Outcome

from ...models import Network, WithdrawalAddress
from ...models.withdrawals import (
    COUNTED,
    WalletControl,
    Withdrawal,
    WithdrawalLimit,
    WithdrawalPolicy,
)
from ..errors import InvalidAmount, LedgerError


class WithdrawalRefused(LedgerError):
    code = "withdrawal_refused"


class WithdrawalsPaused(WithdrawalRefused):
    code = "withdrawals_paused"


class OverWithdrawalLimit(WithdrawalRefused):
    code = "over_withdrawal_limit"


# Why a withdrawal waits for a person (shown to staff in the review queue, never to the user).
REASON_FIRST_TO_ADDRESS = "first_to_address"
REASON_YOUNG_ACCOUNT = "young_account"
REASON_RECENT_SECURITY_CHANGE = "recent_security_change"
REASON_ABOVE_AUTO_APPROVAL = "above_auto_approval"
REASON_NO_POLICY = "no_policy"


def policy_for(network: Network) -> WithdrawalPolicy | None:
    return WithdrawalPolicy.objects.filter(asset_id=network.asset_id).first()


def require_open(network: Network, policy: WithdrawalPolicy | None) -> None:
    control = WalletControl.objects.filter(pk=1).first()
    if control is not None and control.withdrawals_paused:
        raise WithdrawalsPaused(
            control.message or _("Withdrawals are paused for everyone for now; try again later.")
        )
    if (policy is not None and not policy.withdrawals_enabled) or not network.asset.enabled:
        raise WithdrawalsPaused(
            _("%(asset)s withdrawals are paused for now.") % {"asset": network.asset.symbol}
        )
    if not network.withdrawals_enabled:
        raise WithdrawalsPaused(
            _("Withdrawals on %(network)s are paused for now.") % {"network": network.name}
        )


def usable_entry(*, user: User, entry_id: int) -> WithdrawalAddress:
    """The user's own address book entry, past its cooling period and not blacklisted."""
    entry = (
        WithdrawalAddress.objects.select_related("network__asset")
        .filter(pk=entry_id, user=user, removed_at__isnull=True)
        .first()
    )
    if entry is None:
        raise WithdrawalRefused(_("Choose an address from your address book."), field="address")
    if entry.usable_from > timezone.now():
        raise WithdrawalRefused(
            _("This address can be used from %(when)s (new addresses wait %(hours)s hours).")
            % {
                "when": timezone.localtime(entry.usable_from).strftime("%Y-%m-%d %H:%M %Z"),
                "hours": settings.WITHDRAWAL_ADDRESS_COOLING_HOURS,
            },
            field="address",
        )
    require_address_not_listed(entry.address)
    return entry


def checked_amount(raw: object, network: Network) -> Decimal:
    """The amount to arrive, within the network's bounds and the asset's decimal places."""
    try:
        amount = to_decimal(raw)
    except (TypeError, ValueError) as error:
        raise InvalidAmount(_("Enter the amount as a number."), field="amount") from error
    asset = network.asset
    if amount <= 0:
        raise InvalidAmount(_("The amount must be more than zero."), field="amount")
    if not has_at_most_places(amount, asset.precision):
        raise InvalidAmount(
            _("%(symbol)s amounts have at most %(places)s decimal places.")
            % {"symbol": asset.symbol, "places": asset.precision},
            field="amount",
        )
    if amount < network.withdraw_min or (network.withdraw_max and amount > network.withdraw_max):
        raise InvalidAmount(
            _("On %(network)s you can withdraw from %(min)s to %(max)s %(symbol)s at a time.")
            % {
                "network": network.name,
                "min": format_amount(network.withdraw_min),
                "max": format_amount(network.withdraw_max),
                "symbol": asset.symbol,
            },
            field="amount",
        )
    return amount


def first_to_address(*, user: User, address: str, memo: str) -> bool:
    """No withdrawal of the user's has gone out to this address before."""
    return not Withdrawal.objects.filter(
        user=user, address=address, memo=memo, status="done"
    ).exists()


def require_new_address_cap(policy: WithdrawalPolicy | None, amount: Decimal, symbol: str) -> None:
    if policy is None or not policy.new_address_up_to or amount <= policy.new_address_up_to:
        return
    raise OverWithdrawalLimit(
        _(
            "A first withdrawal to a new address can take at most %(cap)s %(symbol)s; send less "
            "now and the rest once it has arrived."
        )
        % {"cap": format_amount(policy.new_address_up_to), "symbol": symbol},
        field="amount",
    )


@dataclass(frozen=True)
class LimitUse:
    fiat: str
    per_day: Decimal
    per_30_days: Decimal
    used_day: Decimal
    used_30_days: Decimal


def limit_use(*, user: User, network: Network) -> LimitUse | None:
    """The user's withdrawal limit for the asset and what they have used of it (None: their
    verification level may not withdraw)."""
    level = kyc_level(user=user)
    limit = (
        WithdrawalLimit.objects.filter(kyc_level=level)
        .filter(Q(asset_id=network.asset_id) | Q(asset__isnull=True))
        .order_by("asset_id")  # the asset's own row first (NULLS LAST)
        .first()
    )
    if limit is None:
        return None
    mine = Withdrawal.objects.filter(user=user, status__in=COUNTED)
    if limit.asset_id is not None:
        mine = mine.filter(network__asset_id=limit.asset_id)
    now = timezone.now()

    def since(days: int) -> Decimal:
        rows = mine.filter(requested_at__gt=now - timedelta(days=days))
        return rows.aggregate(total=Sum("reference_value"))["total"] or Decimal(0)

    return LimitUse(
        fiat=settings.WITHDRAWAL_REFERENCE_FIAT,
        per_day=limit.per_day,
        per_30_days=limit.per_30_days,
        used_day=since(1),
        used_30_days=since(30),
    )


def require_within_limits(use: LimitUse | None, value: Decimal | None) -> None:
    if use is None:
        raise OverWithdrawalLimit(
            _("Your verification level does not allow withdrawals; verify your identity first.")
        )
    if value is None:
        raise WithdrawalRefused(_("This asset cannot be valued just now; try again shortly."))
    for limit, used, window in (
        (use.per_day, use.used_day, _("24 hours")),
        (use.per_30_days, use.used_30_days, _("30 days")),
    ):
        if used + value > limit:
            raise OverWithdrawalLimit(
                _(
                    "Your verification level allows withdrawals of %(limit)s %(fiat)s per "
                    "%(window)s; %(used)s is used, and this one is worth %(value)s."
                )
                % {
                    "limit": format_amount(limit),
                    "fiat": use.fiat,
                    "window": window,
                    "used": format_amount(used),
                    "value": format_amount(value),
                },
                field="amount",
            )


def review_reasons(
    *,
    user: User,
    subject: str,
    amount: Decimal,
    worth: Decimal | None,
    network: Network,
    policy: WithdrawalPolicy | None,
    first: bool,
) -> list[str]:
    """Why this withdrawal waits for staff; empty: it goes out at once. The asset's own
    thresholds are staff's per-asset policy, here; the rules about the person are risk's,
    which refuses outright (WithdrawalRefused) when a rule blocks."""
    reasons = []
    if policy is None:
        reasons.append(REASON_NO_POLICY)
    elif amount > policy.auto_approve_up_to:
        reasons.append(REASON_ABOVE_AUTO_APPROVAL)
    changes = security_changes_since(user=user, hours=SECURITY_CHANGE_LOOKBACK_HOURS)
    facts = WithdrawalFacts(
        user_id=user.pk,
        subject=subject,
        now=timezone.now(),
        joined_at=user.date_joined,
        identity=identity_of(user=user),
        asset=network.asset.symbol,
        amount=amount,
        reference_fiat=settings.WITHDRAWAL_REFERENCE_FIAT,
        reference_value=worth,
        first_to_address=first,
        last_security_change_at=changes.values_list("at", flat=True).first(),
    )
    decision = decide(point=Point.WITHDRAWAL_REQUEST, facts=facts)
    if decision.outcome == Outcome.BLOCK:
        raise WithdrawalRefused(
            _("This withdrawal cannot be made. Contact support if you think it should.")
        )
    # review and hold alike: a person looks before the crypto leaves
    return [*reasons, *decision.codes]


def needs_two_approvals(policy: WithdrawalPolicy | None, amount: Decimal) -> bool:
    return policy is None or amount > policy.second_approval_above
