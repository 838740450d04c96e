"""BTCPay Server's webhooks, read as hints.

Every delivery carries `BTCPay-Sig: sha256=<hex>`, the HMAC-SHA256 of the raw body keyed with
the webhook's secret; anything else is refused before the body is read. A delivery says
`deliveryId`, `webhookId`, `originalDeliveryId`, `isRedelivery`, `type`, `timestamp` (unix
seconds) and `storeId`; payment events add `invoiceId`, `paymentMethodId` and `payment`
(`id`, `value`, `destination`...), an on-chain payment's id being its outpoint `txid-index`.

Replays. BTCPay redelivers an event (automatically after a failed delivery, for about 71
minutes: 10 s, 1 min, then every 10 min; or when staff press "redeliver", at any later time)
as a new delivery: a new `deliveryId`, `isRedelivery: true`, and the first delivery's
`originalDeliveryId` and `timestamp`. So:

- `delivery_id` is `originalDeliveryId`: one event, one id, however often it is delivered. A
  caller that records the id when it has acted on the hint (in the same transaction) acts on
  each event once, and still gets a redelivery of one it failed to act on. Someone replaying a
  captured delivery repeats the id too, and is refused as the replay it is.
- `sent_at` is `timestamp`, when the event was first delivered: redeliveries keep it, so a
  freshness window shorter than ~75 minutes drops BTCPay's own automatic retries, and a
  redelivery staff press later is stale by design. The window must not outlast the time the
  caller keeps the ids it has seen, or a replay after the ids are forgotten passes as fresh.

Either way a hint only makes the services ask BTCPay again, so a hint acted on twice costs a
look-up, never a second credit.

Only on-chain payments to the store hint at anything: `InvoiceReceivedPayment` and
`InvoicePaymentSettled` name a transaction to re-fetch. BTCPay sends no webhook for coins that
arrive at a plain wallet address (what `issue_address` hands out), so deposits there are found
by asking the wallet, not by webhooks; invoice, payout and payment-request events are
acknowledged and hint at nothing."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import UTC, datetime

from ..base import HintKind, WebhookHint, WebhookRefused
from .greenfield import TXID, payment_method_by_id

SIGNATURE_HEADER = "btcpay-sig"
PAYMENT_EVENTS = {"InvoiceReceivedPayment", "InvoicePaymentSettled"}


def _header(headers: Mapping[str, str], name: str) -> str:
    return next((value for key, value in headers.items() if key.lower() == name), "")


def verify(*, headers: Mapping[str, str], body: bytes, secret: str) -> None:
    given = _header(headers, SIGNATURE_HEADER).strip().lower()
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    # bytes on both sides: compare_digest refuses non-ASCII str, and a header may carry some
    if not given or not hmac.compare_digest(given.encode(errors="replace"), expected.encode()):
        raise WebhookRefused("the BTCPay-Sig signature does not match the body")


def parse(
    *, headers: Mapping[str, str], body: bytes, secret: str, store_id: str
) -> list[WebhookHint]:
    verify(headers=headers, body=body, secret=secret)
    try:
        event = json.loads(body)
    except ValueError as error:
        raise WebhookRefused("the body is not JSON") from error
    if not isinstance(event, dict):
        raise WebhookRefused("the body is not a JSON object")
    timestamp = event.get("timestamp")
    # older servers spelled it "orignalDeliveryId"; a first delivery is its own original
    delivery = (
        event.get("originalDeliveryId") or event.get("orignalDeliveryId") or event.get("deliveryId")
    )
    if not isinstance(delivery, str) or not delivery:
        raise WebhookRefused("the delivery has no id")
    try:
        if isinstance(timestamp, bool) or not isinstance(timestamp, int | float):
            raise TypeError(timestamp)
        sent_at = datetime.fromtimestamp(timestamp, tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError) as error:
        raise WebhookRefused("the delivery has no readable timestamp") from error
    if event.get("storeId") != store_id or event.get("type") not in PAYMENT_EVENTS:
        return []  # another store's event (one secret, several stores), or nothing to re-fetch
    # lightning and every other payment method have no transaction of ours to re-fetch
    method = payment_method_by_id(str(event.get("paymentMethodId")))
    txid = _txid(event.get("payment"))
    if method is None or txid is None:
        return []
    return [
        WebhookHint(
            delivery_id=delivery,
            sent_at=sent_at,
            kind=HintKind.DEPOSIT,
            network_code=method.network_code,
            txid=txid,
        )
    ]


def _txid(payment: object) -> str | None:
    """The transaction of an on-chain payment, whose id is its outpoint `txid-index`."""
    outpoint = payment.get("id") if isinstance(payment, dict) else None
    txid = outpoint.rpartition("-")[0] if isinstance(outpoint, str) else ""
    return txid.lower() if TXID.fullmatch(txid) else None
