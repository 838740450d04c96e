"""The console's pages: staff with the case permissions only (403 for everyone else, the
anonymous included); writes need the change permission and never touch one's own case."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import LoginRecord, Restriction
from accounts.models.security import RestrictionKind
from accounts.services.appeals import restriction_appeal_send
from accounts.services.security import restrict
from risk.cases.models import EntryKind
from risk.models import Case
from tests.factories import make_user

from .cases_helpers import alert_for, the_case, viewer, worker

pytestmark = pytest.mark.django_db


def _case(person=None):
    person = person or make_user()
    alert_for(person)
    return the_case(person)


def _pages(case):
    return [
        reverse("console:inbox"),
        reverse("console:case", args=[case.pk]),
        reverse("console:person", args=[case.user_id]),
    ]


def test_the_anonymous_get_403_on_every_console_page(client):
    for url in _pages(_case()):
        assert client.get(url).status_code == 403


def test_staff_without_the_case_permission_get_403(client):
    client.force_login(make_user(staff=True))
    for url in _pages(_case()):
        assert client.get(url).status_code == 403


def test_staff_who_may_view_cases_see_every_page(client):
    client.force_login(viewer())
    for url in _pages(_case()):
        assert client.get(url).status_code == 200


def test_a_viewer_may_not_write_on_a_case(client):
    case = _case()
    client.force_login(viewer())
    response = client.post(reverse("console:case_comment", args=[case.pk]), {"text": "Hello"})
    assert response.status_code == 403
    assert not case.entries.filter(kind=EntryKind.COMMENT).exists()


def test_the_inbox_shows_an_overdue_case_with_the_time_it_is_over(client):
    case = _case()
    Case.objects.filter(pk=case.pk).update(due_at=timezone.now() - timedelta(hours=2))
    client.force_login(viewer())
    page = client.get(reverse("console:inbox"), {"overdue": "on"}).content.decode()
    assert f"#{case.pk}" in page
    assert "overdue by 2 h" in page
    assert 'class="overdue"' in page


def test_the_inbox_shows_the_time_left_of_a_case_within_its_time(client):
    _case()
    client.force_login(viewer())
    assert "left" in client.get(reverse("console:inbox")).content.decode()


def test_a_comment_posted_from_the_case_page_is_on_the_timeline(client):
    case, staff = _case(), worker()
    client.force_login(staff)
    url = reverse("console:case_comment", args=[case.pk])
    response = client.post(url, {"text": "Called the bank."})
    assert response.status_code == 302
    assert case.entries.filter(kind=EntryKind.COMMENT, actor=staff).exists()
    assert (
        "Called the bank." in client.get(reverse("console:case", args=[case.pk])).content.decode()
    )


def test_assign_to_me_from_the_case_page(client):
    case, staff = _case(), worker()
    client.force_login(staff)
    client.post(reverse("console:case_take", args=[case.pk]))
    case.refresh_from_db()
    assert case.assignee_id == staff.pk


def test_a_write_on_ones_own_case_is_refused_with_403_and_changes_nothing(client):
    staff = worker()
    case = _case(staff)
    client.force_login(staff)
    for name, data in [
        ("console:case_comment", {"text": "Fine."}),
        ("console:case_take", {}),
        ("console:case_close", {"resolution": "false_positive"}),
        ("console:case_action", {"action": "freeze_withdrawals", "reason": "Testing it"}),
    ]:
        assert client.post(reverse(name, args=[case.pk]), data).status_code == 403
    case.refresh_from_db()
    assert (case.status, case.assignee_id) == ("new", None)
    assert case.entries.exclude(kind=EntryKind.ALERT).count() == 0
    assert not Restriction.objects.filter(user=staff).exists()


def test_an_action_without_a_reason_from_the_page_is_refused_and_changes_nothing(client):
    case = _case()
    client.force_login(worker())
    response = client.post(
        reverse("console:case_action", args=[case.pk]),
        {"action": "freeze_withdrawals", "reason": ""},
        follow=True,
    )
    assert "Give the reason" in response.content.decode()
    assert not Restriction.objects.filter(user=case.user).exists()


def test_an_action_from_the_page_acts_and_lands_on_the_timeline(client):
    case = _case()
    client.force_login(worker())
    client.post(
        reverse("console:case_action", args=[case.pk]),
        {"action": "restrict", "kind": "trade", "reason": "Too many chargebacks"},
    )
    assert Restriction.objects.filter(user=case.user, kind="trade").exists()
    assert case.entries.filter(kind=EntryKind.ACTION).exists()


def test_staff_answer_an_appeal_from_the_case_and_the_person_reads_it(client):
    person = make_user()
    restriction = restrict(user=person, kind=RestrictionKind.TRADE, reason="Checking your account")
    appeal = restriction_appeal_send(
        actor=person, restriction_id=restriction.pk, text="I did nothing wrong, please look again."
    )
    case = the_case(person)
    client.force_login(worker())
    client.post(
        reverse("console:case_answer", args=[case.pk]),
        {"appeal_id": appeal.pk, "answer": "We looked again; it stays for now."},
    )
    appeal.refresh_from_db()
    assert appeal.status == "answered"
    assert case.entries.filter(kind=EntryKind.ANSWER).exists()
    client.force_login(person)
    page = client.get(reverse("accounts:restrictions")).content.decode()
    assert "We looked again; it stays for now." in page


def test_the_360_view_shows_logins_with_addresses_and_linked_accounts(client):
    case = _case()
    other = make_user(email="linked@example.test")
    for user in (case.user, other):
        LoginRecord.objects.create(
            user=user, email_tried=user.email, ip="203.0.113.9", user_agent="Firefox", success=True
        )
    client.force_login(viewer())
    page = client.get(reverse("console:person", args=[case.user_id])).content.decode()
    assert "203.0.113.9" in page
    assert "Firefox" in page
    assert "linked@example.test" in page
    assert f"#{case.pk}" in page


def test_the_admin_index_links_to_the_console_for_case_staff(client):
    staff = make_user(staff=True, perms=["risk.view_case"])
    client.force_login(staff)
    assert reverse("console:inbox") in client.get(reverse("admin:index")).content.decode()


def test_a_filter_changed_on_the_inbox_answers_with_the_rows_only(client):
    case = _case()
    client.force_login(viewer())
    response = client.get(reverse("console:inbox"), HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert f"#{case.pk}" in page
    assert "<h1>" not in page


def test_a_restriction_in_force_is_lifted_from_its_button_on_the_case_page(client):
    case = _case()
    restriction = restrict(user=case.user, kind=RestrictionKind.TRADE, reason="Checking")
    client.force_login(worker())
    page = client.get(reverse("console:case", args=[case.pk])).content.decode()
    assert f'name="restriction_id" value="{restriction.pk}"' in page
    client.post(
        reverse("console:case_action", args=[case.pk]),
        {"action": "lift", "restriction_id": restriction.pk, "reason": "Documents check out"},
    )
    restriction.refresh_from_db()
    assert restriction.lifted_at is not None
