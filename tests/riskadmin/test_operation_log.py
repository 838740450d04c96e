"""The operation log (riskadmin/oplog): every write to a tracked record is an event with the
actor, the request's address and page, and what changed; triggers write it, so bulk updates
and raw SQL are caught; the database refuses to change or delete an event."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from core.models import FiatCurrency
from riskadmin.models import EVENT_MODELS, OperationEvent
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def history(currency: FiatCurrency) -> list[OperationEvent]:
    return list(OperationEvent.objects.tracks(currency).select_related("actor").order_by("pgh_id"))


@pytest.fixture
def currency() -> FiatCurrency:
    return FiatCurrency.objects.create(code="XTS", name="Test money", symbol="T", minor_units=2)


def test_an_admin_save_is_recorded_with_the_actor_the_address_and_before_and_after(
    client, currency
):
    staff = make_user(superuser=True)
    client.force_login(staff)
    response = client.post(
        reverse("admin:core_fiatcurrency_change", args=[currency.pk]),
        {"code": "XTS", "name": "Renamed money", "symbol": "T", "minor_units": 2, "enabled": "on"},
        REMOTE_ADDR="203.0.113.7",
    )
    assert response.status_code == 302
    created, updated = history(currency)
    assert created.pgh_label == "insert"
    assert created.actor is None  # made outside any request
    assert updated.pgh_label == "update"
    assert updated.actor == staff
    assert updated.ip == "203.0.113.7"
    assert updated.path == reverse("admin:core_fiatcurrency_change", args=[currency.pk])
    assert updated.pgh_diff == {"name": ["Test money", "Renamed money"]}
    assert updated.pgh_data["name"] == "Renamed money"


def test_a_bulk_update_is_recorded(currency):
    FiatCurrency.objects.filter(pk=currency.pk).update(enabled=False)
    assert history(currency)[-1].pgh_diff == {"enabled": [True, False]}


def test_raw_sql_is_recorded_and_so_is_a_delete(currency):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_fiatcurrency SET symbol = 'Z' WHERE id = %s", [currency.pk])
    currency_id = currency.pk
    currency.delete()
    events = list(
        OperationEvent.objects.filter(pgh_obj_model="riskadmin.TrackedFiatCurrency")
        .filter(pgh_obj_id=str(currency_id))
        .order_by("pgh_id")
    )
    assert [event.pgh_label for event in events] == ["insert", "update", "delete"]
    assert events[1].pgh_diff == {"symbol": ["T", "Z"]}


def test_only_changes_of_recorded_fields_make_events():
    user = make_user()
    user.set_password("another-long-password")
    user.save(update_fields=["password"])
    labels = [event.pgh_label for event in OperationEvent.objects.tracks(user)]
    assert labels == ["insert"]  # the password is never copied, so changing it is not an event
    assert "password" not in OperationEvent.objects.tracks(user).get().pgh_data


@pytest.mark.parametrize("statement", ["UPDATE {table} SET pgh_label = 'x'", "DELETE FROM {table}"])
def test_the_database_refuses_to_change_or_delete_an_event(currency, statement):
    table = "riskadmin_fiatcurrencyhistory"
    with (
        pytest.raises(IntegrityError, match="permanent record"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement.format(table=table))
    assert [event.pgh_label for event in history(currency)] == ["insert"]


def test_every_history_table_and_the_staff_actions_carry_the_guard():
    tables = {model._meta.db_table for model in EVENT_MODELS} | {"riskadmin_staffaction"}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            " WHERE t.tgname = 'riskadmin_oplog_guard'"
        )
        guarded = {name for (name,) in cursor.fetchall()}
    assert tables <= guarded
