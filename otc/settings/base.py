"""Settings shared by every environment. Values come from the environment (see .env.example)."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit, urlunsplit

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured

from core.config.knobs import constance_config
from otc.layers import APPS

from .environment import BASE_DIR, env, env_bool, env_list

# Lets typed generics such as ModelAdmin[Model] work at run time too.
django_stubs_ext.monkeypatch()

SECRET_KEY = env("SECRET_KEY")
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# The public address, for links in emails sent outside a request (Celery, admin actions).
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    # the operation log: history tables written by database triggers (riskadmin/oplog)
    "pgtrigger",
    "pghistory",
    # configuration staff change at run time (core/config): stored in the database
    "constance",
    *APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.RequestSizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # A random, signed device id per browser, recorded with each login.
    "accounts.middleware.DeviceCookieMiddleware",
    # The language of the page: the language cookie, else the browser's Accept-Language.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The signed-in user's time zone, and language when the browser has no language cookie.
    "accounts.middleware.UserLocaleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "accounts.middleware.StaffMFAMiddleware",
    # Who, from where and on which page, attached to every write the request makes, so the
    # operation log's triggers can record it (after authentication and the staff 2FA check).
    "riskadmin.oplog.middleware.OperationContextMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "otc.urls"
ASGI_APPLICATION = "otc.asgi.application"
WSGI_APPLICATION = "otc.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.notifications",
                "operations.context_processors.announcements",
            ],
        },
    },
]

# --- Database and Redis --------------------------------------------------------------------
# One PostgreSQL database for every app and one Redis for the cache, the Celery broker and the
# Channels layer. Production requires DATABASE_URL and REDIS_URL; the development and test
# settings start embedded servers when they are missing (otc/localservices.py).
DATABASE_URL = env("DATABASE_URL")
REDIS_URL = env("REDIS_URL")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def database_settings(url: str) -> dict[str, dict[str, object]]:
    config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=0))
    config["ATOMIC_REQUESTS"] = False  # services open their own (durable) transactions
    return {"default": config}


def redis_db_url(url: str, db: int) -> str:
    """The same Redis server with another logical database number."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{db}", parts.query, parts.fragment))


def cache_settings(redis_url: str, db: int = 1) -> dict[str, dict[str, object]]:
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_db_url(redis_url, db),
            "KEY_PREFIX": "otc",
        }
    }


def channel_layer_settings(redis_url: str, db: int = 2) -> dict[str, dict[str, object]]:
    return {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [redis_db_url(redis_url, db)]},
        }
    }


# --- Celery ---------------------------------------------------------------------------------
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
# Seconds between worker heartbeats, and how old one may be before /healthz calls it dead.
WORKER_HEARTBEAT_SECONDS = int(env("WORKER_HEARTBEAT_SECONDS", "5"))
WORKER_HEARTBEAT_MAX_AGE = int(env("WORKER_HEARTBEAT_MAX_AGE", "30"))
# What beat runs and how often (otc/settings/schedule.py).
from .schedule import BEAT_HEARTBEAT_SECONDS, CELERY_BEAT_SCHEDULE  # noqa: E402, F401

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_REDIRECT_URL = "/"
LOGIN_URL = "account_login"
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_REAUTHENTICATION_REQUIRED = True  # before any change to the account's security
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
# Counted in the shared Redis cache, so limits hold across every web process.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/15m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
MFA_ADAPTER = "accounts.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "OTC Exchange"
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = env_bool("MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN")
# Key for secrets stored in the database (TOTP seeds); derived from SECRET_KEY when unset.
FIELD_ENCRYPTION_KEY = env("FIELD_ENCRYPTION_KEY")
USERSESSIONS_TRACK_ACTIVITY = True
STAFF_REQUIRE_MFA = env_bool("STAFF_REQUIRE_MFA", True)

