"""Deposit addresses: each user gets one per network, issued by the custody provider once and
kept. Asking twice, or from two tabs at once, gives the same address."""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User

from .. import custody
from ..models import DepositAddress, Network
from .errors import LedgerError


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
