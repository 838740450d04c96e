"""A local simulated chain: addresses derived from the deployment's secret, shaped like the
real network's so that address checks, copy buttons and pages behave as they will live. Its
webhooks are signed the way real providers sign theirs, so the receiving path is the live one."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from .base import (
    ChainOutput,
    ChainTransaction,
    HintKind,
    IssuedAddress,
    SendState,
    SendStatus,
    WebhookHint,
    WebhookRefused,
)

if TYPE_CHECKING:
    from ..models import SimulatedTransaction

# what `recent_incoming` lists: the last day's arrivals, at most this many
RECENT = timedelta(days=1)
RECENT_LIMIT = 200
BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"

SIGNATURE_HEADER = "X-Signature"
SIGNATURE = re.compile(r"t=(?P<t>[0-9]{1,10}),(?P<v1>v1=[0-9a-f]{64}(?:,v1=[0-9a-f]{64})*)")
# The longest value of each body field we store or look up (the columns' lengths).
FIELD_LENGTHS = {"id": 200, "network": 20, "txid": 120, "ref": 120}


def _digest(*parts: str) -> bytes:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, ":".join(("simulated-chain", *parts)).encode(), hashlib.sha256).digest()


def _signature(timestamp: int, body: bytes) -> str:
    secret = settings.CUSTODY_WEBHOOK_SECRET.encode()
    return hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def _header(headers: Mapping[str, str], name: str) -> str:
    """A header by name, whatever its case (a plain dict is not case-insensitive)."""
    wanted = name.lower()
    return next((value for key, value in headers.items() if key.lower() == wanted), "")


def _verified_time(header: str, body: bytes) -> datetime:
    """When the chain signed `body`, once its signature is checked; several v1 values may be
    sent while a secret is being rotated, and one matching is enough."""
    match = SIGNATURE.fullmatch(header.strip())
    if match is None:
        raise WebhookRefused("Missing or malformed signature.")
    timestamp = int(match["t"])
    expected = _signature(timestamp, body).encode()
    offered = [part.removeprefix("v1=") for part in match["v1"].split(",")]
    # every candidate is compared (no early exit) in constant time
    matched = [hmac.compare_digest(expected, candidate.encode()) for candidate in offered]
    if not any(matched):
        raise WebhookRefused("Bad signature.")
    return datetime.fromtimestamp(timestamp, tz=UTC)


def _field(data: Mapping[str, object], name: str) -> str:
    value = data.get(name, "")
    if not isinstance(value, str) or len(value) > FIELD_LENGTHS[name]:
        raise WebhookRefused(
            f"The {name!r} field must be text of at most {FIELD_LENGTHS[name]} characters."
        )
    return value


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

    def recent_incoming(self, *, network_code: str, asset_symbol: str) -> list[str]:
        from ..models import SimulatedTransaction

        since = timezone.now() - RECENT
        arrived = SimulatedTransaction.objects.filter(
            network_code=network_code,
            asset_symbol=asset_symbol,
            direction=SimulatedTransaction.Direction.IN,
            reorged=False,
            created_at__gte=since,
        ).order_by("-created_at")
        return list(arrived.values_list("txid", flat=True)[:RECENT_LIMIT])

    def parse_webhook(self, *, headers: Mapping[str, str], body: bytes) -> list[WebhookHint]:
        sent_at = _verified_time(_header(headers, SIGNATURE_HEADER), body)
        try:
            data = json.loads(body)
        except ValueError as error:  # not UTF-8, or not JSON
            raise WebhookRefused("The body is not JSON.") from error
        if not isinstance(data, dict):
            raise WebhookRefused("The body is not a JSON object.")
        fields = {name: _field(data, name) for name in FIELD_LENGTHS}
        kind = next((kind for kind in HintKind if kind.value == data.get("type")), None)
        if kind is None:
            raise WebhookRefused("Unknown webhook type.")
        needed = ("network", "txid") if kind == HintKind.DEPOSIT else ("ref",)
        if not fields["id"] or not all(fields[name] for name in needed):
            raise WebhookRefused(f"A {kind} webhook needs id and {' and '.join(needed)}.")
        # anything else in the body (an amount, an address) is ignored: only re-fetching counts
        hint = WebhookHint(
            delivery_id=fields["id"],
            sent_at=sent_at,
            kind=kind,
            network_code=fields["network"],
            txid=fields["txid"],
            provider_ref=fields["ref"],
        )
        return [hint]

    def signed_webhook(
        self, hint: WebhookHint, *, extra: Mapping[str, object] | None = None
    ) -> tuple[dict[str, str], bytes]:
        """The delivery the chain makes for `hint`: headers and raw body, signed at
        `hint.sent_at` (whole seconds). `extra` adds fields to the body that the platform must
        not believe, such as an amount."""
        fields: dict[str, object] = {
            "id": hint.delivery_id,
            "type": hint.kind.value,
            "network": hint.network_code,
            "txid": hint.txid,
            "ref": hint.provider_ref,
            **(extra or {}),
        }
        body = json.dumps(fields, separators=(",", ":")).encode()
        timestamp = int(hint.sent_at.timestamp())
        return {SIGNATURE_HEADER: f"t={timestamp},v1={_signature(timestamp, body)}"}, body

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
