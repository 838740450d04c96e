"""The custody provider behind deposits and withdrawals: one interface, chosen by
the CUSTODY_PROVIDER setting. `simulated` is a local chain for development and tests;
`btcpay` is the on-chain wallet of a BTCPay Server store."""

from __future__ import annotations

from django.conf import settings

from .base import (
    ChainOutput,
    ChainTransaction,
    CustodyProvider,
    CustodyUnavailable,
    HintKind,
    IssuedAddress,
    SendState,
    SendStatus,
    WebhookHint,
    WebhookRefused,
)
from .btcpay import BTCPayGreenfield
from .simulated import SimulatedChain

PROVIDERS: dict[str, type[CustodyProvider]] = {
    SimulatedChain.code: SimulatedChain,
    BTCPayGreenfield.code: BTCPayGreenfield,
}


def provider() -> CustodyProvider:
    """The configured provider; an unknown name fails loudly at the first use."""
    name = settings.CUSTODY_PROVIDER
    if name not in PROVIDERS:
        raise RuntimeError(f"Unknown CUSTODY_PROVIDER {name!r}; known: {', '.join(PROVIDERS)}")
    return PROVIDERS[name]()


__all__ = [
    "ChainOutput",
    "ChainTransaction",
    "CustodyProvider",
    "CustodyUnavailable",
    "HintKind",
    "IssuedAddress",
    "SendState",
    "SendStatus",
    "WebhookHint",
    "WebhookRefused",
    "provider",
]
