"""The demo's operations side: a newcomer sees a banner at once, the list page, a scheduled
maintenance notice waiting for its start, and a dashboard with weeks of history."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from operations.analytics.models import OrderDay, PlatformDay
from operations.announcements.models import Announcement

pytestmark = pytest.mark.django_db


def test_the_demo_shows_a_banner_and_the_list_and_schedules_maintenance(client):
    call_command("seed_demo")
    call_command("seed_demo")
    assert Announcement.objects.filter(title="Welcome to the demo exchange").count() == 1
    assert "Welcome to the demo exchange" in client.get("/").content.decode()
    listing = client.get(reverse("operations:announcements")).content.decode()
    assert "New: withdrawals with review" in listing
    assert "Scheduled maintenance" not in listing
    assert Announcement.objects.get(title="Scheduled maintenance").important


def test_the_demo_dashboard_has_weeks_of_history_and_draws_it(client):
    call_command("seed_demo")
    rows = OrderDay.objects.count()
    call_command("seed_demo")
    assert OrderDay.objects.count() == rows
    assert OrderDay.objects.values("day").distinct().count() >= 35
    assert PlatformDay.objects.count() >= 35
    client.force_login(User.objects.filter(is_superuser=True).first())
    page = client.get(reverse("admin:operations_orderday_changelist"), {"days": 30})
    assert page.status_code == 200
    assert page.content.decode().count('class="chart chart--lines"') == 5
