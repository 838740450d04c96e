"""Four eyes on who holds a staff role: a grant (a role, staff status, superuser status) is a
proposal another Superadmin approves; a removal applies at once, by one person. The user's page
shows roles and staff flags read-only, with the link to propose a grant."""

from __future__ import annotations

from functools import partial

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import User
from core.four_eyes import ProposalRefused, ProposalStatus
from riskadmin.grants.services import (
    role_grant_approve,
    role_grant_propose,
    role_grant_reject,
    role_remove,
)
from riskadmin.models import GrantKind, RoleGrant
from tests.concurrency import race
from tests.factories import make_user

pytestmark = pytest.mark.django_db

WHY = "Joins the finance desk this week"


def superadmin() -> User:
    user = make_user(staff=True)
    user.groups.add(Group.objects.get(name="Superadmin"))
    return User.objects.get(pk=user.pk)


def finance_grant(proposer: User, user: User) -> RoleGrant:
    return role_grant_propose(
        actor=proposer,
        user=user,
        kind=GrantKind.ROLE,
        group=Group.objects.get(name="Finance"),
        reason=WHY,
    )


def roles(user: User) -> set[str]:
    return set(User.objects.get(pk=user.pk).groups.values_list("name", flat=True))


def test_a_grant_changes_nothing_until_another_superadmin_approves():
    newcomer = make_user()
    grant = finance_grant(superadmin(), newcomer)
    assert grant.status == ProposalStatus.PENDING
    assert roles(newcomer) == set()
    assert not User.objects.get(pk=newcomer.pk).is_staff


def test_an_approved_role_grant_makes_the_person_staff_in_that_role():
    newcomer, approver = make_user(), superadmin()
    grant = finance_grant(superadmin(), newcomer)
    done = role_grant_approve(actor=approver, proposal_id=grant.pk)
    assert (done.status, done.decided_by_id) == (ProposalStatus.APPLIED, approver.pk)
    assert roles(newcomer) == {"Finance"}
    assert User.objects.get(pk=newcomer.pk).is_staff


def test_superuser_status_is_granted_through_approval_too():
    newcomer = make_user()
    grant = role_grant_propose(
        actor=superadmin(), user=newcomer, kind=GrantKind.SUPERUSER, reason=WHY
    )
    assert not User.objects.get(pk=newcomer.pk).is_superuser
    role_grant_approve(actor=superadmin(), proposal_id=grant.pk)
    fresh = User.objects.get(pk=newcomer.pk)
    assert (fresh.is_superuser, fresh.is_staff) == (True, True)


def test_the_proposer_cannot_approve_their_own_grant():
    proposer, newcomer = superadmin(), make_user()
    grant = finance_grant(proposer, newcomer)
    with pytest.raises(ProposalRefused, match="Another staff member"):
        role_grant_approve(actor=proposer, proposal_id=grant.pk)
    assert roles(newcomer) == set()
    assert RoleGrant.objects.get().status == ProposalStatus.PENDING


def test_nobody_approves_a_grant_to_themselves():
    grantee = superadmin()
    grant = role_grant_propose(
        actor=superadmin(), user=grantee, kind=GrantKind.SUPERUSER, reason=WHY
    )
    with pytest.raises(ProposalRefused, match="grant to you"):
        role_grant_approve(actor=grantee, proposal_id=grant.pk)
    assert not User.objects.get(pk=grantee.pk).is_superuser


def test_only_a_superadmin_approves_a_grant():
    newcomer = make_user()
    grant = finance_grant(superadmin(), newcomer)
    holder = make_user(staff=True, perms=["riskadmin.approve_rolegrant"])  # not a Superadmin
    with pytest.raises(ProposalRefused, match="Superadmin"):
        role_grant_approve(actor=holder, proposal_id=grant.pk)
    assert roles(newcomer) == set()


def test_staff_without_the_permission_cannot_propose_a_grant():
    finance = make_user(staff=True)
    finance.groups.add(Group.objects.get(name="Finance"))
    with pytest.raises(ProposalRefused):
        finance_grant(User.objects.get(pk=finance.pk), make_user())
    assert not RoleGrant.objects.exists()


def test_a_rejected_grant_changes_nothing():
    newcomer = make_user()
    grant = finance_grant(superadmin(), newcomer)
    done = role_grant_reject(actor=superadmin(), proposal_id=grant.pk, reason="Not yet hired")
    assert (done.status, done.decision_reason) == (ProposalStatus.REJECTED, "Not yet hired")
    assert roles(newcomer) == set()
    with pytest.raises(ProposalRefused, match="already decided"):
        role_grant_approve(actor=superadmin(), proposal_id=grant.pk)
    assert roles(newcomer) == set()


