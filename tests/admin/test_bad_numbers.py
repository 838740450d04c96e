"""Numbers no amount column holds are refused with a form error in every staff form, never a
server error: they go through core.money.to_decimal, the one parser."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.admin import AmountFormField
from disputes.admin.forms import DecideForm

pytestmark = pytest.mark.django_db

BAD = ["1e30", "1" * 40, "1e309", "-1e309", "NaN"]
SAID = {"NaN": "Enter a number."}  # the others: "That amount is too large."


def said(typed):
    return SAID.get(typed, "That amount is too large.")


@pytest.mark.parametrize("typed", BAD)
def test_the_amount_field_refuses_with_a_message(typed):
    field = AmountFormField(required=False, max_digits=38, decimal_places=18)
    with pytest.raises(ValidationError) as raised:
        field.clean(typed)
    assert raised.value.messages == [said(typed)]


def test_the_amount_field_reads_plain_numbers():
    field = AmountFormField(required=False, max_digits=38, decimal_places=18)
    assert str(field.clean(" 12.50 ")) == "12.50"
    assert field.clean("") is None


@pytest.mark.parametrize("typed", BAD)
@pytest.mark.parametrize(
    ("url_name", "field"),
    [
        ("admin:accounts_kyclimit_add", "daily_limit"),
        ("admin:merchants_merchanttier_add", "collateral_amount"),
        ("admin:escrow_priceindex_add", "price"),
        ("admin:disputes_approvalthreshold_add", "amount"),
    ],
)
def test_staff_forms_refuse_numbers_no_column_holds(admin_client, url_name, field, typed):
    response = admin_client.post(reverse(url_name), {field: typed})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors[field] == [said(typed)]


@pytest.mark.parametrize("typed", BAD)
def test_the_decision_form_refuses_a_deduction_no_column_holds(typed):
    form = DecideForm(
        {
            "outcome": "release",
            "reason": "The payment arrived in full.",
            "collateral_deduction": typed,
        },
        dispute=None,  # type: ignore[arg-type]  # the field checks need no case
    )
    assert not form.is_valid()
    assert form.errors["collateral_deduction"] == [said(typed)]
