"""A person's language and time zone: chosen on the profile page, remembered by the browser's
language cookie, brought back at sign-in, and used on every page they see."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.factories import make_user

pytestmark = pytest.mark.django_db

COOKIE = settings.LANGUAGE_COOKIE_NAME
PROFILE = reverse("accounts:profile_edit")
SAVE = reverse("accounts:profile_preferences")


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_profile_offers_the_languages_and_common_time_zones():
    html = signed_in(make_user()).get(PROFILE).content.decode()
    assert "The browser&#x27;s language" in html
    for label in ("English", "简体中文", "繁體中文"):
        assert label in html
    for zone in ("Asia/Hong_Kong", "Asia/Shanghai", "Europe/London", "America/New_York", "UTC"):
        assert f'value="{zone}"' in html
    assert 'value="Etc/GMT+5"' not in html


def test_saving_a_language_sets_the_cookie_and_the_next_page_speaks_it():
    user = make_user()
    client = signed_in(user)
    response = client.post(SAVE, {"language": "zh-hant", "time_zone": "Asia/Hong_Kong"})
    assert response.status_code == 302
    cookie = response.cookies[COOKIE]
    assert cookie.value == "zh-hant"
    assert int(cookie["max-age"]) == settings.LANGUAGE_COOKIE_AGE
    assert cookie["samesite"] == settings.LANGUAGE_COOKIE_SAMESITE
    user.refresh_from_db()
    assert (user.language, user.time_zone) == ("zh-hant", "Asia/Hong_Kong")
    page = client.get(PROFILE)
    assert page["Content-Language"] == "zh-hant"


def test_going_back_to_the_browsers_language_drops_the_cookie():
    user = make_user()
    client = signed_in(user)
    client.post(SAVE, {"language": "zh-hans", "time_zone": ""})
    response = client.post(SAVE, {"language": "", "time_zone": ""})
    assert response.cookies[COOKIE].value == ""
    assert int(response.cookies[COOKIE]["max-age"]) == 0
    page = client.get(PROFILE, HTTP_ACCEPT_LANGUAGE="en")
    assert page["Content-Language"] == "en"


def test_an_unknown_zone_is_refused_and_nothing_changes():
    user = make_user()
    response = signed_in(user).post(SAVE, {"language": "en", "time_zone": "Mars/Olympus"})
    assert response.status_code == 200
    assert "Mars/Olympus" in response.content.decode()  # the select's own refusal names it
    user.refresh_from_db()
    assert (user.language, user.time_zone) == ("", "")


def test_signing_in_brings_the_accounts_language_to_a_new_browser():
    user = make_user()
    User.objects.filter(pk=user.pk).update(language="zh-hans")
    client = Client()
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": "a-long-test-password"}
    )
    assert response.status_code == 302
    assert response.cookies[COOKIE].value == "zh-hans"


def test_the_accounts_language_applies_without_a_cookie_but_the_cookie_wins():
    user = make_user()
    User.objects.filter(pk=user.pk).update(language="zh-hans")
    client = signed_in(user)
    assert client.get(PROFILE, HTTP_ACCEPT_LANGUAGE="en")["Content-Language"] == "zh-hans"
    client.cookies[COOKIE] = "en"
    assert client.get(PROFILE)["Content-Language"] == "en"


def test_the_page_says_which_time_zone_its_times_are_in():
    user = make_user()
    User.objects.filter(pk=user.pk).update(time_zone="Asia/Hong_Kong")
    html = signed_in(user).get(PROFILE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Times are now shown in Asia/Hong_Kong." in html
    anonymous_zone = signed_in(make_user()).get(PROFILE).content.decode()
    assert "Times are now shown in UTC." in anonymous_zone


def test_the_profile_and_security_pages_speak_the_chosen_chinese():
    user = make_user()
    User.objects.filter(pk=user.pk).update(language="zh-hant", time_zone="Asia/Hong_Kong")
    client = signed_in(user)
    profile = client.get(PROFILE).content.decode()
    assert "語言和時區" in profile
    assert "當前時間按 Asia/Hong_Kong 顯示" in profile
    User.objects.filter(pk=user.pk).update(language="zh-hans")
    security = client.get(reverse("accounts:security")).content.decode()
    assert "双重验证" in security
    assert "登录记录" in security
