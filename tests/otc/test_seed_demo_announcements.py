"""The demo's announcements: a newcomer sees a banner at once, the list page, and a scheduled
maintenance notice waiting for its start."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

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
