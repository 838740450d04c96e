"""The latest roles migration applies ROLES strictly: a permission that does not exist stops
it, so a typo never leaves a role silently weaker; earlier migrations give what exists."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from riskadmin import roles

pytestmark = pytest.mark.django_db


def migrated_apps():
    """The models as the latest migrations leave them, as a roles migration sees them."""
    loader = MigrationExecutor(connection).loader
    return loader.project_state(loader.graph.leaf_nodes("riskadmin")).apps


def test_a_permission_that_does_not_exist_stops_the_strict_run(monkeypatch):
    monkeypatch.setitem(roles.ROLES, "Risk analyst", {"risk": ["view_alert", "view_alrt"]})
    with pytest.raises(RuntimeError, match="view_alrt"):
        roles.apply_roles(migrated_apps(), strict=True)


def test_an_earlier_migration_gives_what_exists(monkeypatch):
    monkeypatch.setitem(roles.ROLES, "Risk analyst", {"risk": ["view_alert", "view_later"]})
    roles.apply_roles(migrated_apps())
    group = Group.objects.get(name="Risk analyst")
    codes = set(group.permissions.values_list("codename", flat=True))
    assert codes == {"view_alert"}
