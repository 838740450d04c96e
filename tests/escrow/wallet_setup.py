"""A wallet ready to withdraw from: USDT on a TRON network with a fee and bounds, staff's
thresholds and a USD price index, and a person with a fund password, a balance and a cooled
address in their book."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from accounts.services.fund_password import fund_password_set
from escrow.models import (
    Asset,
    Network,
    PriceIndex,
    WithdrawalAddress,
    WithdrawalLimit,
    WithdrawalPolicy,
)
from escrow.services.withdrawals import Requested, withdrawal_request
from otc.demo import TRON
from tests.ads.factories import make_fiat
from tests.factories import funded_account, make_asset, make_user, unique

FUND_PASSWORD = "wallet-fund-pass-9"
ADDRESS = "T" + "w" * 33


@dataclass
class Wallet:
    asset: Asset
    network: Network
    policy: WithdrawalPolicy


def make_wallet(
    *,
    fee: str = "1",
    auto_approve_up_to: str = "100",
    second_approval_above: str = "1000",
    new_address_up_to: str = "0",
    per_day: str = "5000",
    per_30_days: str = "20000",
    confirmations: int = 2,
) -> Wallet:
    asset = make_asset(symbol=unique("U").upper())
    network = Network.objects.create(
        asset=asset,
        code="tron",
        name="TRON (TRC-20)",
        confirmations=confirmations,
        withdraw_min=Decimal("1"),
        withdraw_max=Decimal("10000"),
        withdraw_fee=Decimal(fee),
        address_pattern=TRON,
    )
    policy = WithdrawalPolicy.objects.create(
        asset=asset,
        auto_approve_up_to=Decimal(auto_approve_up_to),
        second_approval_above=Decimal(second_approval_above),
        new_address_up_to=Decimal(new_address_up_to),
    )
    PriceIndex.objects.create(asset=asset, fiat=make_fiat("USD"), price=Decimal("1"))
    WithdrawalLimit.objects.update_or_create(
        kyc_level=0,
        asset=None,
        defaults={"per_day": Decimal(per_day), "per_30_days": Decimal(per_30_days)},
    )
    return Wallet(asset=asset, network=network, policy=policy)


def make_holder(
    wallet: Wallet, *, balance: str = "500", address: str = ADDRESS, user: User | None = None
) -> User:
    """An account of some weeks with a fund password, `balance` and a cooled book entry."""
    user = user or make_user()
    User.objects.filter(pk=user.pk).update(date_joined=timezone.now() - timedelta(days=60))
    user.refresh_from_db()
    fund_password_set(actor=user, raw=FUND_PASSWORD)
    if Decimal(balance):
        funded_account(user, wallet.asset, balance)
    book_entry(user, wallet, address=address)
    return user


def book_entry(user: User, wallet: Wallet, *, address: str = ADDRESS) -> WithdrawalAddress:
    return WithdrawalAddress.objects.create(
        user=user,
        network=wallet.network,
        label="My wallet",
        address=address,
        usable_from=timezone.now() - timedelta(hours=1),
    )


def entry_of(user: User) -> WithdrawalAddress:
    return WithdrawalAddress.objects.filter(user=user).latest("pk")


def ask(user: User, amount: str, *, key: str | None = None, **overrides: object) -> Requested:
    """`user` asks to withdraw `amount` to their latest book entry."""
    arguments: dict[str, object] = {
        "actor": user,
        "entry_id": entry_of(user).pk,
        "amount": amount,
        "fund_password": FUND_PASSWORD,
        "request_key": key or unique("form-"),
    }
    arguments.update(overrides)
    return withdrawal_request(**arguments)  # type: ignore[arg-type]


def snapshot(user: User) -> tuple[object, ...]:
    """What a refused request must leave as it was: the user's withdrawals and every ledger
    figure (the fund password's try counter is the one thing a wrong password changes)."""
    from escrow.models import LedgerAccount, Withdrawal
    from escrow.models.transfers import Entry, Transfer

    accounts = tuple(
        LedgerAccount.objects.order_by("pk").values_list(
            "pk", "posted_debits", "posted_credits", "pending_debits", "pending_credits"
        )
    )
    return (
        Withdrawal.objects.filter(user=user).count(),
        Entry.objects.count(),
        Transfer.objects.count(),
        accounts,
    )
