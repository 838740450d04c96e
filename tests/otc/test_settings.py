"""Production settings: refuse to start half-configured, and pass Django's deploy checks."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.servers import ROOT, server_env

STRONG_KEY = "k3y-" + "x9Qz_" * 12
MAIL = {"EMAIL_URL": "smtp+tls://otc:pw@smtp.example.com", "DEFAULT_FROM_EMAIL": "otc@example.com"}
WEBHOOK = {"CUSTODY_WEBHOOK_SECRET": "whsec-production-test"}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    env = {**MAIL, **WEBHOOK, **env}
    full_env = server_env(DJANGO_SETTINGS_MODULE="otc.settings.production", **env)
    for name, value in env.items():
        if value == "":
            full_env.pop(name, None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("SECRET_KEY", "SECRET_KEY must be set"),
        ("ALLOWED_HOSTS", "ALLOWED_HOSTS must be set"),
        ("DATABASE_URL", "DATABASE_URL must be set"),
        ("REDIS_URL", "REDIS_URL must be set"),
        ("CUSTODY_WEBHOOK_SECRET", "CUSTODY_WEBHOOK_SECRET must be set"),
        ("EMAIL_URL", "EMAIL_URL (smtp+tls://user:password@host:587) or EMAIL_HOST must be set"),
        ("DEFAULT_FROM_EMAIL", "DEFAULT_FROM_EMAIL must be set"),
    ],
)
def test_production_refuses_to_start_without(missing, message):
    env = {"SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "otc.example.com", missing: ""}
    result = manage("check", **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_refuses_a_backend_that_delivers_no_mail():
    result = manage(
        "check",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="otc.example.com",
        EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
    )
    assert result.returncode != 0
    assert "delivers no mail" in result.stderr


def test_production_takes_the_separate_smtp_variables():
    result = manage(
        "check",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="otc.example.com",
        EMAIL_URL="",
        EMAIL_HOST="smtp.example.com",
        EMAIL_USE_TLS="true",
    )
    assert result.returncode == 0, result.stderr


def test_production_refuses_a_weak_secret_key():
    result = manage("check", SECRET_KEY="short", ALLOWED_HOSTS="otc.example.com")
    assert result.returncode != 0
    assert "at least 50" in result.stderr


def test_deploy_check_prints_no_warning():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="otc.example.com",
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
