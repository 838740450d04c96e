"""BTCPay Server as the custody provider: the on-chain wallet of one store, through the
Greenfield API (`/api/v1/stores/{storeId}/payment-methods/{paymentMethodId}/wallet/...`, with
payment method ids such as BTC-CHAIN, as BTCPay Server 2.x names them). It needs 2.3.3 or
newer, the first with `.../wallet/transactions/broadcast`, which sends rely on; the shapes here
are those of 2.4.

Settings: BTCPAY_URL, BTCPAY_STORE_ID, BTCPAY_API_KEY (sent as `Authorization: token <key>`),
BTCPAY_WEBHOOK_SECRET and BTCPAY_TIMEOUT_SECONDS; the first call that needs a missing one
raises ImproperlyConfigured. Only bitcoin (BTC-CHAIN) is served; any other network raises
UnsupportedNetwork.

What BTCPay answers, and what the platform hears:

- an unreachable server, a timeout or a 5xx: CustodyUnavailable (retry later, with the same
  idempotency key for a send);
- a refused key, a missing permission, an unknown store or wallet: ImproperlyConfigured;
- a refused send (400 / 422): SendState.FAILED with BTCPay's message (see `sends`).

Where the API falls short, the provider keeps its own records (escrow.models.custody):

- `issue_address` asks for a fresh address each time (`forceGenerate=true`: without it BTCPay
  hands every caller the same unused address) and remembers which owner it went to, so asking
  again for an owner answers the same address;
- `fetch_transaction` reads the confirmations from the wallet's transaction, whose `amount` is
  only the wallet's net change, and the outputs (index, address, amount) from the wallet's
  unspent coins, which list an output only until the wallet spends it; each output is
  remembered the first time it is seen, so a deposit the wallet has spent keeps confirming;
- `send` records the signed transaction before broadcasting it (`sends` says why and how).

Webhooks (`webhooks`) hint at on-chain invoice payments only: BTCPay sends none for coins that
arrive at a wallet address it issued, so deposits to those are found by asking the wallet."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, ClassVar

import httpx
from django.db import IntegrityError, transaction

from ...models import BTCPayAddress, BTCPayOutput
from ..base import (
    ChainOutput,
    ChainTransaction,
    CustodyUnavailable,
    IssuedAddress,
    SendStatus,
    WebhookHint,
)
from . import sends, webhooks
from .greenfield import (
    TXID,
    Greenfield,
    ProviderRefused,
    UnsupportedNetwork,
    credential,
    decimal_field,
    payment_method,
)


class BTCPayGreenfield:
    code: ClassVar[str] = "btcpay"

    def __init__(self, *, transport: httpx.BaseTransport | None = None) -> None:
        self.api = Greenfield(transport=transport)

    def issue_address(self, *, network_code: str, asset_symbol: str, owner: str) -> IssuedAddress:
        payment_method(network_code, asset_symbol)
        known = BTCPayAddress.objects.filter(network_code=network_code, owner=owner).first()
        if known is not None:
            return IssuedAddress(known.address)
        answer = self.api.call(
            "GET",
            self.api.wallet_path(payment_method(network_code), "/address"),
            params={"forceGenerate": "true"},
        )
        address = answer.get("address") if isinstance(answer, dict) else None
        if not isinstance(address, str) or not address:
            raise CustodyUnavailable(f"BTCPay Server issued no address: {answer!r}")
        try:
            with transaction.atomic(savepoint=True):
                BTCPayAddress.objects.create(
                    network_code=network_code, owner=owner, address=address
                )
        except IntegrityError:
            # the owner asked twice at once (the first address stands), or BTCPay handed out
            # an address it had given someone else, which must never reach a second owner
            known = BTCPayAddress.objects.filter(network_code=network_code, owner=owner).first()
            if known is None:
                raise RuntimeError(f"BTCPay Server issued {address} a second time") from None
            return IssuedAddress(known.address)
        return IssuedAddress(address)

    def fetch_transaction(self, *, network_code: str, txid: str) -> ChainTransaction | None:
        method = payment_method(network_code)
        seen = sends.transaction_data(self.api, method, txid)
        if seen is None:
            return None
        coins = self.api.call("GET", self.api.wallet_path(method, "/utxos"))
        self._remember_outputs(network_code, txid, coins if isinstance(coins, list) else [])
        outputs = BTCPayOutput.objects.filter(network_code=network_code, txid=txid)
        return ChainTransaction(
            txid=txid,
            confirmations=sends.confirmations_of(seen),
            outputs=tuple(
                ChainOutput(index=o.output_index, address=o.address, memo="", amount=o.amount)
                for o in outputs.order_by("output_index")
            ),
        )

    @staticmethod
    def _remember_outputs(network_code: str, txid: str, coins: list[Any]) -> None:
        outputs = []
        for coin in coins:
            outpoint = coin.get("outpoint") if isinstance(coin, dict) else None
            # an outpoint is written `txid-index`
            of, _, index = outpoint.rpartition("-") if isinstance(outpoint, str) else ("", "", "")
            if of.lower() != txid.lower() or not index.isdigit():
                continue
            outputs.append(
                BTCPayOutput(
                    network_code=network_code,
                    txid=txid,
                    output_index=int(index),
                    address=str(coin.get("address") or ""),
                    amount=decimal_field(coin, "amount"),
                )
            )
        BTCPayOutput.objects.bulk_create(outputs, ignore_conflicts=True)

    def recent_incoming(self, *, network_code: str, asset_symbol: str) -> list[str]:
        """The store wallet's latest transactions that paid into it (a positive amount): BTCPay
        sends no webhook for coins reaching a plain wallet address, so this is how they are
        found."""
        method = payment_method(network_code, asset_symbol)
        listed = self.api.call(
            "GET", self.api.wallet_path(method, "/transactions"), params={"limit": "200"}
        )
        found = []
        for data in listed if isinstance(listed, list) else []:
            txid = data.get("transactionHash") if isinstance(data, dict) else None
            paid_in = isinstance(txid, str) and TXID.fullmatch(txid) is not None
            if paid_in and decimal_field(data, "amount") > 0:
                found.append(str(txid))
        return found

    def parse_webhook(self, *, headers: Mapping[str, str], body: bytes) -> list[WebhookHint]:
        return webhooks.parse(
            headers=headers,
            body=body,
            secret=credential("BTCPAY_WEBHOOK_SECRET"),
            store_id=credential("BTCPAY_STORE_ID"),
        )

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
        return sends.send(
            self.api,
            network_code=network_code,
            asset_symbol=asset_symbol,
            address=address,
            memo=memo,
            amount=amount,
            idempotency_key=idempotency_key,
        )

    def send_status(self, *, provider_ref: str) -> SendStatus:
        return sends.send_status(self.api, provider_ref=provider_ref)

    def balance(self, *, network_code: str, asset_symbol: str) -> Decimal:
        method = payment_method(network_code, asset_symbol)
        return decimal_field(self.api.call("GET", self.api.wallet_path(method)), "confirmedBalance")


__all__ = ["BTCPayGreenfield", "ProviderRefused", "UnsupportedNetwork"]
