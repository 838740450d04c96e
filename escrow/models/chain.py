"""The chain side of an asset: the networks it travels on and each user's deposit address.

A network is what a user must get right when sending crypto from elsewhere (USDT on TRON is not
USDT on Ethereum): its confirmations, minimum deposit, withdrawal bounds and fee, whether a memo
is needed, and switches staff use to pause deposits or withdrawals. Addresses come from the
custody provider (escrow.custody); one per user and network, never shared between users.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from core.fields import AmountField

from . import Asset


class Network(models.Model):
    """One asset on one chain, e.g. USDT on TRON (TRC-20)."""

    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="networks")
    code = models.CharField(
        _("code"),
        max_length=20,
        validators=[RegexValidator(r"^[a-z0-9-]{2,20}$", _("Use 2-20 small letters, digits, -."))],
        help_text=_("The chain's short name: tron, ethereum, bitcoin."),
    )
    name = models.CharField(_("name"), max_length=60, help_text=_("As users read it."))
    confirmations = models.PositiveSmallIntegerField(
        _("confirmations"), default=1, validators=[MinValueValidator(1)]
    )
    min_deposit = AmountField(_("minimum deposit"), default=Decimal(0))
    withdraw_min = AmountField(_("minimum withdrawal"), default=Decimal(0))
    withdraw_max = AmountField(_("maximum withdrawal"), default=Decimal(0))
    withdraw_fee = AmountField(_("withdrawal fee"), default=Decimal(0))
    memo_required = models.BooleanField(
        _("memo required"), default=False, help_text=_("The chain needs a memo or tag as well.")
    )
    address_pattern = models.CharField(
        _("address pattern"),
        max_length=200,
        help_text=_("A regular expression every address on this network matches."),
    )
    deposits_enabled = models.BooleanField(_("deposits enabled"), default=True)
    withdrawals_enabled = models.BooleanField(_("withdrawals enabled"), default=True)

    class Meta:
        ordering = ["asset__symbol", "name"]
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        constraints = [
            models.UniqueConstraint(fields=["asset", "code"], name="escrow_network_once"),
            models.CheckConstraint(
                condition=Q(min_deposit__gte=0)
                & Q(withdraw_min__gte=0)
                & Q(withdraw_fee__gte=0)
                & Q(withdraw_max__gte=F("withdraw_min")),
                name="escrow_network_bounds",
            ),
            models.CheckConstraint(condition=Q(confirmations__gte=1), name="escrow_network_conf"),
        ]

    def __str__(self) -> str:
        return f"{self.asset.symbol} · {self.name}"


class DepositAddress(models.Model):
    """Where one user sends one network's crypto to be credited; kept for good once issued."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="deposit_addresses"
    )
    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="addresses")
    address = models.CharField(_("address"), max_length=120)
    memo = models.CharField(_("memo"), max_length=60, blank=True, default="")
    provider = models.CharField(_("custody provider"), max_length=30)
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("deposit address")
        verbose_name_plural = _("deposit addresses")
        constraints = [
            models.UniqueConstraint(fields=["user", "network"], name="escrow_address_per_user"),
            # a deposit to an address (and memo) belongs to exactly one user
            models.UniqueConstraint(
                fields=["network", "address", "memo"], name="escrow_address_one_owner"
            ),
        ]

    def __str__(self) -> str:
        return self.address


class DepositStatus(models.TextChoices):
    CONFIRMING = "confirming", _("Confirming")
    CREDITED = "credited", _("Credited")
    REJECTED = "rejected", _("Below the minimum")
    DROPPED = "dropped", _("Dropped by the chain")


class Deposit(models.Model):
    """One output of one chain transaction to a user's deposit address. It is credited once, a
    ledger transfer from the platform's external account, when the network's confirmations are
    reached; a reorg before that drops it."""

    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="deposits")
    address = models.ForeignKey(DepositAddress, on_delete=models.PROTECT, related_name="deposits")
    txid = models.CharField(_("transaction id"), max_length=120)
    output_index = models.PositiveIntegerField(_("output"), default=0)
    amount = AmountField(_("amount"))
    confirmations = models.PositiveIntegerField(_("confirmations"), default=0)
    status = models.CharField(
        _("status"), max_length=12, choices=DepositStatus.choices, default=DepositStatus.CONFIRMING
    )
    detected_at = models.DateTimeField(db_default=Now(), editable=False)
    credited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-detected_at"]
        verbose_name = _("deposit")
        verbose_name_plural = _("deposits")
        constraints = [
            models.UniqueConstraint(
                fields=["network", "txid", "output_index"], name="escrow_deposit_once"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="escrow_deposit_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.txid}:{self.output_index}"

    @property
    def ledger_key(self) -> str:
        """The ledger's idempotency key: one credit per (network, txid, output), ever."""
        return f"deposit:{self.network_id}:{self.txid}:{self.output_index}"


class SimulatedTransaction(models.Model):
    """The simulated chain's own record of a transfer to or from the platform (development and
    tests): what a real provider would answer about a transaction or a send."""

    class Direction(models.TextChoices):
        IN = "in", _("To the platform")
        OUT = "out", _("From the platform")

    direction = models.CharField(max_length=3, choices=Direction.choices, default=Direction.IN)
    idempotency_key = models.CharField(
        max_length=200, null=True, blank=True, unique=True, help_text=_("Of a send.")
    )
    network_code = models.CharField(max_length=20)
    asset_symbol = models.CharField(max_length=10)
    txid = models.CharField(max_length=120, unique=True)
    address = models.CharField(max_length=120)
    memo = models.CharField(max_length=60, blank=True, default="")
    amount = AmountField()
    confirmations = models.PositiveIntegerField(default=0)
    reorged = models.BooleanField(default=False, help_text=_("Dropped from the chain."))
    failed = models.BooleanField(default=False, help_text=_("A send the chain refused."))
    failure = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        verbose_name = _("simulated chain transaction")
        verbose_name_plural = _("simulated chain transactions")

    def __str__(self) -> str:
        return self.txid
