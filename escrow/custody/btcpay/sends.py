"""Sends from the store's wallet, once per idempotency key.

BTCPay's create-transaction call (`POST .../wallet/transactions`) takes no idempotency key and
no label, and with `proceedWithBroadcast: true` it signs and broadcasts in one request. When
that answer is lost (a timeout, a dropped connection, a proxy's 502) nothing on either side
says whether the coins left: the txid was in the lost answer, and there is no label to search
for. A retry would pay a second time. So a send takes three steps, each one recorded in
`BTCPaySend` in a transaction of its own before the next begins:

1. Claim the key: one row per key, so a retry or a second worker finds the send.
2. Have BTCPay build and sign the transaction without broadcasting it (`proceedWithBroadcast:
   false` answers with the signed transaction in hex), and record it with its txid. The first
   signed transaction recorded for a key is the only one the key ever broadcasts; a racing
   worker's is dropped unbroadcast, which costs nothing.
3. Broadcast the recorded transaction (`POST .../wallet/transactions/broadcast`), then label it
   in the wallet with the key (`PATCH .../wallet/transactions/{txid}`, `labels`) so staff see
   in BTCPay which withdrawal it pays.

A retry repeats what is missing. Broadcasting the same signed transaction again cannot pay
twice: it is one transaction with one id, and the chain takes it once. When a broadcast is
refused the wallet is asked for that txid, since an earlier broadcast whose answer was lost
shows up there. Before signing for a key that has nothing signed yet, the wallet is searched
for a transaction labelled with the key (`labelFilter`), in case our record was lost after a
broadcast.

A 400 or 422 from BTCPay (not enough funds, a bad address, a broadcast the node rejected and
the wallet does not know) is final for the key: the send is FAILED with BTCPay's message, and
the same key asked again answers the same. Nothing it signed ever reached the chain.

The records must outlive the request that fails, so every write here is its own durable
transaction: `send` refuses to run inside a database transaction, where a rollback would take
the signed transaction's record with it and a retry would sign a second one."""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Now

from core.money import has_at_most_places

from ...models import BTCPaySend, Network
from ..base import CustodyUnavailable, SendState, SendStatus
from .greenfield import TXID, Greenfield, PaymentMethod, ProviderRefused, payment_method
from .rawtx import txid_of

logger = logging.getLogger(__name__)
State = BTCPaySend.State


def send(
    api: Greenfield,
    *,
    network_code: str,
    asset_symbol: str,
    address: str,
    memo: str,
    amount: Decimal,
    idempotency_key: str,
) -> SendStatus:
    method = payment_method(network_code, asset_symbol)
    if memo:
        raise ValueError(f"{network_code} sends carry no memo")
    if amount <= 0 or not has_at_most_places(amount, method.decimals):
        raise ValueError(f"{amount} is not an amount of {asset_symbol} to send")
    record = _claim(
        idempotency_key,
        network_code=network_code,
        asset_symbol=asset_symbol,
        address=address,
        amount=amount,
    )
    seen = None
    if record.state == State.CLAIMED:
        record, seen = _find_labelled(api, method, record)
    if record.state == State.CLAIMED:
        record = _sign(api, method, record)
    if record.state == State.SIGNED:
        record, seen = _broadcast(api, method, record)
    if record.state == State.BROADCAST and seen is None:
        seen = transaction_data(api, method, record.txid)
    return status_of(record, seen)


def send_status(api: Greenfield, *, provider_ref: str) -> SendStatus:
    """Where a send stands; `provider_ref` is its txid (or, for one refused before anything
    was signed, its idempotency key)."""
    found = (
        BTCPaySend.objects.filter(Q(txid=provider_ref) | Q(idempotency_key=provider_ref)).first()
        if provider_ref
        else None
    )
    if found is None:
        raise LookupError(f"no BTCPay send {provider_ref!r}")
    if found.state in (State.CLAIMED, State.REFUSED):
        return status_of(found, None)
    return status_of(found, transaction_data(api, payment_method(found.network_code), found.txid))


def transaction_data(api: Greenfield, method: PaymentMethod, txid: str) -> dict[str, Any] | None:
    """The wallet's view of one of its transactions; None when it does not know the txid."""
    if not TXID.fullmatch(txid):
        return None
    data = api.call(
        "GET", api.wallet_path(method, f"/transactions/{txid}"), absent="transaction-not-found"
    )
    return data if isinstance(data, dict) else None


def confirmations_of(data: dict[str, Any]) -> int:
    count = data.get("confirmations")  # a number, though the API's schema says a string
    if isinstance(count, str) and count.isdigit():
        return int(count)
    return count if isinstance(count, int) and not isinstance(count, bool) and count > 0 else 0


