"""Deposits. Each user gets one address per network, issued by the custody provider once and
kept (asking twice, or from two tabs at once, gives the same address). What arrives there is
observed from the provider, never from a webhook's word: `deposit_observe` re-fetches the
transaction, records each output to one of our addresses, and credits it once the network's
confirmations are reached: one ledger transfer per (network, txid, output), ever."""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.locks import lock_name

from .. import custody
from ..models import Deposit, DepositAddress, DepositStatus, Network
from .errors import LedgerError
from .transfers import deposit as ledger_deposit


class DepositsPaused(LedgerError):
    code = "deposits_paused"


def deposit_address_issue(*, actor: User, network_id: int) -> DepositAddress:
    """The actor's address on the network, issued now if they have none."""
    with transaction.atomic(durable=True):
        network = (
            Network.objects.select_related("asset")
            .filter(pk=network_id, deposits_enabled=True, asset__enabled=True)
            .first()
        )
        if network is None:
            raise DepositsPaused(_("Deposits on this network are paused."))
        existing = DepositAddress.objects.filter(user=actor, network=network).first()
        if existing is not None:
            return existing
        chain = custody.provider()
        issued = chain.issue_address(
            network_code=network.code, asset_symbol=network.asset.symbol, owner=f"user:{actor.pk}"
        )
        if not re.fullmatch(network.address_pattern, issued.address):
            # the provider and the network's settings disagree: never show such an address
            raise RuntimeError(f"{chain.code} issued {issued.address!r}, not a {network} address")
        try:
            with transaction.atomic(savepoint=True):
                return DepositAddress.objects.create(
                    user=actor,
                    network=network,
                    address=issued.address,
                    memo=issued.memo,
                    provider=chain.code,
                )
        except IntegrityError:  # another request of the same user issued it first
            return DepositAddress.objects.get(user=actor, network=network)


def deposit_observe(*, network_id: int, txid: str) -> list[Deposit]:
    """Bring what we know of one transaction up to date with the provider, crediting what is
    confirmed enough. Repeating it, in any order or from racing workers, credits nothing twice:
    observers of one transaction take turns, and the ledger key is the backstop."""
    with transaction.atomic(durable=True):
        lock_name("deposit", f"{network_id}:{txid}")
        network = Network.objects.select_related("asset").get(pk=network_id)
        found = custody.provider().fetch_transaction(network_code=network.code, txid=txid)
        known = {d.output_index: d for d in Deposit.objects.filter(network=network, txid=txid)}
        if found is None:  # gone from the chain: what was not credited never will be
            for deposit in known.values():
                if deposit.status == DepositStatus.CONFIRMING:
                    deposit.status = DepositStatus.DROPPED
                    deposit.save(update_fields=["status"])
            return list(known.values())
        observed = []
        for output in found.outputs:
            address = (
                DepositAddress.objects.select_related("user")
                .filter(network=network, address=output.address, memo=output.memo)
                .first()
            )
            if address is None:
                continue  # an output to someone else
            deposit = known.get(output.index) or Deposit.objects.create(
                network=network,
                address=address,
                txid=txid,
                output_index=output.index,
                amount=output.amount,
            )
            if deposit.status == DepositStatus.CONFIRMING:
                _advance(deposit, network=network, output=output, seen=found)
            observed.append(deposit)
        return observed


def _advance(
    deposit: Deposit,
    *,
    network: Network,
    output: custody.ChainOutput,
    seen: custody.ChainTransaction,
) -> None:
    deposit.amount = output.amount  # the provider's figure, not a webhook's
    deposit.confirmations = seen.confirmations
    if deposit.amount < network.min_deposit:
        deposit.status = DepositStatus.REJECTED
    elif deposit.confirmations >= network.confirmations:
        ledger_deposit(
            owner=deposit.address.user,
            asset=network.asset,
            amount=deposit.amount,
            ref=f"deposit:{deposit.txid}",
            idempotency_key=deposit.ledger_key,
        )
        deposit.status, deposit.credited_at = DepositStatus.CREDITED, timezone.now()
    deposit.save(update_fields=["amount", "confirmations", "status", "credited_at"])


def deposits_sweep() -> int:
    """The beat's reconciliation with the provider: observe every deposit still confirming, and
    every recent arrival the provider lists that we have not recorded (a webhook lost, or a
    provider that sends none). Returns how many transactions were looked at."""
    pending = set(
        Deposit.objects.filter(status=DepositStatus.CONFIRMING)
        .values_list("network_id", "txid")
        .distinct()
    )
    chain = custody.provider()
    for network in Network.objects.select_related("asset").filter(deposits_enabled=True):
        listed = chain.recent_incoming(network_code=network.code, asset_symbol=network.asset.symbol)
        known = set(
            Deposit.objects.filter(network=network, txid__in=listed).values_list("txid", flat=True)
        )
        pending |= {(network.pk, txid) for txid in listed if txid not in known}
    for network_id, txid in sorted(pending):
        deposit_observe(network_id=network_id, txid=txid)
    return len(pending)
