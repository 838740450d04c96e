"""Configuration staff change at run time: a bad value is refused with a message and nothing is
stored, a change is read at once everywhere, it is on the record with before, after, who and
why, the record cannot be rewritten, a risky change shows its effect before saving, and one
step reverts it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from core.config import config_value
from core.config.services import config_revert, config_set
from core.models import ConfigChange
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PAGE = "admin:core_configchange_knob"


@pytest.fixture
def operator():
    return make_user(staff=True, perms=["core.change_configuration", "core.view_configchange"])


def test_a_change_is_read_at_once_and_on_the_record(operator):
    config_set(actor=operator, key="ORDER_MAX_OPEN_PER_USER", value="5", reason="busy week")
    assert config_value("ORDER_MAX_OPEN_PER_USER") == 5
    change = ConfigChange.objects.get()
    assert (change.before, change.after, change.changed_by, change.reason) == (
        3,
        5,
        operator,
        "busy week",
    )


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("ORDER_MAX_OPEN_PER_USER", "0"),
        ("ORDER_MAX_OPEN_PER_USER", "many"),
        ("AD_PAYMENT_WINDOWS", "15,abc"),
        ("AD_PAYMENT_WINDOWS", "1,15"),
        ("MAINTENANCE_NO_NEW_ORDERS", "maybe"),
        ("MAINTENANCE_MESSAGE", "x" * 301),
    ],
)
def test_a_bad_value_is_refused_and_nothing_is_stored(operator, key, value):
    before = config_value(key)
    with pytest.raises(ValidationError):
        config_set(actor=operator, key=key, value=value, reason="trying a value")
    assert config_value(key) == before
    assert not ConfigChange.objects.exists()


def test_a_change_needs_a_reason_and_the_permission(operator):
    with pytest.raises(ValidationError):
        config_set(actor=operator, key="FEEDBACK_EDIT_DAYS", value="10", reason="")
    with pytest.raises(ValidationError):
        config_set(
            actor=make_user(staff=True), key="FEEDBACK_EDIT_DAYS", value="10", reason="x" * 9
        )
    assert config_value("FEEDBACK_EDIT_DAYS") == 15
    assert not ConfigChange.objects.exists()


def test_payment_windows_are_read_as_a_sorted_list(operator):
    config_set(actor=operator, key="AD_PAYMENT_WINDOWS", value="30, 15,30", reason="fewer")
    assert config_value("AD_PAYMENT_WINDOWS") == [15, 30]


def test_one_step_puts_the_earlier_value_back(operator):
    change = config_set(
        actor=operator, key="ORDER_APPEAL_AFTER_MINUTES", value="30", reason="x" * 5
    )
    back = config_revert(actor=operator, change_id=change.pk, reason="too long a wait")
    assert config_value("ORDER_APPEAL_AFTER_MINUTES") == 15
    assert back.reverts == change
    assert ConfigChange.objects.count() == 2


def test_the_record_refuses_to_be_rewritten(operator):
    change = config_set(actor=operator, key="FEEDBACK_EDIT_DAYS", value="10", reason="shorter")
    with pytest.raises(IntegrityError), transaction.atomic():
        ConfigChange.objects.filter(pk=change.pk).update(reason="forged")
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_configchange")
    assert ConfigChange.objects.get().reason == "shorter"


def test_a_risky_change_shows_its_effect_before_it_is_saved(client, operator):
    client.force_login(operator)
    url = reverse(PAGE, args=["MAINTENANCE_NO_NEW_ORDERS"])
    first = client.post(url, {"value": "true", "reason": "database upgrade"})
    assert first.status_code == 200
    assert "open orders go on" in first.content.decode()
    assert config_value("MAINTENANCE_NO_NEW_ORDERS") is False
    second = client.post(url, {"value": "true", "reason": "database upgrade", "confirmed": "True"})
    assert second.status_code == 302
    assert config_value("MAINTENANCE_NO_NEW_ORDERS") is True


def test_a_bad_value_in_the_page_is_a_form_error(client, operator):
    client.force_login(operator)
    page = client.post(
        reverse(PAGE, args=["ORDER_MAX_OPEN_PER_USER"]), {"value": "-1", "reason": "test it"}
    )
    assert page.status_code == 200
    assert "value" in page.context["form"].errors
    assert config_value("ORDER_MAX_OPEN_PER_USER") == 3


def test_the_configuration_page_lists_every_setting(client, operator):
    client.force_login(operator)
    html = client.get(reverse("admin:core_configchange_changelist")).content.decode()
    for key in ("ORDER_MAX_OPEN_PER_USER", "AD_PAYMENT_WINDOWS", "MAINTENANCE_NO_NEW_ADS"):
        assert key in html


def test_staff_who_may_only_read_cannot_change(client):
    client.force_login(make_user(staff=True, perms=["core.view_configchange"]))
    url = reverse(PAGE, args=["ORDER_MAX_OPEN_PER_USER"])
    assert client.get(url).status_code == 200
    assert client.post(url, {"value": "5", "reason": "let me"}).status_code == 403
    assert config_value("ORDER_MAX_OPEN_PER_USER") == 3


def test_an_unknown_setting_is_not_found(client, operator):
    client.force_login(operator)
    assert client.get(reverse(PAGE, args=["NOPE"])).status_code == 404
