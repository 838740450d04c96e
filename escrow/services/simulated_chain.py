"""The simulated chain's controls, for development, the demo and tests: staff send crypto to a
user's deposit address, blocks go by, and a block can be taken back (a reorg). Each step then
lets the deposit service observe the chain as it would a real provider's: a new transaction is
announced by a signed webhook through the same path a real provider's takes."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.money import to_decimal

from ..custody import HintKind, WebhookHint
from ..custody.simulated import SimulatedChain
from ..models import Asset, Deposit, DepositAddress, DepositStatus, SimulatedTransaction
from ..reconciliation import reconcile
from .deposits import deposit_observe, deposits_sweep
from .errors import InvalidAmount, NotAllowed
from .webhooks import webhook_receive
from .withdrawals import withdrawals_sweep


def simulate_deposit(*, actor: User, address_id: int, amount: object) -> SimulatedTransaction:
    """Send `amount` to a deposit address on the simulated chain (0 confirmations yet)."""
    if not (actor.is_active and actor.is_staff):
        raise NotAllowed(_("Only staff may send on the simulated chain."))
    try:
        value = to_decimal(amount)
    except (TypeError, ValueError) as error:
        raise InvalidAmount(_("The amount must be a decimal number.")) from error
    if value <= 0:
        raise InvalidAmount(_("The amount must be more than zero."))
    with transaction.atomic(durable=True):
        address = DepositAddress.objects.select_related("network__asset").get(pk=address_id)
        sent = SimulatedTransaction.objects.create(
            network_code=address.network.code,
            asset_symbol=address.network.asset.symbol,
            txid=f"sim-{uuid.uuid4().hex}",
            address=address.address,
            memo=address.memo,
            amount=value.quantize(Decimal(1).scaleb(-address.network.asset.precision)),
        )
    hint = WebhookHint(
        delivery_id=f"sim-delivery-{uuid.uuid4().hex}",
        sent_at=timezone.now(),
        kind=HintKind.DEPOSIT,
        network_code=sent.network_code,
        txid=sent.txid,
    )
    headers, body = SimulatedChain().signed_webhook(hint)
    webhook_receive(headers=headers, body=body)
    return sent


def simulated_block() -> int:
    """One block on every simulated network: each transaction still on the chain gains a
    confirmation, then pending deposits and sent withdrawals are observed. Returns how many
    were looked at."""
    with transaction.atomic(durable=True):
        SimulatedTransaction.objects.filter(reorged=False, failed=False).update(
            confirmations=F("confirmations") + 1
        )
    return deposits_sweep() + withdrawals_sweep()


def simulated_send_fail(*, provider_ref: str, why: str = "rejected by the simulated chain") -> None:
    """The chain refuses a send (out of gas, a node's error): the provider reports it failed."""
    with transaction.atomic(durable=True):
        SimulatedTransaction.objects.filter(
            txid=provider_ref, direction=SimulatedTransaction.Direction.OUT
        ).update(failed=True, failure=why)


def simulated_reorg(*, txid: str) -> list[Deposit]:
    """The chain drops a transaction; a deposit not yet credited is dropped with it."""
    with transaction.atomic(durable=True):
        SimulatedTransaction.objects.filter(txid=txid).update(reorged=True)
    pending = Deposit.objects.filter(txid=txid, status=DepositStatus.CONFIRMING)
    for network_id in set(pending.values_list("network_id", flat=True)):
        deposit_observe(network_id=network_id, txid=txid)
    return list(Deposit.objects.filter(txid=txid))


TREASURY = "platform-treasury"


def simulated_treasury_fill() -> list[SimulatedTransaction]:
    """For the demo, whose balances are seeded straight into the ledger: put on the simulated
    chain what the ledger says the platform holds, so the wallets reconcile from the start."""
    filled = []
    with transaction.atomic(durable=True):
        for line in reconcile().assets:
            network = Asset.objects.get(symbol=line.symbol).networks.order_by("pk").first()
            if network is None or line.difference >= 0:
                continue
            filled.append(
                SimulatedTransaction.objects.create(
                    network_code=network.code,
                    asset_symbol=line.symbol,
                    txid=f"sim-{uuid.uuid4().hex}",
                    address=TREASURY,
                    amount=-line.difference,
                    confirmations=1000,
                )
            )
    return filled
