"""The ledger against the chain: per asset, what the platform owes (every user's balance, and
its own fee income and adjustments) against what the custody provider holds for it.

    owed = users' balances + platform's own  (= minus the external account's balance)
    held = the provider's balance on every network of the asset
           + withdrawals already sent but not yet posted (gone from the wallet, still owed)
           - deposits the provider counts but the ledger has not credited yet

The two must agree within the tolerance; anything else means money arrived or left without the
ledger knowing, or the ledger moved money that never reached the chain."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet, Sum

from . import custody
from .models import AccountKind, Asset, Deposit, DepositStatus, LedgerAccount
from .models.withdrawals import Withdrawal, WithdrawalStatus


@dataclass
class AssetReconciliation:
    symbol: str
    users: Decimal
    platform: Decimal
    provider: Decimal
    sent_not_posted: Decimal
    arriving: Decimal

    @property
    def owed(self) -> Decimal:
        return self.users + self.platform

    @property
    def held(self) -> Decimal:
        return self.provider + self.sent_not_posted - self.arriving

    @property
    def difference(self) -> Decimal:
        return self.held - self.owed


@dataclass
class Reconciliation:
    tolerance: Decimal
    assets: list[AssetReconciliation] = field(default_factory=list)

    @property
    def off(self) -> list[AssetReconciliation]:
        return [line for line in self.assets if abs(line.difference) > self.tolerance]

    @property
    def ok(self) -> bool:
        return not self.off


def _balance(rows: QuerySet[LedgerAccount]) -> Decimal:
    totals = rows.aggregate(credits=Sum("posted_credits"), debits=Sum("posted_debits"))
    return (totals["credits"] or Decimal(0)) - (totals["debits"] or Decimal(0))


def reconcile(*, tolerance: Decimal = Decimal(0)) -> Reconciliation:
    provider = custody.provider()
    report = Reconciliation(tolerance=tolerance)
    for asset in Asset.objects.prefetch_related("networks").order_by("symbol"):
        accounts = LedgerAccount.objects.filter(asset=asset)
        networks = list(asset.networks.all())
        on_chain = sum(
            (provider.balance(network_code=n.code, asset_symbol=asset.symbol) for n in networks),
            Decimal(0),
        )
        sent = Withdrawal.objects.filter(
            network__asset=asset,
            status__in=[WithdrawalStatus.PROCESSING, WithdrawalStatus.CONFIRMING],
        ).exclude(provider_ref="")
        arriving = Deposit.objects.filter(
            network__asset=asset, status=DepositStatus.CONFIRMING, confirmations__gt=0
        )
        report.assets.append(
            AssetReconciliation(
                symbol=asset.symbol,
                users=_balance(accounts.filter(owner__isnull=False)),
                platform=_balance(
                    accounts.filter(
                        owner__isnull=True,
                        kind__in=[AccountKind.FEE_INCOME, AccountKind.ADJUSTMENT],
                    )
                ),
                provider=on_chain,
                sent_not_posted=sent.aggregate(total=Sum("amount"))["total"] or Decimal(0),
                arriving=arriving.aggregate(total=Sum("amount"))["total"] or Decimal(0),
            )
        )
    return report
