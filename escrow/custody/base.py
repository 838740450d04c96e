"""What the platform asks of a custody provider. Each provider is one class; the services
never see its API, only these calls and their plain results."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Protocol


@dataclass(frozen=True)
class IssuedAddress:
    address: str
    memo: str = ""


class CustodyProvider(Protocol):
    code: ClassVar[str]

    def issue_address(self, *, network_code: str, asset_symbol: str, owner: str) -> IssuedAddress:
        """A deposit address for `owner` (an opaque reference, never personal data) on the
        network; asking again for the same owner and network gives the same address."""
        ...
