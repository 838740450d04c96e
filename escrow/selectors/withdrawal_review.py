"""What a reviewer reads before deciding on a withdrawal: who asks, how old and how verified
the account is, where its funds came from lately, what changed in its security, what went to
this address before, and who else uses the address."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import QuerySet, Sum
from django.utils import timezone

from accounts.models import SecurityEvent, User
from accounts.selectors.kyc import kyc_level
from accounts.selectors.security import security_events_since

from ..models import AccountKind, DepositAddress, TransferKind, WithdrawalAddress
from ..models.transfers import Transfer
from ..models.withdrawals import Withdrawal

ORIGIN_DAYS = 30


@dataclass(frozen=True)
class ReviewFacts:
    account_age_days: int
    kyc_level: int
    deposited: Decimal  # credited in the last ORIGIN_DAYS days, this asset
    bought: Decimal  # received from P2P trades in that time
    security_events: list[SecurityEvent]
    earlier_to_address: list[Withdrawal]
    others_using_address: list[User]


def _credited(user: User, asset_id: int, kind: str, since: datetime) -> Decimal:
    rows = Transfer.objects.filter(
        credit_account__owner=user,
        credit_account__kind=AccountKind.AVAILABLE,
        asset_id=asset_id,
        kind=kind,
        phase__in=[Transfer.Phase.SINGLE, Transfer.Phase.POST],
        created_at__gte=since,
    )
    return rows.aggregate(total=Sum("amount"))["total"] or Decimal(0)


def others_using(*, address: str, memo: str, user: User) -> QuerySet[User]:
    """Other people whose address book, withdrawals or deposit addresses hold this address."""
    ids = (
        set(WithdrawalAddress.objects.filter(address=address).values_list("user_id", flat=True))
        | set(Withdrawal.objects.filter(address=address).values_list("user_id", flat=True))
        | set(
            DepositAddress.objects.filter(address=address, memo=memo).values_list(
                "user_id", flat=True
            )
        )
    )
    ids.discard(user.pk)
    return User.objects.filter(pk__in=ids).order_by("pk")


def review_facts(withdrawal: Withdrawal) -> ReviewFacts:
    user = withdrawal.user
    asset_id = withdrawal.network.asset_id
    since = timezone.now() - timedelta(days=ORIGIN_DAYS)
    earlier = (
        Withdrawal.objects.filter(user=user, address=withdrawal.address)
        .exclude(pk=withdrawal.pk)
        .select_related("network__asset")
        .order_by("-requested_at")[:10]
    )
    return ReviewFacts(
        account_age_days=(timezone.now() - user.date_joined).days,
        kyc_level=kyc_level(user=user),
        deposited=_credited(user, asset_id, TransferKind.DEPOSIT, since),
        bought=_credited(user, asset_id, TransferKind.TRADE, since),
        security_events=list(
            security_events_since(user=user, hours=settings.WITHDRAWAL_SECURITY_CHANGE_HOURS)[:10]
        ),
        earlier_to_address=list(earlier),
        others_using_address=list(
            others_using(address=withdrawal.address, memo=withdrawal.memo, user=user)[:10]
        ),
    )
