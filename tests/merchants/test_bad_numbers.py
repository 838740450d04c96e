"""The merchant program and tier screens refuse numbers no column could hold, or no number at
all, with an error on the form (never a server error)."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory

from merchants.models import MerchantProgram, MerchantTier, TierLimit
from tests.factories import make_user

from . import helpers

pytestmark = pytest.mark.django_db

BAD_NUMBERS = ["1e30", "1" * 40, "1e309", "-1e309", "NaN", "abc"]


@pytest.fixture
def request_as_staff():
    request = RequestFactory().post("/")
    request.user = make_user(superuser=True)
    return request


def _admin_form(model, request, data, instance=None):
    form_class = admin.site._registry[model].get_form(request, instance)
    return form_class(data=data, instance=instance)


@pytest.mark.parametrize("value", BAD_NUMBERS)
@pytest.mark.parametrize(
    "field",
    ["min_kyc_level", "min_account_age_days", "min_completed_orders", "resignation_cooling_days"],
)
def test_program_form_refuses_bad_numbers(request_as_staff, field, value):
    program = helpers.program()
    data = {
        "min_kyc_level": "1",
        "min_account_age_days": "7",
        "min_completed_orders": "0",
        "require_2fa": "on",
        "resignation_cooling_days": "7",
        field: value,
    }
    form = _admin_form(MerchantProgram, request_as_staff, data, program)
    assert not form.is_valid()
    assert form.errors.get(field)
    assert MerchantProgram.objects.get(pk=program.pk).min_account_age_days == 7


@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_tier_collateral_refuses_bad_numbers(request_as_staff, value):
    asset = helpers.usdt()
    data = {
        "code": "silver",
        "name": "Silver",
        "badge_label": "Silver",
        "badge_color": "#aaaaaa",
        "collateral_asset": asset.pk,
        "collateral_amount": value,
        "sort_order": "1",
        "enabled": "on",
    }
    form = _admin_form(MerchantTier, request_as_staff, data)
    assert not form.is_valid()
    assert form.errors.get("collateral_amount")


@pytest.mark.parametrize("value", BAD_NUMBERS)
@pytest.mark.parametrize("field", ["per_order_max", "daily_max"])
def test_tier_limits_refuse_bad_numbers(request_as_staff, field, value):
    tier = helpers.tier(helpers.usdt(), "1000", name="Gold")
    inline = next(
        i
        for i in admin.site._registry[MerchantTier].get_inline_instances(request_as_staff)
        if i.model is TierLimit
    )
    formset_class = inline.get_formset(request_as_staff, tier)
    prefix = formset_class.get_default_prefix()
    data = {
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-0-fiat": helpers.fiat("EUR").pk,
        f"{prefix}-0-per_order_max": "100",
        f"{prefix}-0-daily_max": "1000",
        f"{prefix}-0-{field}": value,
    }
    formset = formset_class(data=data, instance=tier, prefix=prefix)
    assert not formset.is_valid()
    assert formset.forms[0].errors.get(field)
