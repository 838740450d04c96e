"""Actions from a case: each through the owning app's service, each with a reason, each on
the case's timeline and in the operation log; refused without a reason or on one's own
account, with nothing changed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Restriction
from accounts.models.security import RestrictionKind
from ads.models import Ad, AdStatus
from merchants.models import Merchant, MerchantStatus
from risk.cases.models import EntryKind
from risk.models import BlacklistEntry
from riskadmin.console import actions
from riskadmin.oplog.records import StaffAction
from tests.ads.factories import Setup, make_merchant
from tests.factories import make_user

from .cases_helpers import alert_for, the_case, worker

pytestmark = pytest.mark.django_db

ADDRESS = "0xAbCdEf0000000000000000000000000000000001"


def _case(person=None):
    person = person or make_user()
    alert_for(person)
    return the_case(person)


def _on_timeline(case, action):
    entries = case.entries.filter(kind=EntryKind.ACTION)
    logged = StaffAction.objects.filter(action=action)
    return entries.exists() and logged.exists()


def test_restricting_from_a_case_restricts_the_person_until_the_end_given():
    case, staff = _case(), worker()
    until = timezone.now() + timedelta(days=2)
    restriction = actions.case_restrict(
        actor=staff, case=case, kind=RestrictionKind.TRADE, reason="Chargebacks seen", until=until
    )
    assert (restriction.user_id, restriction.kind, restriction.until) == (
        case.user_id,
        RestrictionKind.TRADE,
        until,
    )
    assert _on_timeline(case, "case_restrict")


def test_restricting_without_a_reason_is_refused_and_changes_nothing():
    case, staff = _case(), worker()
    with pytest.raises(ValidationError):
        actions.case_restrict(actor=staff, case=case, kind=RestrictionKind.TRADE, reason=" ")
    assert not Restriction.objects.filter(user=case.user).exists()
    assert not case.entries.filter(kind=EntryKind.ACTION).exists()


def test_freezing_withdrawals_is_a_withdraw_restriction():
    case, staff = _case(), worker()
    actions.case_freeze_withdrawals(actor=staff, case=case, reason="Account takeover suspected")
    assert Restriction.objects.filter(user=case.user, kind=RestrictionKind.WITHDRAW).exists()
    assert _on_timeline(case, "case_freeze_withdrawals")


def test_freezing_without_a_reason_is_refused_and_changes_nothing():
    case, staff = _case(), worker()
    with pytest.raises(ValidationError):
        actions.case_freeze_withdrawals(actor=staff, case=case, reason="")
    assert not Restriction.objects.filter(user=case.user).exists()


def test_lifting_from_a_case_lifts_the_restriction():
    case, staff = _case(), worker()
    restriction = actions.case_restrict(
        actor=staff, case=case, kind=RestrictionKind.SELL, reason="Checking the seller"
    )
    actions.case_lift(
        actor=staff, case=case, restriction_id=restriction.pk, reason="Documents check out"
    )
    restriction.refresh_from_db()
    assert restriction.lifted_by_id == staff.pk
    assert _on_timeline(case, "case_lift")


def test_lifting_without_a_reason_is_refused_and_changes_nothing():
    case, staff = _case(), worker()
    restriction = actions.case_restrict(
        actor=staff, case=case, kind=RestrictionKind.SELL, reason="Checking the seller"
    )
    with pytest.raises(ValidationError):
        actions.case_lift(actor=staff, case=case, restriction_id=restriction.pk, reason="ok")
    restriction.refresh_from_db()
    assert restriction.lifted_at is None


def test_taking_ads_offline_from_a_case_takes_every_online_ad_offline():
    setup = Setup()
    from ads import services as ads

    ad = setup.ad()
    ads.ad_go_online(actor=setup.user, ad_id=ad.pk)
    case, staff = _case(setup.user), worker()
    count = actions.case_ads_offline(actor=staff, case=case, reason="Scam reports on the ads")
    ad.refresh_from_db()
    assert (count, ad.status) == (1, AdStatus.OFFLINE)
    assert setup.reserve() == 0
    assert _on_timeline(case, "case_ads_offline")


def test_taking_ads_offline_without_a_reason_is_refused_and_changes_nothing():
    setup = Setup()
    from ads import services as ads

    ad = setup.ad()
    ads.ad_go_online(actor=setup.user, ad_id=ad.pk)
    case, staff = _case(setup.user), worker()
    with pytest.raises(ValidationError):
        actions.case_ads_offline(actor=staff, case=case, reason="")
    assert Ad.objects.get(pk=ad.pk).status == AdStatus.ONLINE


def test_suspending_the_merchant_from_a_case():
    merchant = make_merchant()
    case, staff = _case(merchant.user), worker()
    actions.case_suspend_merchant(actor=staff, case=case, reason="Fake payment proofs")
    assert Merchant.objects.get(pk=merchant.pk).status == MerchantStatus.SUSPENDED
    assert _on_timeline(case, "case_suspend_merchant")


def test_suspending_without_a_reason_is_refused_and_changes_nothing():
    merchant = make_merchant()
    case, staff = _case(merchant.user), worker()
    with pytest.raises(ValidationError):
        actions.case_suspend_merchant(actor=staff, case=case, reason="")
    assert Merchant.objects.get(pk=merchant.pk).status == MerchantStatus.ACTIVE


def test_blacklisting_an_address_from_a_case():
    case, staff = _case(), worker()
    actions.case_blacklist(actor=staff, case=case, value=ADDRESS, reason="Stolen funds went here")
    entry = BlacklistEntry.objects.get()
    assert (entry.value, entry.source) == (ADDRESS.lower(), f"case #{case.pk}")
    assert _on_timeline(case, "case_blacklist")


def test_blacklisting_without_a_reason_is_refused_and_changes_nothing():
    case, staff = _case(), worker()
    with pytest.raises(ValidationError):
        actions.case_blacklist(actor=staff, case=case, value=ADDRESS, reason="")
    assert not BlacklistEntry.objects.exists()


def test_no_action_is_taken_on_a_case_about_ones_own_account():
    staff = worker()
    case = _case(staff)
    with pytest.raises(PermissionDenied):
        actions.case_freeze_withdrawals(actor=staff, case=case, reason="Testing myself")
    assert not Restriction.objects.filter(user=staff).exists()
    assert not StaffAction.objects.exists()


def test_staff_without_the_restriction_permission_may_not_restrict():
    case = _case()
    staff = make_user(staff=True, perms=["risk.view_case", "risk.change_case"])
    with pytest.raises(PermissionDenied):
        actions.case_restrict(
            actor=staff, case=case, kind=RestrictionKind.TRADE, reason="A good reason"
        )
    assert not Restriction.objects.filter(user=case.user).exists()
