"""Announcements as users meet them: banners on every page for their audience, between start
and end, dismissible where staff allow it; the list page; Markdown that cannot carry HTML."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models.kyc import KycLevel, KycStatus, KycSubmission
from operations.announcements.models import Announcement, AnnouncementDismissal
from tests.ads.factories import make_merchant
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PAGE = "/"  # the market: every page carries the banners


def announce(**fields):
    values = {
        "title": "Maintenance on Sunday",
        "body": "Trading pauses **02:00-03:00**.",
        "starts_at": timezone.now() - timedelta(minutes=5),
    }
    values.update(fields)
    return Announcement.objects.create(**values)


def page_for(client, user=None):
    if user is not None:
        client.force_login(user)
    return client.get(PAGE).content.decode()


def test_a_banner_in_force_shows_on_the_page_for_a_visitor(client):
    announce()
    html = page_for(client)
    assert "Maintenance on Sunday" in html
    assert "<strong>02:00-03:00</strong>" in html


def test_a_scheduled_announcement_waits_for_its_start(client):
    announce(starts_at=timezone.now() + timedelta(hours=1))
    assert "Maintenance on Sunday" not in page_for(client)


def test_an_ended_announcement_is_gone(client):
    announce(
        starts_at=timezone.now() - timedelta(days=2), ends_at=timezone.now() - timedelta(days=1)
    )
    assert "Maintenance on Sunday" not in page_for(client)


def test_an_announcement_to_merchants_reaches_merchants_only(client):
    announce(audience="merchants")
    merchant = make_merchant().user
    assert "Maintenance on Sunday" in page_for(client, merchant)
    client.logout()
    assert "Maintenance on Sunday" not in page_for(client, make_user())


def test_an_announcement_in_one_language_reaches_that_language_only(client):
    announce(audience="language", audience_value="zh-hans")
    assert "Maintenance on Sunday" not in page_for(client)
    client.cookies["django_language"] = "zh-hans"
    assert "Maintenance on Sunday" in page_for(client)


def test_an_announcement_to_one_country_reaches_people_verified_there(client):
    announce(audience="country", audience_value="HK")
    verified = make_user()
    KycSubmission.objects.create(
        user=verified,
        level=KycLevel.IDENTITY,
        status=KycStatus.APPROVED,
        legal_name="Chan Tai Man",
        country="HK",
        reviewed_at=timezone.now(),
    )
    assert "Maintenance on Sunday" in page_for(client, verified)
    client.logout()
    assert "Maintenance on Sunday" not in page_for(client, make_user())


def test_a_dismissed_banner_stays_away_for_that_person(client):
    announcement = announce()
    user = make_user()
    client.force_login(user)
    response = client.post(
        reverse("operations:dismiss", args=[announcement.pk]), {"next": PAGE}, follow=True
    )
    assert "Maintenance on Sunday" not in response.content.decode()
    assert AnnouncementDismissal.objects.filter(announcement=announcement, user=user).exists()
    client.logout()
    assert "Maintenance on Sunday" in page_for(client, make_user())


def test_a_visitor_dismisses_a_banner_for_their_session(client):
    announcement = announce()
    client.post(reverse("operations:dismiss", args=[announcement.pk]), {"next": PAGE})
    assert "Maintenance on Sunday" not in page_for(client)
    assert not AnnouncementDismissal.objects.exists()


def test_a_banner_that_may_not_be_dismissed_stays(client):
    announcement = announce(dismissible=False)
    client.force_login(make_user())
    client.post(reverse("operations:dismiss", args=[announcement.pk]), {"next": PAGE})
    assert "Maintenance on Sunday" in page_for(client)
    assert not AnnouncementDismissal.objects.exists()
    assert "Dismiss" not in page_for(client)


def test_dismissing_with_htmx_answers_with_nothing_to_swap_in(client):
    announcement = announce()
    client.force_login(make_user())
    response = client.post(
        reverse("operations:dismiss", args=[announcement.pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response.content == b""


def test_a_dismissal_never_leads_off_the_site(client):
    announcement = announce()
    response = client.post(
        reverse("operations:dismiss", args=[announcement.pk]), {"next": "https://evil.test/"}
    )
    assert response["Location"] == "/"


def test_a_list_only_announcement_is_on_the_list_page_not_in_the_banner(client):
    announce(title="New payment method", placement="list")
    assert "New payment method" not in page_for(client)
    listing = client.get(reverse("operations:announcements")).content.decode()
    assert "New payment method" in listing


def test_html_in_the_body_shows_as_text_and_script_links_are_not_links(client):
    announce(body="<script>alert(1)</script> [click](javascript:alert(1)) [ok](https://x.test/)")
    html = page_for(client)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript:' not in html
    assert 'href="https://x.test/"' in html
