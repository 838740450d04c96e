"""What the BTCPay Server custody provider keeps on our side, because its API does not keep it
for us (escrow.custody.btcpay explains each): the address it issued to each owner, the outputs
it has seen of a transaction, and each send with the signed transaction behind it."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from core.fields import AmountField


class BTCPayAddress(models.Model):
    """The deposit address issued to one owner on one network: BTCPay hands out a fresh
    address per request, and the provider promises the same one for the same owner."""

    network_code = models.CharField(max_length=20)
    owner = models.CharField(max_length=120)
    address = models.CharField(max_length=120, unique=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        verbose_name = _("BTCPay address")
        verbose_name_plural = _("BTCPay addresses")
        constraints = [
            models.UniqueConstraint(fields=["network_code", "owner"], name="escrow_btcpay_owner")
        ]

    def __str__(self) -> str:
        return self.address


class BTCPayOutput(models.Model):
    """An output of a transaction to the store's wallet, as first seen among its unspent
    coins: BTCPay lists outputs only while unspent, and a deposit keeps confirming after the
    wallet spends it."""

    network_code = models.CharField(max_length=20)
    txid = models.CharField(max_length=64)
    output_index = models.PositiveIntegerField()
    address = models.CharField(max_length=120)
    amount = AmountField()
    seen_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        verbose_name = _("BTCPay output")
        verbose_name_plural = _("BTCPay outputs")
        constraints = [
            models.UniqueConstraint(
                fields=["network_code", "txid", "output_index"], name="escrow_btcpay_output_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.txid}:{self.output_index}"


class BTCPaySend(models.Model):
    """One send, by its idempotency key: the one signed transaction that key may ever
    broadcast is recorded before it is broadcast."""

    class State(models.TextChoices):
        CLAIMED = "claimed", _("Not signed yet")
        SIGNED = "signed", _("Signed, broadcast not confirmed")
        BROADCAST = "broadcast", _("Broadcast")
        REFUSED = "refused", _("Refused by BTCPay Server")

    idempotency_key = models.CharField(max_length=200, unique=True)
    network_code = models.CharField(max_length=20)
    asset_symbol = models.CharField(max_length=10)
    address = models.CharField(max_length=120)
    amount = AmountField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.CLAIMED)
    signed_transaction = models.TextField(blank=True, default="")
    txid = models.CharField(max_length=64, blank=True, default="")
    detail = models.TextField(blank=True, default="", help_text=_("BTCPay Server's reason."))
    created_at = models.DateTimeField(db_default=Now(), editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("BTCPay send")
        verbose_name_plural = _("BTCPay sends")
        constraints = [
            # a signed send names its transaction, and one transaction serves one key
            models.CheckConstraint(
                condition=Q(state="claimed") | Q(state="refused") | ~Q(txid=""),
                name="escrow_btcpay_send_txid",
            ),
            models.UniqueConstraint(
                fields=["txid"], condition=~Q(txid=""), name="escrow_btcpay_send_tx_once"
            ),
        ]

    def __str__(self) -> str:
        return self.idempotency_key
