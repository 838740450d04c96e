"""A payment method type's fields are edited as rows of a table, not as JSON."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import PaymentMethodType
from core.models import FiatCurrency

pytestmark = pytest.mark.django_db


def _post(admin_client, rows, **extra):
    hkd, _ = FiatCurrency.objects.get_or_create(code="HKD", defaults={"name": "Hong Kong dollar"})
    data = {
        "code": "octopus",
        "name": "Octopus",
        "fiats": [hkd.pk],
        "enabled": "on",
        "sort_order": 5,
        "fields-TOTAL": len(rows),
        **extra,
    }
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"fields-{index}-{name}"] = value
    return admin_client.post(reverse("admin:accounts_paymentmethodtype_add"), data)


def test_the_add_page_offers_rows_not_json(admin_client):
    page = admin_client.get(reverse("admin:accounts_paymentmethodtype_add")).content.decode()
    assert 'name="fields-0-key"' in page
    assert 'name="fields-0-label"' in page
    assert 'name="fields-0-required"' in page
    assert '<textarea name="fields"' not in page


def test_rows_are_saved_in_order_and_blank_or_removed_rows_dropped(admin_client):
    response = _post(
        admin_client,
        [
            {"key": "card", "label": " Card number ", "required": "on"},
            {"key": "", "label": ""},
            {"key": "old", "label": "Old", "DELETE": "on"},
            {"key": "note", "label": "Note"},
        ],
    )
    assert response.status_code == 302
    made = PaymentMethodType.objects.get(code="octopus")
    assert made.fields == [
        {"key": "card", "label": "Card number", "required": True},
        {"key": "note", "label": "Note", "required": False},
    ]
    page = admin_client.get(
        reverse("admin:accounts_paymentmethodtype_change", args=[made.pk])
    ).content.decode()
    assert 'value="card"' in page
    assert 'value="Card number"' in page


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([{"key": "a b", "label": "A"}], "may hold only letters"),
        ([{"key": "a", "label": "A"}, {"key": "a", "label": "B"}], "appears twice"),
        ([{"key": "", "label": "No key"}], "the key must be text"),
        ([{"key": "a", "label": " "}], "label must be non-blank"),
    ],
)
def test_bad_rows_are_refused_with_a_form_error(admin_client, rows, message):
    response = _post(admin_client, rows)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PaymentMethodType.objects.filter(code="octopus").exists()
