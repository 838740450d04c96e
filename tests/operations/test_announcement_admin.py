"""Staff write announcements in the admin: a bad audience or end is a form error and nothing is
stored, a saved one shows at once, and an important one reaches its audience as one
notification each, however often the beat job runs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification
from operations.announcements.models import Announcement
from operations.announcements.services import announcement_notify
from operations.tasks import announcements_notify_due
from tests.ads.factories import make_merchant
from tests.factories import make_user

pytestmark = pytest.mark.django_db

ADD = "admin:operations_announcement_add"


def form(**data):
    start = timezone.localtime() - timedelta(minutes=1)
    values = {
        "title": "Fees change on Monday",
        "body": "Maker fees go down.",
        "starts_at_0": start.strftime("%Y-%m-%d"),
        "starts_at_1": start.strftime("%H:%M:%S"),
        "audience": "everyone",
        "audience_value": "",
        "placement": "banner",
        "dismissible": "on",
    }
    values.update(data)
    return values


@pytest.fixture
def staff_client(client):
    client.force_login(make_user(superuser=True))
    return client


def test_a_saved_announcement_shows_on_the_next_page(
    staff_client, django_capture_on_commit_callbacks
):
    staff_client.get("/")  # the set in force is cached now
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse(ADD), form())
    assert response.status_code == 302
    assert "Fees change on Monday" in staff_client.get("/").content.decode()


def test_saving_records_who_wrote_it(staff_client):
    staff_client.post(reverse(ADD), form())
    assert Announcement.objects.get().created_by is not None


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"audience": "country", "audience_value": "Hong Kong"}, "audience_value"),
        ({"audience": "language", "audience_value": "fr"}, "audience_value"),
        ({"audience": "everyone", "audience_value": "HK"}, "audience_value"),
        ({"ends_at_0": "2000-01-01", "ends_at_1": "00:00:00"}, "ends_at"),
    ],
)
def test_a_bad_audience_or_end_is_a_form_error_and_nothing_is_stored(staff_client, fields, field):
    response = staff_client.post(reverse(ADD), form(**fields))
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not Announcement.objects.exists()


def test_staff_without_the_permission_cannot_write_announcements(client):
    client.force_login(make_user(staff=True))
    response = client.post(reverse(ADD), form())
    assert response.status_code == 403
    assert not Announcement.objects.exists()


def test_announcements_cannot_be_deleted_in_the_admin(staff_client):
    announcement = Announcement.objects.create(title="Kept", starts_at=timezone.now())
    url = reverse("admin:operations_announcement_delete", args=[announcement.pk])
    assert staff_client.post(url, {"post": "yes"}).status_code == 403
    assert Announcement.objects.filter(pk=announcement.pk).exists()


def _important(**fields):
    values = {
        "title": "Withdrawals pause tonight",
        "starts_at": timezone.now() - timedelta(minutes=1),
        "important": True,
    }
    values.update(fields)
    return Announcement.objects.create(**values)


def test_an_important_announcement_reaches_its_audience_once():
    merchant = make_merchant().user
    other = make_user()
    announcement = _important(audience="merchants")
    announcements_notify_due()
    announcements_notify_due()
    assert Notification.objects.filter(user=merchant, kind="announcement").count() == 1
    assert not Notification.objects.filter(user=other, kind="announcement").exists()
    announcement.refresh_from_db()
    assert announcement.notified_at is not None


def test_an_announcement_to_everyone_reaches_every_active_person():
    people = [make_user() for _ in range(3)]
    _important()
    announcements_notify_due()
    for person in people:
        assert Notification.objects.filter(user=person, kind="announcement").count() == 1


def test_an_important_announcement_waits_for_its_start():
    person = make_user()
    announcement = _important(starts_at=timezone.now() + timedelta(hours=1))
    assert announcement_notify(announcement_id=announcement.pk) == 0
    assert not Notification.objects.filter(user=person).exists()


def test_an_ordinary_announcement_sends_no_notification():
    person = make_user()
    _important(important=False)
    announcements_notify_due()
    assert not Notification.objects.filter(user=person).exists()
