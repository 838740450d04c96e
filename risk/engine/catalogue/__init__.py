"""The rule catalogue, one module per kind of action. Each rule needs only the facts its caller
passes; importing this package registers them all."""

from __future__ import annotations

from . import ads, identity, payments, placement, trade, withdrawal

__all__ = ["ads", "identity", "payments", "placement", "trade", "withdrawal"]