def status_of(record: BTCPaySend, seen: dict[str, Any] | None) -> SendStatus:
    ref = record.txid or record.idempotency_key
    if record.state == State.REFUSED:
        return SendStatus(provider_ref=ref, state=SendState.FAILED, detail=record.detail)
    if seen is None:
        # never FAILED on silence: a signed transaction the wallet does not see (yet, or any
        # more) may still reach the chain, so it stays open for staff to look at
        unseen = "not broadcast yet" if record.state != State.BROADCAST else "not in the wallet"
        return SendStatus(provider_ref=ref, state=SendState.PROCESSING, detail=unseen)
    confirmations = confirmations_of(seen)
    if confirmations == 0:
        state = SendState.PROCESSING
    else:
        needed = (
            Network.objects.filter(code=record.network_code, asset__symbol=record.asset_symbol)
            .values_list("confirmations", flat=True)
            .first()
        ) or 1
        state = SendState.DONE if confirmations >= needed else SendState.CONFIRMING
    return SendStatus(provider_ref=ref, state=state, txid=record.txid, confirmations=confirmations)


def _claim(key: str, **request: Any) -> BTCPaySend:
    with transaction.atomic(durable=True):
        record, _created = BTCPaySend.objects.get_or_create(idempotency_key=key, defaults=request)
    asked = {name: getattr(record, name) for name in request}
    if asked != request:
        raise ValueError(f"idempotency key {key!r} already names another send: {asked}")
    return record


def _advance(record: BTCPaySend, *, expected: str, **changes: Any) -> BTCPaySend:
    """Move the send on if it is still where this worker found it; either way, as it is now."""
    with transaction.atomic(durable=True):
        BTCPaySend.objects.filter(pk=record.pk, state=expected).update(**changes, updated_at=Now())
    record.refresh_from_db()
    return record


def _find_labelled(
    api: Greenfield, method: PaymentMethod, record: BTCPaySend
) -> tuple[BTCPaySend, dict[str, Any] | None]:
    key = record.idempotency_key
    found = api.call("GET", api.wallet_path(method, "/transactions"), params={"labelFilter": key})
    for data in found if isinstance(found, list) else []:
        txid = data.get("transactionHash") if isinstance(data, dict) else None
        labels = data.get("labels") if isinstance(data, dict) else None
        if isinstance(txid, str) and TXID.fullmatch(txid) and key in (labels or {}):
            logger.warning("BTCPay send %s found in the wallet by its label: %s", key, txid)
            return _advance(record, expected=State.CLAIMED, state=State.BROADCAST, txid=txid), data
    return record, None


def _sign(api: Greenfield, method: PaymentMethod, record: BTCPaySend) -> BTCPaySend:
    request = {
        "destinations": [{"destination": record.address, "amount": _text(record.amount)}],
        "proceedWithBroadcast": False,  # broadcast is step 3, once this is recorded
        "proceedWithPayjoin": False,  # a payjoin would broadcast on its own
        "rbf": False,  # a replacement would pay under another txid
        "excludeUnconfirmed": True,  # leave deposits that are still confirming alone
    }
    try:
        signed = api.call("POST", api.wallet_path(method, "/transactions"), body=request)
    except ProviderRefused as refused:
        return _advance(record, expected=State.CLAIMED, state=State.REFUSED, detail=str(refused))
    sent = signed.get("transactionHash") if isinstance(signed, dict) else None
    if isinstance(sent, str) and TXID.fullmatch(sent):
        # a server that broadcast anyway: the send is out, under that txid
        return _advance(record, expected=State.CLAIMED, state=State.BROADCAST, txid=sent)
    try:
        txid = txid_of(signed if isinstance(signed, str) else "")
    except ValueError as error:
        said = f"BTCPay Server signed no readable transaction: {error}"
        raise CustodyUnavailable(said) from error
    return _advance(
        record, expected=State.CLAIMED, state=State.SIGNED, signed_transaction=signed, txid=txid
    )


def _broadcast(
    api: Greenfield, method: PaymentMethod, record: BTCPaySend
) -> tuple[BTCPaySend, dict[str, Any] | None]:
    path = api.wallet_path(method, "/transactions/broadcast")
    try:
        seen = api.call("POST", path, body={"transaction": record.signed_transaction})
    except ProviderRefused as refused:
        seen = transaction_data(api, method, record.txid)  # went out on an earlier try?
        if seen is None:
            return _advance(
                record, expected=State.SIGNED, state=State.REFUSED, detail=str(refused)
            ), None
    try:
        api.call(
            "PATCH",
            api.wallet_path(method, f"/transactions/{record.txid}"),
            body={"labels": [record.idempotency_key]},
        )
    except ProviderRefused as refused:  # the label is for people: the send went out regardless
        logger.warning("BTCPay did not label %s: %s", record.txid, refused)
    record = _advance(record, expected=State.SIGNED, state=State.BROADCAST)
    return record, seen if isinstance(seen, dict) else None


def _text(amount: Decimal) -> str:
    return format(amount.normalize(), "f")
