"""What is written for a person while someone else acts (a notice, its mail) is in the language
that person chose, whatever language the acting request speaks."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.services.activity import notify
from accounts.tasks import send_notification_email
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def speaker_of(language: str) -> User:
    user = make_user()
    user.language = language
    user.save(update_fields=["language"])
    return user


def translated(language: str, english: str) -> str:
    with translation.override(language):
        text = translation.gettext(english)
    assert text != english
    return text


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant"])
def test_a_notice_is_kept_in_its_recipients_language(language: str) -> None:
    reader = speaker_of(language)
    with translation.override("en"):  # the person acting reads English
        notice = notify(user=reader.pk, kind="test", title=gettext_lazy("Open it here:"))
    assert notice is not None
    assert notice.title == translated(language, "Open it here:")


def test_a_notice_given_as_plain_text_is_kept_as_given() -> None:
    reader = speaker_of("zh-hans")
    notice = notify(user=reader, kind="test", title="Open it here:")
    assert notice is not None
    assert notice.title == "Open it here:"


def test_the_mail_of_a_notice_greets_its_reader_in_their_language() -> None:
    reader = speaker_of("zh-hant")
    notice = notify(user=reader, kind="test", title="USDT", email=False)
    assert notice is not None
    with translation.override("en"):
        assert send_notification_email.run(notice.pk) is True
    greeting = translated("zh-hant", "Hello %(name)s,") % {"name": reader.nickname or reader.email}
    assert mail.outbox[-1].body.startswith(greeting)
