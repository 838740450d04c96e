"""What the platform asks of a custody provider. Each provider is one class; the services
never see its API, only these calls and their plain results."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
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
