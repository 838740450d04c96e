"""The Auditor role reads everything and the operation log, exports it (which is itself on the
record), and changes nothing; other staff cannot export. Viewing someone's KYC document is
recorded as a staff action."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from accounts.models import User
from core.models import FiatCurrency
from core.staff_actions import StaffActionKind
from riskadmin.models import StaffAction
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def auditor() -> User:
    user = make_user(staff=True)
    user.groups.add(Group.objects.get(name="Auditor"))
    return User.objects.get(pk=user.pk)


def export_rows(response) -> list[dict[str, str]]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


@pytest.fixture
def currency() -> FiatCurrency:
    return FiatCurrency.objects.create(code="XTS", name="Test money", symbol="T", minor_units=2)


def test_the_auditor_reads_the_log_and_the_records_of_every_app(client, currency):
    client.force_login(auditor())
    for name in [
        "riskadmin_operationevent_changelist",
        "riskadmin_staffaction_changelist",
        "core_fiatcurrency_changelist",
        "accounts_user_changelist",
        "escrow_withdrawal_changelist",
        "disputes_dispute_changelist",
        "risk_blacklistentry_changelist",
    ]:
        assert client.get(reverse(f"admin:{name}")).status_code == 200, name
    page = client.get(
        reverse("admin:riskadmin_operationevent_changelist"), {"target_model": "core.FiatCurrency"}
    )
    assert f"core.FiatCurrency #{currency.pk}" in page.content.decode()
    assert reverse("admin:riskadmin_operationevent_export") in page.content.decode()


def test_the_auditor_changes_nothing(client, currency):
    client.force_login(auditor())
    change = reverse("admin:core_fiatcurrency_change", args=[currency.pk])
    data = {"code": "XTS", "name": "Renamed", "symbol": "T", "minor_units": 2, "enabled": "on"}
    assert client.post(change, data).status_code == 403
    assert client.get(reverse("admin:core_fiatcurrency_add")).status_code == 403
    assert client.get(reverse("admin:accounts_user_add")).status_code == 403
    user = make_user()
    assert (
        client.post(reverse("admin:accounts_user_delete", args=[user.pk]), {"post": "yes"})
    ).status_code == 403
    assert client.get(reverse("admin:riskadmin_staffaction_add")).status_code == 403
    currency.refresh_from_db()
    assert currency.name == "Test money"
    assert User.objects.filter(pk=user.pk).exists()


def test_the_auditor_exports_the_filtered_log_and_the_export_is_recorded(client, currency):
    person = auditor()
    client.force_login(person)
    FiatCurrency.objects.filter(pk=currency.pk).update(name="Renamed")
    response = client.get(
        reverse("admin:riskadmin_operationevent_export"),
        {"target_model": "core.FiatCurrency"},
        REMOTE_ADDR="198.51.100.4",
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = export_rows(response)
    assert [row["event"] for row in rows] == ["update", "insert"]
    assert {row["target_model"] for row in rows} == {"core.FiatCurrency"}
    assert '"name": ["Test money", "Renamed"]' in rows[0]["before_and_after"]
    action = StaffAction.objects.get(action=StaffActionKind.OPERATION_LOG_EXPORTED)
    assert action.actor == person
    assert action.reason == "target_model=core.FiatCurrency"
    assert action.ip == "198.51.100.4"


def test_other_staff_cannot_export_and_nothing_is_recorded(client):
    client.force_login(make_user(staff=True, perms=["riskadmin.view_operationevent"]))
    assert client.get(reverse("admin:riskadmin_operationevent_changelist")).status_code == 200
    assert client.get(reverse("admin:riskadmin_operationevent_export")).status_code == 403
    assert not StaffAction.objects.exists()


def test_a_staff_action_cannot_be_changed_or_deleted(client):
    StaffAction.objects.create(actor=make_user(staff=True), action="kyc_document_viewed")
    for statement in [
        "UPDATE riskadmin_staffaction SET reason = 'x'",
        "DELETE FROM riskadmin_staffaction",
    ]:
        with (
            pytest.raises(IntegrityError, match="permanent record"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
    assert StaffAction.objects.get().reason == ""


def test_the_auditor_finds_one_actors_entries_by_email(client, currency):
    writer, other = make_user(superuser=True), make_user(superuser=True)
    change = reverse("admin:core_fiatcurrency_change", args=[currency.pk])
    for person, name in [(writer, "First name"), (other, "Second name")]:
        client.force_login(person)
        data = {"code": "XTS", "name": name, "symbol": "T", "minor_units": 2, "enabled": "on"}
        assert client.post(change, data).status_code == 302
    client.force_login(auditor())
    page = client.get(reverse("admin:riskadmin_operationevent_changelist"), {"q": writer.email})
    text = page.content.decode()
    assert "First name" in text
    assert "Second name" not in text
