"""The demo's wallet: withdrawal thresholds, limits per verification level, a deposit on its way
to alice, address books (alice's own wallet still cooling, an exchange account she added
yesterday), bob's withdrawal waiting for review, and the simulated chain holding what the
seeded balances say the platform holds."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from escrow.custody import provider
from escrow.models import (
    Asset,
    Deposit,
    Network,
    Withdrawal,
    WithdrawalAddress,
    WithdrawalLimit,
    WithdrawalPolicy,
)
from escrow.services.address_book import address_add
from escrow.services.deposits import deposit_address_issue
from escrow.services.simulated_chain import simulate_deposit, simulated_treasury_fill
from escrow.services.withdrawals import withdrawal_request

from .demo_trades import DEMO_FUND_PASSWORD

# per asset: sent without review up to, two approvals above, a first send to a new address up to
POLICIES = {
    "USDT": ("1000", "20000", "5000"),
    "BTC": ("0.02", "0.5", "0.1"),
    "ETH": ("0.5", "10", "2"),
}
# per verification level, in USD (WITHDRAWAL_REFERENCE_FIAT): per 24 hours, per 30 days
WITHDRAWAL_LIMITS = {0: ("1000", "5000"), 1: ("20000", "100000"), 2: ("200000", "1000000")}


def _yesterday(entry: WithdrawalAddress) -> WithdrawalAddress:
    """As if the entry had been saved a day ago: its cooling is over (the demo's shortcut)."""
    WithdrawalAddress.objects.filter(pk=entry.pk).update(
        usable_from=timezone.now() - timedelta(minutes=5)
    )
    entry.refresh_from_db()
    return entry


def _thresholds() -> None:
    for symbol, (auto, second, new) in POLICIES.items():
        asset = Asset.objects.filter(symbol=symbol).first()
        if asset is not None:
            WithdrawalPolicy.objects.get_or_create(
                asset=asset,
                defaults={
                    "auto_approve_up_to": Decimal(auto),
                    "second_approval_above": Decimal(second),
                    "new_address_up_to": Decimal(new),
                },
            )
    for level, (day, month) in WITHDRAWAL_LIMITS.items():
        WithdrawalLimit.objects.get_or_create(
            kyc_level=level,
            asset=None,
            defaults={"per_day": Decimal(day), "per_30_days": Decimal(month)},
        )


def _alice(alice: User, admin: User, tron: Network) -> None:
    """100 USDT on its way on the simulated TRON chain (the wallet shows it confirming as the
    beat's blocks go by), her own wallet cooling, and an exchange account usable now."""
    if Deposit.objects.filter(address__user=alice).exists():
        return
    address = deposit_address_issue(actor=alice, network_id=tron.pk)
    simulate_deposit(actor=admin, address_id=address.pk, amount="100")
    own = provider().issue_address(network_code="tron", asset_symbol="USDT", owner="alice")
    address_add(actor=alice, network_id=tron.pk, label="My own wallet", address=own.address)
    exchange = provider().issue_address(
        network_code="tron", asset_symbol="USDT", owner="alice-exchange"
    )
    _yesterday(
        address_add(
            actor=alice, network_id=tron.pk, label="Exchange account", address=exchange.address
        )
    )


def _bob(bob: User, tron: Network) -> None:
    """200 USDT asked for yesterday's address: a first send to it, from a young account, so it
    waits in the review queue."""
    if Withdrawal.objects.filter(user=bob).exists():
        return
    own = provider().issue_address(network_code="tron", asset_symbol="USDT", owner="bob")
    entry = _yesterday(
        address_add(actor=bob, network_id=tron.pk, label="Cold wallet", address=own.address)
    )
    withdrawal_request(
        actor=bob,
        entry_id=entry.pk,
        amount="200",
        fund_password=DEMO_FUND_PASSWORD,
        request_key="demo-withdrawal-bob",
    )


def seed_wallet(*, people: dict[str, User], admin: User) -> None:
    _thresholds()
    tron = Network.objects.get(asset__symbol="USDT", code="tron")
    _alice(people["alice@demo.local"], admin, tron)
    _bob(people["bob@demo.local"], tron)
    simulated_treasury_fill()
