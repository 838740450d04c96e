"""Alerts roll up into one open case per person; the case's priority and due time follow its
worst alert; staff comment, take, move and close it, never on their own account."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from risk.cases import services
from risk.cases.models import CaseStatus, EntryKind
from risk.cases.selectors import InboxFilters, inbox, is_overdue, time_left
from risk.engine import Point, decide
from risk.models import AlertLabel, AlertOutcome, AlertStatus, Case, CaseEntry
from risk.rules import Outcome
from tests.factories import make_user
from tests.risk.engine_helpers import facts_for, install, rule_class

from .cases_helpers import alert_for, the_case, worker

pytestmark = pytest.mark.django_db


def test_two_alerts_of_one_person_make_one_case():
    person = make_user()
    first, second = alert_for(person), alert_for(person)
    case = Case.objects.get(user=person)
    alert_ids = set(case.entries.filter(kind=EntryKind.ALERT).values_list("alert_id", flat=True))
    assert alert_ids == {first.pk, second.pk}


def test_alerts_decided_together_join_the_same_case(monkeypatch):
    install(monkeypatch, rule_class("case_a", Outcome.REVIEW), rule_class("case_b", Outcome.HOLD))
    person = make_user()
    decide(point=Point.AD_ONLINE, facts=facts_for(person))
    case = Case.objects.get(user=person)
    assert case.entries.filter(kind=EntryKind.ALERT).count() == 2
    assert case.priority == AlertOutcome.HOLD


def test_after_closing_a_new_alert_opens_a_new_case():
    person, staff = make_user(), worker()
    alert_for(person)
    first = the_case(person)
    services.case_close(actor=staff, case=first, resolution="confirmed")
    alert_for(person)
    second = the_case(person)
    assert second is not None
    assert second.pk != first.pk
    assert Case.objects.filter(user=person).count() == 2


def test_a_review_case_is_due_in_24_hours():
    person = make_user()
    before = timezone.now()
    alert_for(person, outcome=Outcome.REVIEW)
    case = Case.objects.get(user=person)
    assert before + timedelta(hours=24) <= case.due_at <= timezone.now() + timedelta(hours=24)


def test_a_worse_alert_raises_the_priority_and_brings_the_due_time_forward():
    person = make_user()
    alert_for(person, outcome=Outcome.REVIEW)
    alert_for(person, outcome=Outcome.BLOCK)
    case = Case.objects.get(user=person)
    assert case.priority == AlertOutcome.BLOCK
    assert case.due_at <= timezone.now() + timedelta(hours=4)


def test_a_milder_alert_leaves_the_priority_and_due_time():
    person = make_user()
    alert_for(person, outcome=Outcome.HOLD)
    due = Case.objects.get(user=person).due_at
    alert_for(person, outcome=Outcome.REVIEW)
    case = Case.objects.get(user=person)
    assert (case.priority, case.due_at) == (AlertOutcome.HOLD, due)


def test_a_case_past_its_due_time_is_overdue_and_in_the_overdue_inbox():
    person, staff = make_user(), worker()
    alert_for(person)
    Case.objects.filter(user=person).update(due_at=timezone.now() - timedelta(minutes=5))
    case = Case.objects.get(user=person)
    assert is_overdue(case)
    assert time_left(case) < timedelta(0)
    assert list(inbox(viewer=staff, filters=InboxFilters(overdue=True))) == [case]


def test_a_case_within_its_time_is_not_in_the_overdue_inbox():
    alert_for(make_user())
    assert not inbox(viewer=worker(), filters=InboxFilters(overdue=True)).exists()


def test_the_inbox_filters_mine_and_unassigned():
    staff = worker()
    mine_person, other_person = make_user(), make_user()
    alert_for(mine_person)
    alert_for(other_person)
    mine = the_case(mine_person)
    services.case_assign(actor=staff, case=mine, assignee=staff)
    assert [c.user_id for c in inbox(viewer=staff, filters=InboxFilters(mine=True))] == [
        mine_person.pk
    ]
    unassigned = inbox(viewer=staff, filters=InboxFilters(unassigned=True))
    assert [c.user_id for c in unassigned] == [other_person.pk]


def test_taking_a_new_case_moves_it_in_progress_on_the_timeline():
    person, staff = make_user(), worker()
    alert_for(person)
    case = services.case_assign(actor=staff, case=the_case(person), assignee=staff)
    assert (case.assignee_id, case.status) == (staff.pk, CaseStatus.IN_PROGRESS)
    assert case.entries.filter(kind=EntryKind.ASSIGNMENT, actor=staff).exists()


def test_a_comment_is_on_the_timeline():
    person, staff = make_user(), worker()
    alert_for(person)
    case = the_case(person)
    services.case_comment(actor=staff, case=case, text="Looked at the logins.")
    assert case.entries.filter(kind=EntryKind.COMMENT, text="Looked at the logins.").exists()


def test_a_status_change_is_on_the_timeline():
    person, staff = make_user(), worker()
    alert_for(person)
    case = services.case_set_status(actor=staff, case=the_case(person), status=CaseStatus.WAITING)
    assert case.status == CaseStatus.WAITING
    assert case.entries.filter(kind=EntryKind.STATUS).exists()


def test_closing_a_case_closes_its_open_alerts_with_its_resolution():
    person, staff = make_user(), worker()
    first, second = alert_for(person), alert_for(person)
    case = services.case_close(actor=staff, case=the_case(person), resolution="false_positive")
    assert (case.status, case.resolution) == (CaseStatus.CLOSED, "false_positive")
    for alert in (first, second):
        alert.refresh_from_db()
        assert (alert.status, alert.label) == (AlertStatus.CLOSED, AlertLabel.FALSE_POSITIVE)
    assert case.entries.filter(kind=EntryKind.CLOSED).exists()


def test_closing_without_a_resolution_is_refused_and_changes_nothing():
    person, staff = make_user(), worker()
    alert = alert_for(person)
    case = the_case(person)
    with pytest.raises(ValidationError):
        services.case_close(actor=staff, case=case, resolution="none")
    case.refresh_from_db()
    alert.refresh_from_db()
    assert case.status == CaseStatus.NEW
    assert alert.status == AlertStatus.OPEN


def test_staff_may_not_comment_on_a_case_about_their_own_account():
    staff = worker()
    alert_for(staff)
    case = the_case(staff)
    with pytest.raises(PermissionDenied):
        services.case_comment(actor=staff, case=case, text="Nothing to see.")
    assert not CaseEntry.objects.filter(case=case, kind=EntryKind.COMMENT).exists()


def test_staff_may_not_close_a_case_about_their_own_account():
    staff = worker()
    alert = alert_for(staff)
    case = the_case(staff)
    with pytest.raises(PermissionDenied):
        services.case_close(actor=staff, case=case, resolution="false_positive")
    alert.refresh_from_db()
    case.refresh_from_db()
    assert alert.status == AlertStatus.OPEN
    assert case.status == CaseStatus.NEW


def test_a_case_may_not_be_given_to_the_person_it_is_about():
    person = worker()
    alert_for(person)
    case = the_case(person)
    with pytest.raises(ValidationError):
        services.case_assign(actor=worker(), case=case, assignee=person)
    case.refresh_from_db()
    assert case.assignee_id is None


def test_staff_without_the_change_permission_may_not_comment():
    person = make_user()
    alert_for(person)
    case = the_case(person)
    reader = make_user(staff=True, perms=["risk.view_case"])
    with pytest.raises(PermissionDenied):
        services.case_comment(actor=reader, case=case, text="A note.")
    assert not case.entries.filter(kind=EntryKind.COMMENT).exists()
