"""Sign-in, sign-up and the account's mails look and speak like the product: the site's layout,
its name (not the host of the request), a plain-text and an HTML part in every mail."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def html_part(message) -> str:
    parts = [content for content, mimetype in message.alternatives if mimetype == "text/html"]
    assert len(parts) == 1
    return parts[0]


@pytest.mark.parametrize("name", ["account_login", "account_signup", "account_reset_password"])
def test_the_sign_in_pages_use_the_sites_layout(client, name):
    html = client.get(reverse(name)).content.decode()
    assert 'class="nav__brand"' in html
    assert "· OTC Exchange</title>" in html


def test_the_two_factor_hub_uses_the_sites_layout():
    client = Client()
    client.force_login(make_user())
    html = client.get(reverse("mfa_index")).content.decode()
    assert 'class="nav__brand"' in html


def test_the_confirmation_mail_names_the_product_in_text_and_html(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {
                "email": "new.trader@example.com",
                "password1": "a-long-test-password",
                "password2": "a-long-test-password",
            },
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject.startswith("[OTC Exchange] ")
    assert "Hello from OTC Exchange!" in message.body
    assert "register an account on OTC Exchange." in message.body
    html = html_part(message)
    assert "Hello from OTC Exchange!" in html
    assert "Confirm email address" in html
    link = next(line for line in message.body.splitlines() if "/accounts/confirm-email/" in line)
    assert link.split()[-1] in html


def test_the_password_reset_mail_has_both_parts(django_capture_on_commit_callbacks):
    user = make_user()
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(reverse("account_reset_password"), {"email": user.email})
    message = mail.outbox[-1]
    assert message.subject.startswith("[OTC Exchange] ")
    assert "Reset password" in html_part(message)


def test_a_security_notice_gets_an_html_part_in_the_accounts_language(
    django_capture_on_commit_callbacks,
):
    user = make_user()
    User.objects.filter(pk=user.pk).update(language="zh-hans")
    client = Client()
    client.force_login(User.objects.get(pk=user.pk))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_change_password"),
            {
                "oldpassword": "a-long-test-password",
                "password1": "another-long-password",
                "password2": "another-long-password",
            },
        )
    notices = [m for m in mail.outbox if user.email in m.to]
    assert notices, "a password change sends a security notice"
    html = html_part(notices[-1])
    assert "OTC Exchange" in html
    assert 'lang="zh-hans"' in html
