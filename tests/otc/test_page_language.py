"""Every page's frame speaks the language the visitor chose: the header, the footer, the error
pages (413 included, which is written before the locale middleware runs) and the switcher."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import make_user

pytestmark = pytest.mark.django_db


def speaking(language: str) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def test_the_header_and_footer_speak_traditional_chinese():
    client = speaking("zh-hant")
    client.force_login(make_user())
    html = client.get("/").content.decode()
    assert '<html lang="zh-hant">' in html
    for words in ["市場", "錢包", "訂單", "收付款方式", "登出", "選單", "跳到主要內容", "系統狀態"]:
        assert words in html, words
    assert "Log out" not in html


def test_a_visitor_gets_the_sign_in_links_in_simplified_chinese():
    html = speaking("zh-hans").get("/").content.decode()
    assert '<html lang="zh-hans">' in html
    assert ">登录<" in html
    assert ">注册<" in html


def test_the_switcher_offers_each_language_in_its_own_words_and_comes_back_here():
    html = Client().get("/accounts/login/").content.decode()
    assert '<html lang="en">' in html
    assert 'action="/i18n/setlang/"' in html
    assert '<input type="hidden" name="next" value="/accounts/login/">' in html
    for code, name in [("en", "English"), ("zh-hans", "简体中文"), ("zh-hant", "繁體中文")]:
        assert f'<option value="{code}" lang="{code}"' in html
        assert f">{name}</option>" in html


def test_switching_sets_the_language_and_returns_to_the_page():
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "zh-hant", "next": "/wallet/"})
    assert response.status_code == 302
    assert response["Location"] == "/wallet/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hant"


def test_the_not_found_page_speaks_simplified_chinese():
    response = speaking("zh-hans").get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_the_too_large_page_speaks_the_browsers_language(settings):
    settings.REQUEST_MAX_BYTES = 1024 * 1024
    client = Client(headers={"accept-language": "zh-Hant-HK,zh;q=0.8"})
    body = b"x" * (1024 * 1024 + 1)
    response = client.post("/orders/", data=body, content_type="application/octet-stream")
    assert response.status_code == 413
    html = response.content.decode()
    assert '<html lang="zh-hant">' in html
    assert "上載的檔案過大" in html
    assert "此頁面每次最多接收 1 MB" in html


def test_the_access_denied_page_speaks_traditional_chinese(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied
    from django.utils import translation
    from django.views.defaults import permission_denied

    request = rf.get("/somewhere/")
    request.user = AnonymousUser()
    with translation.override("zh-hant"):
        response = permission_denied(request, PermissionDenied())
    html = response.content.decode()
    assert response.status_code == 403
    assert "無權存取" in html
    assert '您可能需要先<a href="/accounts/login/">登入</a>。' in html


def test_the_server_error_page_speaks_simplified_chinese(rf):
    from django.utils import translation
    from django.views.defaults import server_error

    with translation.override("zh-hans"):
        response = server_error(rf.get("/"))
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "我们这边出了点问题" in html
