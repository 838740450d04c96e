"""A local simulated chain: addresses derived from the deployment's secret, shaped like the
real network's so that address checks, copy buttons and pages behave as they will live."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db.models import Sum

from .base import (
    ChainOutput,
    ChainTransaction,
    IssuedAddress,
    SendState,
    SendStatus,
    WebhookHint,
)

if TYPE_CHECKING:
    from ..models import SimulatedTransaction

BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def _digest(*parts: str) -> bytes:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, ":".join(("simulated-chain", *parts)).encode(), hashlib.sha256).digest()


def _spell(digest: bytes, alphabet: str, length: int) -> str:
    number = int.from_bytes(digest + hashlib.sha256(digest).digest(), "big")
    letters = []
    for _ in range(length):
        number, index = divmod(number, len(alphabet))
        letters.append(alphabet[index])
    return "".join(letters)


class SimulatedChain:
    code: ClassVar[str] = "simulated"

    def issue_address(self, *, network_code: str, asset_symbol: str, owner: str) -> IssuedAddress:
        digest = _digest(network_code, asset_symbol, owner)
        if network_code == "tron":
            return IssuedAddress("T" + _spell(digest, BASE58, 33))
        if network_code == "bitcoin":
            return IssuedAddress("bc1q" + _spell(digest, BECH32, 38))
        return IssuedAddress("0x" + digest[:20].hex())  # Ethereum and its kin

    def fetch_transaction(self, *, network_code: str, txid: str) -> ChainTransaction | None:
        from ..models import SimulatedTransaction

        sent = SimulatedTransaction.objects.filter(
            network_code=network_code,
            txid=txid,
            reorged=False,
            direction=SimulatedTransaction.Direction.IN,
        ).first()
        if sent is None:
            return None
        output = ChainOutput(index=0, address=sent.address, memo=sent.memo, amount=sent.amount)
        return ChainTransaction(txid=sent.txid, confirmations=sent.confirmations, outputs=(output,))

    def parse_webhook(self, *, headers: Mapping[str, str], body: bytes) -> list[WebhookHint]:
        raise NotImplementedError

    def send(
        self,
        *,
        network_code: str,
        asset_symbol: str,
        address: str,
        memo: str,
        amount: Decimal,
        idempotency_key: str,
    ) -> SendStatus:
        from ..models import SimulatedTransaction

        sent, _created = SimulatedTransaction.objects.get_or_create(
            idempotency_key=idempotency_key,
            defaults={
                "direction": SimulatedTransaction.Direction.OUT,
                "network_code": network_code,
                "asset_symbol": asset_symbol,
                "txid": f"sim-{uuid.uuid4().hex}",
                "address": address,
                "memo": memo,
                "amount": amount,
            },
        )
        return self._status(sent)

    def send_status(self, *, provider_ref: str) -> SendStatus:
        from ..models import SimulatedTransaction

        return self._status(SimulatedTransaction.objects.get(txid=provider_ref))

    def _status(self, sent: SimulatedTransaction) -> SendStatus:
        from ..models import Network

        if sent.failed or sent.reorged:
            state, detail = SendState.FAILED, sent.failure or "dropped by the chain"
        elif sent.confirmations == 0:
            state, detail = SendState.PROCESSING, ""
        else:
            needed = (
                Network.objects.filter(code=sent.network_code, asset__symbol=sent.asset_symbol)
                .values_list("confirmations", flat=True)
                .first()
            ) or 1
            done = sent.confirmations >= needed
            state, detail = (SendState.DONE if done else SendState.CONFIRMING), ""
        return SendStatus(
            provider_ref=sent.txid,
            state=state,
            txid=sent.txid if sent.confirmations else "",
            confirmations=sent.confirmations,
            detail=detail,
        )

    def balance(self, *, network_code: str, asset_symbol: str) -> Decimal:
        from ..models import SimulatedTransaction

        on_chain = SimulatedTransaction.objects.filter(
            network_code=network_code, asset_symbol=asset_symbol, reorged=False, failed=False
        )
        received = on_chain.filter(direction=SimulatedTransaction.Direction.IN, confirmations__gt=0)
        totals = {
            direction: rows.aggregate(total=Sum("amount"))["total"] or Decimal(0)
            for direction, rows in (
                ("in", received),
                ("out", on_chain.filter(direction=SimulatedTransaction.Direction.OUT)),
            )
        }
        return totals["in"] - totals["out"]