# --- Account security policy (hours, minutes, counts) -----------------------------------------
SECURITY_COOLDOWN_HOURS = int(env("SECURITY_COOLDOWN_HOURS", "24"))
FUND_PASSWORD_MAX_TRIES = int(env("FUND_PASSWORD_MAX_TRIES", "5"))
FUND_PASSWORD_LOCK_MINUTES = int(env("FUND_PASSWORD_LOCK_MINUTES", "30"))
FUND_PASSWORD_RESET_HOURS = int(env("FUND_PASSWORD_RESET_HOURS", "2"))
NICKNAME_CHANGE_DAYS = int(env("NICKNAME_CHANGE_DAYS", "180"))
PAYMENT_METHODS_MAX = int(env("PAYMENT_METHODS_MAX", "20"))
# Price indexes: a provider class (dotted path; empty = staff set them in the admin) and, for
# escrow.price_providers.StaticProvider, fixed prices such as {"USDT/HKD": "7.80"}.
PRICE_INDEX_PROVIDER = env("PRICE_INDEX_PROVIDER")
PRICE_INDEX_STATIC = json.loads(env("PRICE_INDEX_STATIC", "{}"))
MARKET_DEFAULT_FIAT = env("MARKET_DEFAULT_FIAT")
# Floating ads hide when their price index is older than this.
PRICE_INDEX_MAX_AGE_SECONDS = int(env("PRICE_INDEX_MAX_AGE_SECONDS", "900"))
# Payment windows (minutes) merchants may choose for their ads.
AD_PAYMENT_WINDOWS = [int(m) for m in env_list("AD_PAYMENT_WINDOWS", "15,30,45,60")]
# --- Wallet: custody provider, webhooks, withdrawals (otc/settings/wallet.py) ----------------
from .wallet import *  # noqa: E402, F403

# --- Configuration staff change at run time (core/config/knobs.py) ---------------------------
# The knobs' defaults are the environment variables of the same names; once staff change one in
# the admin, the database holds it, cached in the shared Redis cache for every process.
CONSTANCE_BACKEND = "constance.backends.database.DatabaseBackend"
CONSTANCE_DATABASE_CACHE_BACKEND = "default"
CONSTANCE_CONFIG = constance_config()

# --- Orders ------------------------------------------------------------------------------------
ORDER_MAX_OPEN_PER_USER = int(env("ORDER_MAX_OPEN_PER_USER", "3"))
# Maker fee per asset, as a fraction of the amount: the merchant pays it.
MAKER_FEE_RATES = json.loads(
    env("MAKER_FEE_RATES", '{"USDT": "0.001", "BTC": "0.001", "ETH": "0.001"}')
)
# Risk screening: orders from accounts younger than N days above these fiat totals wait in
# "pending" for staff review before the escrow is frozen.
RISK_NEW_ACCOUNT_DAYS = int(env("RISK_NEW_ACCOUNT_DAYS", "3"))
RISK_NEW_ACCOUNT_MAX_FIAT = json.loads(
    env("RISK_NEW_ACCOUNT_MAX_FIAT", '{"HKD": "20000", "CNY": "18000", "USD": "2500"}')
)
# Hours within which staff review a held order (what the order page promises the user).
ORDER_REVIEW_HOURS = int(env("ORDER_REVIEW_HOURS", "2"))
# Buyer cancellations (timeouts count) allowed in 24 hours before new orders pause, and the
# pause in hours for the first, second and later times.
ORDER_CANCEL_LIMIT = int(env("ORDER_CANCEL_LIMIT", "3"))
ORDER_CANCEL_RESTRICT_HOURS = [int(h) for h in env_list("ORDER_CANCEL_RESTRICT_HOURS", "1,4,24")]
# Reminders: the buyer this many minutes before the payment deadline, the seller this many
# minutes after the buyer marked paid without a release.
ORDER_PAYMENT_REMINDER_MINUTES = int(env("ORDER_PAYMENT_REMINDER_MINUTES", "5"))
ORDER_RELEASE_REMINDER_MINUTES = int(env("ORDER_RELEASE_REMINDER_MINUTES", "15"))
# Either party may appeal a paid order this many minutes after it was marked paid.
ORDER_APPEAL_AFTER_MINUTES = int(env("ORDER_APPEAL_AFTER_MINUTES", "15"))
# A negative feedback may be edited for this many days.
FEEDBACK_EDIT_DAYS = int(env("FEEDBACK_EDIT_DAYS", "15"))
# Disputes: the other party's deadline to respond, and to add evidence when staff ask.
DISPUTE_RESPONSE_HOURS = int(env("DISPUTE_RESPONSE_HOURS", "12"))

