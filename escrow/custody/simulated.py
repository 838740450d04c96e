"""A local simulated chain: addresses derived from the deployment's secret, shaped like the
real network's so that address checks, copy buttons and pages behave as they will live."""

from __future__ import annotations

import hashlib
import hmac
from typing import ClassVar

from django.conf import settings

from .base import ChainOutput, ChainTransaction, IssuedAddress

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
            network_code=network_code, txid=txid, reorged=False
        ).first()
        if sent is None:
            return None
        output = ChainOutput(index=0, address=sent.address, memo=sent.memo, amount=sent.amount)
        return ChainTransaction(txid=sent.txid, confirmations=sent.confirmations, outputs=(output,))