def test_a_second_approval_applies_nothing_more():
    newcomer = make_user()
    grant = finance_grant(superadmin(), newcomer)
    role_grant_approve(actor=superadmin(), proposal_id=grant.pk)
    with pytest.raises(ProposalRefused, match="already decided"):
        role_grant_approve(actor=superadmin(), proposal_id=grant.pk)
    assert RoleGrant.objects.get().status == ProposalStatus.APPLIED


def test_a_role_is_removed_at_once_by_one_person_and_on_record():
    member = make_user(staff=True)
    member.groups.add(Group.objects.get(name="Finance"))
    remover = superadmin()
    record = role_remove(
        actor=remover,
        user=member,
        kind=GrantKind.ROLE,
        group=Group.objects.get(name="Finance"),
        reason="Left the finance desk",
    )
    assert roles(member) == set()
    assert (record.action, record.status, record.proposed_by_id) == (
        "remove",
        ProposalStatus.APPLIED,
        remover.pk,
    )


def test_a_grant_of_a_role_already_held_is_refused():
    member = make_user(staff=True)
    member.groups.add(Group.objects.get(name="Finance"))
    with pytest.raises(ProposalRefused, match="already"):
        finance_grant(superadmin(), member)
    assert not RoleGrant.objects.exists()


# --- the staff screens ----------------------------------------------------------------------


def test_the_user_page_shows_roles_read_only_with_a_link_to_propose(client):
    member = make_user(staff=True)
    client.force_login(make_user(superuser=True))
    page = client.get(reverse("admin:accounts_user_change", args=[member.pk])).content.decode()
    assert 'name="groups"' not in page
    assert 'name="is_superuser"' not in page
    assert 'name="is_staff"' not in page
    assert f"{reverse('admin:riskadmin_rolegrant_add')}?user={member.pk}" in page


def test_saving_the_user_page_cannot_make_anyone_superuser(client):
    member = make_user()
    client.force_login(make_user(superuser=True))
    url = reverse("admin:accounts_user_change", args=[member.pk])
    client.post(
        url,
        {
            "username": member.username,
            "email": member.email,
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
        },
    )
    fresh = User.objects.get(pk=member.pk)
    assert (fresh.is_staff, fresh.is_superuser) == (False, False)


def test_a_grant_proposed_in_the_admin_is_approved_by_another_superadmin(client):
    newcomer = make_user()
    client.force_login(superadmin())
    data = {
        "user": newcomer.pk,
        "action": "grant",
        "kind": "role",
        "group": Group.objects.get(name="Arbiter").pk,
        "reason": WHY,
    }
    assert client.post(reverse("admin:riskadmin_rolegrant_add"), data).status_code == 302
    grant = RoleGrant.objects.get()
    assert roles(newcomer) == set()
    client.force_login(superadmin())
    url = reverse("admin:riskadmin_rolegrant_approve", args=[grant.pk])
    assert client.get(url).status_code == 200
    client.post(url)
    assert roles(newcomer) == {"Arbiter"}


def test_a_refused_grant_is_a_form_error_in_the_admin(client):
    client.force_login(superadmin())
    data = {"user": make_user().pk, "action": "grant", "kind": "role", "reason": WHY}
    response = client.post(reverse("admin:riskadmin_rolegrant_add"), data)
    assert response.status_code == 200
    assert "Choose the staff role." in response.content.decode()
    assert not RoleGrant.objects.exists()


def test_the_grant_screens_are_403_for_other_roles(client):
    grant = finance_grant(superadmin(), make_user())
    finance = make_user(staff=True)
    finance.groups.add(Group.objects.get(name="Finance"))
    client.force_login(User.objects.get(pk=finance.pk))
    assert client.get(reverse("admin:riskadmin_rolegrant_add")).status_code == 403
    url = reverse("admin:riskadmin_rolegrant_approve", args=[grant.pk])
    assert client.post(url).status_code == 403
    assert RoleGrant.objects.get().status == ProposalStatus.PENDING


@pytest.mark.django_db(transaction=True)
def test_two_superadmins_approving_at_once_apply_the_grant_once():
    def admin_user() -> User:
        return make_user(superuser=True)

    newcomer = make_user()
    grant = role_grant_propose(actor=admin_user(), user=newcomer, kind=GrantKind.STAFF, reason=WHY)
    results = race(
        [partial(role_grant_approve, actor=admin_user(), proposal_id=grant.pk) for _ in range(2)]
    )
    assert sum(isinstance(r, RoleGrant) for r in results) == 1
    assert sum(isinstance(r, ProposalRefused) for r in results) == 1
    assert User.objects.get(pk=newcomer.pk).is_staff
