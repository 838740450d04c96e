"""Configuration staff change at run time: typed knobs (`knobs.py`) stored by django-constance's
database backend. Read with `config_value(key)`; change with `services.config_set`.

A knob staff have never changed reads the setting of the same name (the environment's value),
so a deployment's environment and a test's settings override keep working until staff decide
otherwise. The knobs staff have set are read in one query and cached in the shared Redis cache;
a change forgets the cache when it commits, so every process sees it at once."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache

from .knobs import BY_KEY, Kind

CACHE_KEY = "core:config:stored:v1"
CACHE_SECONDS = 30


def parse(kind: Kind, raw: Any) -> Any:
    if kind is Kind.INT_LIST:
        parts = raw if isinstance(raw, list | tuple) else str(raw).split(",")
        return [int(part) for part in parts if str(part).strip()]
    if kind is Kind.BOOL:
        if isinstance(raw, str):
            return raw.strip().lower() in ("1", "true", "yes", "on")
        return bool(raw)
    if kind is Kind.INT:
        return int(raw)
    return str(raw)


def stored_values() -> dict[str, Any]:
    """The knobs staff have set, as constance keeps them."""
    values = cache.get(CACHE_KEY)
    if values is None:
        from constance import config

        values = dict(config._backend.mget(list(BY_KEY)))
        cache.set(CACHE_KEY, values, CACHE_SECONDS)
    return values


def forget_stored() -> None:
    cache.delete(CACHE_KEY)


def config_value(key: str) -> Any:
    """The knob's value: as staff last set it, else the setting (environment) of that name."""
    knob = BY_KEY[key]
    stored = stored_values()
    if key in stored:
        return parse(knob.kind, stored[key])
    return parse(knob.kind, getattr(settings, key, knob.raw_default()))
