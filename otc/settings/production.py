"""Production: every secret and address from the environment; refuses to start without them."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    DATABASE_URL,
    EMAIL_HOST,
    REDIS_URL,
    SMTP_BACKEND,
    STORAGES,
    cache_settings,
    channel_layer_settings,
    database_settings,
    env,
    env_bool,
    env_list,
    redis_db_url,
)

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
# No development default here: anyone knowing it could sign deposit hints.
CUSTODY_WEBHOOK_SECRET = env("CUSTODY_WEBHOOK_SECRET")
for _name, _value in [
    ("SECRET_KEY", SECRET_KEY),
    ("ALLOWED_HOSTS", ALLOWED_HOSTS),
    ("DATABASE_URL", DATABASE_URL),
    ("REDIS_URL", REDIS_URL),
    ("CUSTODY_WEBHOOK_SECRET", CUSTODY_WEBHOOK_SECRET),
]:
    if not _value:
        raise ImproperlyConfigured(f"{_name} must be set in the environment for production.")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 random characters.")

# Sign-up needs mail (addresses are verified): a real backend and a real sender. SMTP unless
# EMAIL_BACKEND names another (a provider's), never the console.
EMAIL_BACKEND = env("EMAIL_BACKEND", SMTP_BACKEND)
LOCAL_EMAIL_BACKENDS = {
    f"django.core.mail.backends.{name}.EmailBackend"
    for name in ("console", "locmem", "filebased", "dummy")
}
if EMAIL_BACKEND in LOCAL_EMAIL_BACKENDS:
    raise ImproperlyConfigured(
        f"EMAIL_BACKEND {EMAIL_BACKEND} delivers no mail; production needs SMTP (EMAIL_URL) or "
        "a provider's backend."
    )
if EMAIL_BACKEND == SMTP_BACKEND and not EMAIL_HOST:
    raise ImproperlyConfigured(
        "EMAIL_URL (smtp+tls://user:password@host:587) or EMAIL_HOST must be set in the "
        "environment for production."
    )
if not env("DEFAULT_FROM_EMAIL"):
    raise ImproperlyConfigured(
        "DEFAULT_FROM_EMAIL must be set in the environment for production "
        "(e.g. OTC Exchange <no-reply@otc.example.com>)."
    )

DATABASES = database_settings(DATABASE_URL)
DATABASES["default"]["CONN_MAX_AGE"] = int(env("DB_CONN_MAX_AGE", "60"))
CACHES = cache_settings(REDIS_URL)
CHANNEL_LAYERS = channel_layer_settings(REDIS_URL)
CELERY_BROKER_URL = redis_db_url(REDIS_URL, 0)

# Hashed, compressed static files collected at build time, served by whitenoise.
STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}

# HTTPS everywhere; a proxy in front terminates TLS and says so in X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
ALLAUTH_TRUSTED_PROXY_COUNT = int(env("ALLAUTH_TRUSTED_PROXY_COUNT", "1"))
