"""Every number field of the ad form refuses what no column could hold or what is no number at
all with an error on the form, never a server error, and nothing is written."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ads.models import Ad
from tests.ads.factories import Setup

from .test_ads_manage import form_data

pytestmark = pytest.mark.django_db

TOO_LARGE, NOT_A_NUMBER = "That number is too large.", "Enter a number."
BAD_NUMBERS = [
    ("1e30", TOO_LARGE),
    ("1" * 40, TOO_LARGE),
    ("1e309", TOO_LARGE),
    ("-1e309", TOO_LARGE),
    ("NaN", NOT_A_NUMBER),
    ("abc", NOT_A_NUMBER),
]
NUMBER_FIELDS = [
    "fixed_price",
    "margin_percent",
    "total_quantity",
    "min_order_fiat",
    "max_order_fiat",
    "min_account_age_days",
    "min_completed_orders",
    "min_completion_rate",
]


@pytest.fixture
def s() -> Setup:
    return Setup(funds="1000")


@pytest.mark.parametrize(("value", "error"), BAD_NUMBERS)
@pytest.mark.parametrize("field", NUMBER_FIELDS)
def test_the_ad_form_refuses_a_bad_number_with_a_form_error(
    client: Client, s: Setup, field, value, error
):
    client.force_login(s.user)
    overrides = {field: value}
    if field == "margin_percent":
        overrides.update(price_type="floating", fixed_price="")
    response = client.post(reverse("ads:create"), form_data(s, **overrides))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors.get(field) == [error]
    assert error in response.content.decode()
    assert not Ad.objects.exists()


@pytest.mark.parametrize(("value", "error"), BAD_NUMBERS)
@pytest.mark.parametrize("field", NUMBER_FIELDS)
def test_editing_an_ad_refuses_a_bad_number_too(client: Client, s: Setup, field, value, error):
    client.force_login(s.user)
    assert client.post(reverse("ads:create"), form_data(s)).status_code == 302
    ad = Ad.objects.get()
    overrides = {field: value}
    if field == "margin_percent":
        overrides.update(price_type="floating", fixed_price="")
    data = {
        k: v for k, v in form_data(s, **overrides).items() if k not in ("side", "asset", "fiat")
    }
    response = client.post(reverse("ads:edit", args=[ad.public_id]), data)
    assert response.status_code == 200
    assert response.context["form"].errors.get(field) == [error]
    assert Ad.objects.get().fixed_price == ad.fixed_price
