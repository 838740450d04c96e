"""The demo's linked accounts and blacklist: alice and bob share an FPS account with an open
alert on it, an IP range and a legal name are listed, and seeding again adds nothing."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from accounts.models import User
from accounts.selectors.linked import linked_accounts
from risk.models import Alert, AlertStatus, BlacklistEntry, BlacklistKind

pytestmark = pytest.mark.django_db


def test_the_demo_links_alice_and_bob_and_lists_a_range_and_a_name():
    call_command("seed_demo")
    call_command("seed_demo")
    alice, bob = (User.objects.get(email=f"{n}@demo.local") for n in ("alice", "bob"))
    alert = Alert.objects.get(code="shared_payment_account", status=AlertStatus.OPEN)
    assert alert.user_id == bob.pk
    assert any(
        link.other_id == bob.pk and link.how == "payment_account"
        for link in linked_accounts(user=alice)
    )
    assert set(BlacklistEntry.objects.values_list("kind", flat=True)) == {
        BlacklistKind.IP_RANGE,
        BlacklistKind.LEGAL_NAME,
    }
