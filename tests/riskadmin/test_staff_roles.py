"""The staff roles (riskadmin/roles.py, groups made by its data migrations): each reaches the
screens of its job and gets 403 on the others'."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from accounts.models import User
from tests.factories import make_user

pytestmark = pytest.mark.django_db

ROLES = ["Customer service", "Arbiter", "Risk analyst", "Rule editor", "Finance", "Operations"]

# Each job's screens (changelists and add pages), by the admin URL name.
SCREENS = {
    "Customer service": ["disputes_dispute_changelist", "orders_order_changelist"],
    "Arbiter": ["disputes_dispute_changelist", "orders_order_changelist"],
    "Risk analyst": [
        "accounts_restriction_changelist",
        "accounts_restriction_add",
        "accounts_kycsubmission_changelist",
        "orders_order_changelist",
        "disputes_dispute_changelist",
        "risk_userrisklevel_changelist",
        "risk_userrisklevel_add",
        "risk_withdrawallockpolicy_changelist",
        "risk_withdrawallockpolicy_add",
    ],
    "Rule editor": ["risk_rulesetting_add", "risk_rulesettingproposal_changelist"],
    "Finance": [
        "escrow_withdrawalpolicy_changelist",
        "escrow_withdrawalpolicy_add",
        "escrow_ledgeraccount_changelist",
        "escrow_adjustmentproposal_changelist",
    ],
    "Operations": [
        "escrow_asset_changelist",
        "escrow_asset_add",
        "core_fiatcurrency_changelist",
        "accounts_paymentmethodtype_changelist",
        "merchants_merchanttier_changelist",
        "merchants_merchanttier_add",
        "merchants_merchantapplication_changelist",
        "disputes_approvalthreshold_changelist",
        "disputes_approvalthreshold_add",
        "disputes_dispute_changelist",  # read only: no claim, no decide, no files
    ],
}


def member(role: str) -> User:
    user = make_user(staff=True)
    user.groups.add(Group.objects.get(name=role))
    return User.objects.get(pk=user.pk)


def status(client, name: str) -> int:
    return client.get(reverse(f"admin:{name}")).status_code


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_its_screens_and_not_the_others(client, role):
    client.force_login(member(role))
    mine = set(SCREENS[role])
    for name in mine:
        assert status(client, name) == 200, name
    others = {name for other, names in SCREENS.items() if other != role for name in names}
    for name in sorted(others - mine):
        assert status(client, name) == 403, name


def test_customer_service_gets_403_on_risk_and_operations_screens(client):
    client.force_login(member("Customer service"))
    for name in [
        "accounts_restriction_changelist",
        "accounts_kycsubmission_changelist",
        "escrow_asset_changelist",
        "merchants_merchanttier_changelist",
        "disputes_approvalthreshold_changelist",
    ]:
        assert status(client, name) == 403, name


def perms(role: str) -> set[str]:
    group = Group.objects.get(name=role)
    return {
        f"{app}.{code}"
        for app, code in group.permissions.values_list("content_type__app_label", "codename")
    }


def test_the_roles_hold_the_fewest_permissions_their_job_needs():
    service, arbiter, risk, operations = (
        perms(role) for role in ["Customer service", "Arbiter", "Risk analyst", "Operations"]
    )
    assert "disputes.handle_dispute" in service
    assert not service & {"disputes.approve_decision", "disputes.decide_dispute"}
    assert {"disputes.decide_dispute", "disputes.approve_decision"} <= arbiter
    assert "accounts.review_kyc" in risk
    assert not risk & {"disputes.handle_dispute", "disputes.approve_decision"}
    assert {"disputes.change_approvalthreshold", "merchants.review_merchant"} <= operations
    assert not operations & {"disputes.handle_dispute", "disputes.approve_decision"}
    nobody_deletes = set().union(*(perms(role) for role in ROLES))
    assert not {p for p in nobody_deletes if ".delete_" in p and "tierlimit" not in p}
    # the action log is written by the services only: no role may add or change it
    for role_perms in (perms(role) for role in ROLES):
        assert not role_perms & {"disputes.add_disputeaction", "disputes.change_disputeaction"}


def test_superadmin_holds_every_permission():
    assert perms("Superadmin") == {
        f"{app}.{code}"
        for app, code in Permission.objects.values_list("content_type__app_label", "codename")
    }
    user = member("Superadmin")
    assert user.has_perms(["disputes.assign_dispute", "escrow.adjust_balance"])


def test_superadmin_gets_the_permissions_of_models_added_later():
    from django.contrib.contenttypes.models import ContentType

    from riskadmin.roles import keep_superadmin_complete

    later = Permission.objects.create(
        codename="run_new_report",
        name="Can run a report added later",
        content_type=ContentType.objects.get_for_model(Group),
    )
    assert "auth.run_new_report" not in perms("Superadmin")
    keep_superadmin_complete()  # what every `migrate` runs at its end
    assert "auth.run_new_report" in perms("Superadmin")
    assert later.group_set.filter(name="Customer service").count() == 0


def test_read_only_roles_cannot_work_a_case(client):
    from tests.disputes.factories import Trades, disputed_order

    dispute = disputed_order(Trades())
    for role in ["Operations", "Risk analyst"]:
        client.force_login(member(role))
        assert (
            client.get(reverse("admin:disputes_dispute_change", args=[dispute.pk])).status_code
            == 200
        )
        for action in ["claim", "note", "decide"]:
            url = reverse(f"admin:disputes_dispute_{action}", args=[dispute.pk])
            assert client.post(url).status_code == 403, (role, action)
    dispute.refresh_from_db()
    assert dispute.assigned_to_id is None
