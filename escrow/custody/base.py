"""What the platform asks of a custody provider. Each provider is one class; the services
never see its API, only these calls and their plain results."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar, Protocol


@dataclass(frozen=True)
class IssuedAddress:
    address: str
    memo: str = ""


@dataclass(frozen=True)
class ChainOutput:
    index: int
    address: str
    memo: str
    amount: Decimal


@dataclass(frozen=True)
class ChainTransaction:
    """What the provider says of a transaction now: a webhook only hints that one exists."""

    txid: str
    confirmations: int
    outputs: tuple[ChainOutput, ...]


class SendState(StrEnum):
    """Where a withdrawal stands at the provider."""

    PROCESSING = "processing"  # accepted, not yet on the chain
    CONFIRMING = "confirming"  # on the chain, gaining confirmations
    DONE = "done"  # confirmed as far as the provider settles it
    FAILED = "failed"  # will never be sent (rejected, out of funds, dropped)


@dataclass(frozen=True)
class SendStatus:
    """What the provider says of one withdrawal now."""

    provider_ref: str
    state: SendState
    txid: str = ""
    confirmations: int = 0
    detail: str = ""  # the provider's reason for a failure, for staff


class HintKind(StrEnum):
    DEPOSIT = "deposit"  # something arrived for one of our addresses: re-fetch `txid`
    WITHDRAWAL = "withdrawal"  # a send moved on: ask `withdrawal_status(provider_ref)`


@dataclass(frozen=True)
class WebhookHint:
    """What a verified webhook says happened, which the services then check with the provider.
    `delivery_id` is the provider's id for this delivery (a replay repeats it)."""

    delivery_id: str
    sent_at: datetime
    kind: HintKind
    network_code: str = ""
    txid: str = ""
    provider_ref: str = ""


class WebhookRefused(Exception):
    """A webhook that is not the provider's (bad or missing signature, unreadable body)."""


class CustodyUnavailable(Exception):
    """The provider could not be reached, did not answer in time, or failed on its side (a 5xx).
    Whether a send went through is then unknown: retry it with the same idempotency key."""


class CustodyProvider(Protocol):
    code: ClassVar[str]

    def issue_address(self, *, network_code: str, asset_symbol: str, owner: str) -> IssuedAddress:
        """A deposit address for `owner` (an opaque reference, never personal data) on the
        network; asking again for the same owner and network gives the same address."""
        ...

    def fetch_transaction(self, *, network_code: str, txid: str) -> ChainTransaction | None:
        """The transaction as the chain holds it now; None when the chain no longer has it (a
        reorg dropped it) or never had it."""
        ...

    def recent_incoming(self, *, network_code: str, asset_symbol: str) -> list[str]:
        """The txids of transactions that recently paid the platform's wallet on the network,
        newest first: the sweep observes each, so a deposit whose webhook never came (or a
        provider that sends none for plain addresses) is still found."""
        ...

    def parse_webhook(self, *, headers: Mapping[str, str], body: bytes) -> list[WebhookHint]:
        """Verify the signature over the raw `body` and read what it hints at; raise
        `WebhookRefused` when it is not the provider's. Freshness and replays are the caller's
        to judge from `sent_at` and `delivery_id`."""
        ...

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
        """Send `amount` to `address`. The same `idempotency_key` sent again (a retry after a
        timeout, a second worker) is the same send, never a second one."""
        ...

    def send_status(self, *, provider_ref: str) -> SendStatus:
        """Where a send stands now."""
        ...

    def balance(self, *, network_code: str, asset_symbol: str) -> Decimal:
        """What the provider holds for the platform on the network, confirmed."""
        ...
