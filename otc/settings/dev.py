"""Development: DEBUG on. Like every settings module it only reads the environment and starts
nothing: DATABASE_URL and REDIS_URL must be set, which the entry points (manage.py, `make run`,
`make test`, pytest) do with the embedded servers when they are missing (otc/localservices.py)."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    DATABASE_URL,
    PRICE_INDEX_PROVIDER,
    PRICE_INDEX_STATIC,
    REDIS_URL,
    STATIC_ROOT,
    cache_settings,
    channel_layer_settings,
    database_settings,
    env,
    env_list,
    redis_db_url,
)

DEBUG = True
SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-key-change-me")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")

_missing = [
    name for name, value in [("DATABASE_URL", DATABASE_URL), ("REDIS_URL", REDIS_URL)] if not value
]
if _missing:
    raise ImproperlyConfigured(
        f"{' and '.join(_missing)} not set. The settings start nothing: run through manage.py, "
        "`make run`, `make test` or pytest, which start the embedded PostgreSQL and Redis under "
        ".local/ and set them, or set them yourself (see .env.example); "
        "`make services` prints the embedded servers' URLs for other commands."
    )
DATABASES = database_settings(DATABASE_URL)
CACHES = cache_settings(REDIS_URL)
CHANNEL_LAYERS = channel_layer_settings(REDIS_URL)
CELERY_BROKER_URL = redis_db_url(REDIS_URL, 0)

# Static files come straight from the apps and static/ (no collectstatic in development).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# The demo market's floating ads follow a static price table refreshed by beat, so they stay
# visible; set PRICE_INDEX_PROVIDER (and PRICE_INDEX_STATIC) to use something else.
if not PRICE_INDEX_PROVIDER:
    from otc.demo_prices import static_index_table

    PRICE_INDEX_PROVIDER = "escrow.price_providers.StaticProvider"
    PRICE_INDEX_STATIC = PRICE_INDEX_STATIC or static_index_table()
