"""The market speaks the reader's language: Simplified and Traditional Chinese."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from ads.models import Ad
from tests.factories import make_user

from . import market_factories as mf

pytestmark = pytest.mark.django_db


def page(client, language: str, **params) -> str:
    response = client.get(reverse("market:p2p"), params, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


@pytest.fixture
def ad():
    mf.asset("USDT"), mf.fiat("HKD")
    return mf.ad(remaining="1234.5")


def test_the_market_in_simplified_chinese(client, ad):
    text = page(client, "zh-hans", sort="release")
    assert "P2P 市场" in text
    assert "购买 USDT" in text
    assert '<option value="release" selected>放币最快</option>' in text
    assert "1,234.5" in text  # the crypto display format, whatever the language


def test_the_market_in_traditional_chinese(client, ad):
    text = page(client, "zh-hant")
    assert "P2P 市場" in text
    assert "購買 USDT" in text
    assert "收付款方式" in text


def test_an_unmet_condition_is_explained_in_the_viewer_s_language(client, ad):
    Ad.objects.filter(pk=ad.pk).update(min_completion_rate=Decimal("90"))
    viewer = make_user()
    viewer.language = "zh-hant"
    viewer.save(update_fields=["language"])
    client.force_login(viewer)
    text = page(client, "zh-hant")
    assert "此廣告要求 30 日完成率至少為 90%；您尚未有完成率記錄。" in text  # noqa: RUF001 - the Chinese text
