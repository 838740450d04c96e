"""Tests: the development wiring (real PostgreSQL and Redis at DATABASE_URL / REDIS_URL, which
the pytest plugin tests/embedded.py sets to embedded servers when they are missing) with
fast password hashing, an in-memory outbox, and Redis databases of their own (3-5, or
TEST_REDIS_DB and the two after it) so a running development server and a test run, or two test
runs on one Redis, never share a cache, a queue or a channel."""

from .base import BASE_DIR, cache_settings, channel_layer_settings, env, redis_db_url
from .dev import *  # noqa: F403
from .dev import REDIS_URL

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# In-memory outbox; the browser tests' server processes write mail to files instead.
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", str(BASE_DIR / ".local" / "mail"))
_FIRST_DB = int(env("TEST_REDIS_DB", "3"))
CELERY_BROKER_URL = redis_db_url(REDIS_URL, _FIRST_DB)
CACHES = cache_settings(REDIS_URL, db=_FIRST_DB + 1)
CHANNEL_LAYERS = channel_layer_settings(REDIS_URL, db=_FIRST_DB + 2)

# Two test runs on one server need two names (TEST_DATABASE_NAME=test_otc_mine).
DATABASES["default"]["TEST"] = {"NAME": env("TEST_DATABASE_NAME", "test_otc")}  # noqa: F405
