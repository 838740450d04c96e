"""The ledger: assets, accounts and transfers, modelled on two-phase transfers.

What other apps may name lives here (assets, account kinds, accounts, transfer kinds); the
ledger's records, `Entry` and `Transfer`, are in `escrow.models.transfers`, which no other app
imports.

Every movement of crypto is a `Transfer` from one `LedgerAccount` to another of the same asset.
A transfer is either posted at once, or *pending* (a hold: the escrow freeze) and later ended
exactly once by a *post* (release) or a *void* (cancel / refund). Transfers are grouped in
`Entry` rows, one per service call, which carry the idempotency key.

The database enforces what matters (see migration 0002): cached balances change only through
transfers (a trigger applies each one), user accounts never go below zero (a CHECK), transfers
and entries are never edited or deleted (a trigger), and a transfer moves one asset.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from core.fields import AmountField
from core.money import AMOUNT_DECIMAL_PLACES


class Asset(models.Model):
    """A crypto asset the platform holds in escrow (USDT, BTC, ETH...)."""

    symbol = models.CharField(
        max_length=10,
        unique=True,
        validators=[RegexValidator(r"^[A-Z0-9]{2,10}$", _("Use 2-10 capital letters or digits."))],
    )
    name = models.CharField(max_length=80)
    precision = models.PositiveSmallIntegerField(
        help_text=_("Decimal places amounts are kept to (USDT 6, BTC 8, ETH 18)."),
        validators=[MaxValueValidator(AMOUNT_DECIMAL_PLACES)],
    )
    enabled = models.BooleanField(default=True, help_text=_("Disabled assets cannot be traded."))

    class Meta:
        ordering = ["symbol"]
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        constraints = [
            models.CheckConstraint(
                condition=Q(precision__lte=AMOUNT_DECIMAL_PLACES), name="escrow_asset_precision"
            ),
            models.CheckConstraint(
                condition=Q(symbol__regex=r"^[A-Z0-9]{2,10}$"), name="escrow_asset_symbol"
            ),
        ]

    def __str__(self) -> str:
        return self.symbol


class AccountKind(models.TextChoices):
    AVAILABLE = "available", _("Available")
    AD_RESERVE = "ad_reserve", _("Reserved for ads")
    COLLATERAL = "collateral", _("Merchant collateral")
    FEE_INCOME = "fee_income", _("Platform fee income")
    EXTERNAL = "external", _("Platform external (chain side)")
    ADJUSTMENT = "adjustment", _("Platform adjustments")


USER_KINDS = (AccountKind.AVAILABLE, AccountKind.AD_RESERVE, AccountKind.COLLATERAL)
PLATFORM_KINDS = (AccountKind.FEE_INCOME, AccountKind.EXTERNAL, AccountKind.ADJUSTMENT)
# The chain side and staff adjustments are the counterweights of every deposit, withdrawal and
# correction, so they run negative; every other account must always cover what it owes.
MAY_GO_NEGATIVE = (AccountKind.EXTERNAL, AccountKind.ADJUSTMENT)


class LedgerAccount(models.Model):
    """One balance: an owner's (or the platform's) holding of one asset for one purpose.

    The four cached sums are written only by the transfer trigger, never by Python.
    Balance = posted credits - posted debits; spendable = balance - pending debits.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_accounts",
        help_text=_("Empty for the platform's own accounts."),
    )
    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="accounts")
    kind = models.CharField(max_length=20, choices=AccountKind.choices)
    posted_debits = AmountField(default=Decimal(0))
    posted_credits = AmountField(default=Decimal(0))
    pending_debits = AmountField(default=Decimal(0))
    pending_credits = AmountField(default=Decimal(0))
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        ordering = ["id"]
        verbose_name = _("ledger account")
        verbose_name_plural = _("ledger accounts")
        permissions = [("adjust_balance", "Can record a staff balance adjustment")]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "asset", "kind"],
                nulls_distinct=False,
                name="escrow_account_one_per_owner_asset_kind",
            ),
            models.CheckConstraint(
                condition=(
                    Q(owner__isnull=True, kind__in=PLATFORM_KINDS)
                    | Q(owner__isnull=False, kind__in=USER_KINDS)
                ),
                name="escrow_account_owner_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(
                    posted_debits__gte=0,
                    posted_credits__gte=0,
                    pending_debits__gte=0,
                    pending_credits__gte=0,
                ),
                name="escrow_account_sums_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=MAY_GO_NEGATIVE)
                | Q(posted_credits__gte=F("posted_debits") + F("pending_debits")),
                name="escrow_account_never_below_zero",
            ),
        ]

    def __str__(self) -> str:
        owner = self.owner or "platform"
        return f"{owner} {self.asset} {self.get_kind_display()}"

    @property
    def balance(self) -> Decimal:
        return self.posted_credits - self.posted_debits

    @property
    def spendable(self) -> Decimal:
        return self.posted_credits - self.posted_debits - self.pending_debits


class TransferKind(models.TextChoices):
    """What a transfer is for, as the owner sees it in the statement."""

    DEPOSIT = "deposit", _("Deposit")
    WITHDRAWAL = "withdrawal", _("Withdrawal")
    TRADE = "trade", _("Trade")
    FEE = "fee", _("Fee")
    AD_RESERVE = "ad_reserve", _("Ad reservation")
    COLLATERAL = "collateral", _("Collateral")
    ADJUSTMENT = "adjustment", _("Adjustment")
    INTERNAL = "internal", _("Internal transfer")


# Entries and transfers are the ledger's own records: only escrow's services write them and only
# its selectors read them (an import-linter contract keeps every other app out of the module).
from . import transfers  # noqa: E402, F401  (registers the models)
from .addresses import WithdrawalAddress  # noqa: E402, F401
from .adjustments import AdjustmentProposal, AdjustmentThreshold  # noqa: E402, F401
from .chain import (  # noqa: E402, F401
    Deposit,
    DepositAddress,
    DepositStatus,
    Network,
    SimulatedTransaction,
)
from .custody import BTCPayAddress, BTCPayOutput, BTCPaySend  # noqa: E402, F401
from .locks import WithdrawalLock  # noqa: E402, F401
from .prices import PriceIndex  # noqa: E402, F401
from .webhooks import WebhookDelivery  # noqa: E402, F401
from .withdrawals import (  # noqa: E402, F401
    WalletControl,
    Withdrawal,
    WithdrawalLimit,
    WithdrawalPolicy,
    WithdrawalStatus,
)
