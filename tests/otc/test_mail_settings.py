"""Mail from the environment: EMAIL_URL or the separate EMAIL_* variables; SMTP when a host is
given, the console otherwise (development)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from otc.settings.base import email_url_settings
from tests.servers import ROOT

MAIL_VARIABLES = [
    "EMAIL_URL",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_USE_TLS",
    "EMAIL_USE_SSL",
    "EMAIL_TIMEOUT",
    "EMAIL_BACKEND",
]
SHOWN = [*MAIL_VARIABLES[1:], "DEFAULT_FROM_EMAIL"]


def dev_mail_settings(**environ: str) -> dict[str, object]:
    """The mail settings otc.settings.dev makes of `environ` (in a fresh interpreter)."""
    env = {k: v for k, v in os.environ.items() if k not in MAIL_VARIABLES}
    env.update(environ, DJANGO_SETTINGS_MODULE="otc.settings.dev")
    code = (
        "import json, otc.settings.dev as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {SHOWN!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout))


def test_an_smtp_url_gives_every_part():
    assert email_url_settings("smtp+tls://otc%40example.com:p%2Fw@smtp.example.com:2525") == {
        "EMAIL_HOST": "smtp.example.com",
        "EMAIL_PORT": 2525,
        "EMAIL_HOST_USER": "otc@example.com",
        "EMAIL_HOST_PASSWORD": "p/w",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
    }


@pytest.mark.parametrize(
    ("url", "tls", "ssl"),
    [
        ("smtp://mail", False, False),
        ("smtp+tls://mail", True, False),
        ("smtp+ssl://mail", False, True),
        ("smtps://mail?timeout=3", False, True),
    ],
)
def test_the_scheme_chooses_the_tls_mode(url, tls, ssl):
    config = email_url_settings(url)
    assert (config["EMAIL_USE_TLS"], config["EMAIL_USE_SSL"]) == (tls, ssl)
    assert "EMAIL_PORT" not in config  # the mode's default port applies
    if "timeout" in url:
        assert config["EMAIL_TIMEOUT"] == 3


@pytest.mark.parametrize(
    ("url", "message"),
    [("http://mail", "EMAIL_URL must start with smtp://"), ("smtp://", "names no host")],
)
def test_a_wrong_url_is_refused(url, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        email_url_settings(url)


def test_without_a_host_mail_goes_to_the_console():
    config = dev_mail_settings()
    assert config["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert config["EMAIL_HOST"] == ""


def test_email_url_means_smtp_with_the_modes_default_port():
    config = dev_mail_settings(EMAIL_URL="smtp+ssl://otc:pw@smtp.example.com")
    assert config["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (config["EMAIL_HOST"], config["EMAIL_PORT"]) == ("smtp.example.com", 465)
    assert (config["EMAIL_HOST_USER"], config["EMAIL_HOST_PASSWORD"]) == ("otc", "pw")
    assert (config["EMAIL_USE_TLS"], config["EMAIL_USE_SSL"]) == (False, True)
    assert config["EMAIL_TIMEOUT"] == 10


def test_separate_variables_override_the_url():
    config = dev_mail_settings(
        EMAIL_URL="smtp+tls://otc:pw@smtp.example.com",
        EMAIL_HOST="relay.example.com",
        EMAIL_PORT="2587",
        EMAIL_HOST_PASSWORD="other",
        EMAIL_TIMEOUT="30",
        EMAIL_USE_TLS="",  # empty counts as unset: the URL's STARTTLS holds
    )
    assert (config["EMAIL_HOST"], config["EMAIL_PORT"]) == ("relay.example.com", 2587)
    assert (config["EMAIL_HOST_USER"], config["EMAIL_HOST_PASSWORD"]) == ("otc", "other")
    assert (config["EMAIL_USE_TLS"], config["EMAIL_TIMEOUT"]) == (True, 30)


def test_separate_variables_alone():
    config = dev_mail_settings(EMAIL_HOST="smtp.example.com", EMAIL_USE_TLS="true")
    assert config["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (config["EMAIL_PORT"], config["EMAIL_USE_TLS"]) == (587, True)


def test_tls_and_ssl_together_are_refused():
    env = {k: v for k, v in os.environ.items() if k not in MAIL_VARIABLES}
    env.update(EMAIL_HOST="mail", EMAIL_USE_TLS="1", EMAIL_USE_SSL="1")
    env["DJANGO_SETTINGS_MODULE"] = "otc.settings.dev"
    result = subprocess.run(
        [sys.executable, "-c", "import otc.settings.dev"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "exclude each other" in result.stderr
