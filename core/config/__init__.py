"""Configuration staff change at run time: typed knobs (`knobs.py`) stored by django-constance's
database backend and cached in the shared Redis cache, so a change reaches every process at
once, without a restart. Read with `config_value(key)`; change with `services.config_set`."""

from __future__ import annotations

from typing import Any

from .knobs import BY_KEY, Kind


def parse(kind: Kind, raw: Any) -> Any:
    if kind is Kind.INT_LIST:
        return [int(part) for part in str(raw).split(",") if part.strip()]
    if kind is Kind.BOOL:
        return bool(raw)
    if kind is Kind.INT:
        return int(raw)
    return str(raw)


def config_value(key: str) -> Any:
    """The knob's value as staff last set it (its default until then), typed."""
    from constance import config

    return parse(BY_KEY[key].kind, getattr(config, key))