UPLOAD_MAX_BYTES = int(env("UPLOAD_MAX_BYTES", str(5 * 1024 * 1024)))
# Whole request bodies: 5 proofs of 5 MB and a form fit the default; dispute evidence (10 files
# of 10 MB) gets more. Larger bodies are refused with 413 before anything parses them.
REQUEST_MAX_BYTES = int(env("REQUEST_MAX_BYTES", str(27 * 1024 * 1024)))
REQUEST_MAX_BYTES_BY_PATH = {
    "/disputes/": int(env("REQUEST_MAX_BYTES_DISPUTES", str(102 * 1024 * 1024)))
}
UPLOAD_MAX_PIXELS = int(env("UPLOAD_MAX_PIXELS", str(40_000_000)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en"
# Hong Kong users read Traditional Chinese, mainland users Simplified; every page, mail and
# message a user meets is in the catalogues under locale/ (`make messages` refreshes them).
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文"), ("zh-hant", "繁體中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / ".local" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / ".local" / "media")))
STORAGES: dict[str, dict[str, object]] = {
    # Private by default: uploads are served only through permission-checked views.
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if env("AWS_STORAGE_BUCKET_NAME"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": env("AWS_STORAGE_BUCKET_NAME"), "default_acl": "private"},
    }

# --- Mail -----------------------------------------------------------------------------------
# EMAIL_URL in one variable (smtp://user:password@host:port; smtp+tls:// for STARTTLS, default
# port 587; smtp+ssl:// or smtps:// for implicit TLS, default port 465; ?timeout=N), and/or
# the separate EMAIL_HOST, EMAIL_PORT, ... which override the URL's parts. With a host, mail
# goes out over SMTP; without one, to the console (production refuses to start without one).
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
# each scheme's EMAIL_USE_TLS and EMAIL_USE_SSL
EMAIL_URL_SCHEMES = {
    "smtp": (False, False),
    "smtp+tls": (True, False),
    "smtp+ssl": (False, True),
    "smtps": (False, True),
}


def email_url_settings(url: str) -> dict[str, object]:
    """EMAIL_HOST, EMAIL_PORT, ... from an smtp:// URL (an empty URL gives nothing)."""
    if not url:
        return {}
    parts = urlsplit(url)
    if parts.scheme not in EMAIL_URL_SCHEMES:
        raise ImproperlyConfigured(
            f"EMAIL_URL must start with {', '.join(f'{s}://' for s in EMAIL_URL_SCHEMES)}; "
            f"it starts with {parts.scheme or '(nothing)'}."
        )
    if not parts.hostname:
        raise ImproperlyConfigured("EMAIL_URL names no host (smtp://user:password@host:port).")
    use_tls, use_ssl = EMAIL_URL_SCHEMES[parts.scheme]
    config: dict[str, object] = {
        "EMAIL_HOST": parts.hostname,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": use_tls,
        "EMAIL_USE_SSL": use_ssl,
    }
    if parts.port:  # otherwise the default of the scheme's TLS mode (25, 587 or 465)
        config["EMAIL_PORT"] = parts.port
    timeout = parse_qs(parts.query).get("timeout")
    if timeout:
        config["EMAIL_TIMEOUT"] = int(timeout[-1])
    return config


_email = email_url_settings(env("EMAIL_URL"))
EMAIL_HOST = env("EMAIL_HOST", str(_email.get("EMAIL_HOST", "")))
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", bool(_email.get("EMAIL_USE_TLS", False)))
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", bool(_email.get("EMAIL_USE_SSL", False)))
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured(
        "EMAIL_USE_TLS (STARTTLS, port 587) and EMAIL_USE_SSL (implicit TLS, port 465) exclude "
        "each other; set one."
    )
_default_port = 465 if EMAIL_USE_SSL else 587 if EMAIL_USE_TLS else 25
EMAIL_PORT = int(env("EMAIL_PORT", str(_email.get("EMAIL_PORT", _default_port))))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", str(_email.get("EMAIL_HOST_USER", "")))
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", str(_email.get("EMAIL_HOST_PASSWORD", "")))
# Seconds an SMTP connection may block (Django's default is forever).
EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", str(_email.get("EMAIL_TIMEOUT", 10))))
_default_backend = SMTP_BACKEND if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
EMAIL_BACKEND = env("EMAIL_BACKEND", _default_backend)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "OTC Exchange <no-reply@localhost>")
# The sender of Django's own error reports to ADMINS.
SERVER_EMAIL = env("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}
