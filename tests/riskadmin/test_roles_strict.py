"""The latest roles migration applies ROLES strictly: a permission that does not exist stops
it, so a typo never leaves a role silently weaker; earlier migrations give what exists."""

from __future__ import annotations

import pytest
from django.apps import apps as installed_apps
from django.contrib.auth.models import Group

from riskadmin import roles

pytestmark = pytest.mark.django_db


def test_a_permission_that_does_not_exist_stops_the_strict_run(monkeypatch):
    monkeypatch.setitem(roles.ROLES, "Risk analyst", {"risk": ["view_alert", "view_alrt"]})
    with pytest.raises(RuntimeError, match="view_alrt"):
        roles.apply_roles(installed_apps, strict=True)


def test_an_earlier_migration_gives_what_exists(monkeypatch):
    monkeypatch.setitem(roles.ROLES, "Risk analyst", {"risk": ["view_alert", "view_later"]})
    roles.apply_roles(installed_apps)
    codes = set(
        Group.objects.get(name="Risk analyst").permissions.values_list("codename", flat=True)
    )
    assert codes == {"view_alert"}
