"""`manage.py seed_demo`: idempotent, and it leaves a lively market behind."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from ads.models import Ad
from escrow.models.transfers import Transfer
from escrow.verification import verify
from merchants.models import Merchant

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, int, int]:
    return Ad.objects.count(), Merchant.objects.count(), Transfer.objects.count()


def test_seeding_twice_changes_nothing_and_the_ledger_verifies():
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")
    assert counts() == first
    assert verify().ok


def test_the_demo_market_has_both_sides_of_every_asset_and_fiat(client):
    call_command("seed_demo")
    assert Merchant.objects.filter(status="active").count() >= 4
    for tab in ["buy", "sell"]:
        for asset in ["USDT", "BTC", "ETH"]:
            for fiat in ["HKD", "CNY", "USD"]:
                page = client.get("/", {"tab": tab, "asset": asset, "fiat": fiat})
                assert page.status_code == 200
                assert len(page.context["rows"]) >= 1, (tab, asset, fiat)


def test_the_demo_has_a_completed_trade_and_a_case_for_customer_service():
    from accounts.models import User
    from disputes.models import Dispute
    from orders.models import Order, OrderFeedback

    call_command("seed_demo")
    released = Order.objects.get(idempotency_key="demo-trade-completed")
    assert released.status == "released"
    assert OrderFeedback.objects.filter(order=released, rating="positive").exists()
    dispute = Dispute.objects.get(order__idempotency_key="demo-trade-appealed")
    assert dispute.status == "open"
    assert dispute.order.status == "disputed"
    support = User.objects.get(email="support@demo.local")
    assert support.is_staff
    assert not support.is_superuser
    assert support.has_perm("disputes.handle_dispute")
    assert verify().ok


def test_alice_sees_what_she_bought_in_the_demo_locked_for_withdrawal(client):
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import User
    from escrow.models import WithdrawalLock
    from escrow.selectors import withdrawable
    from orders.models import Order

    call_command("seed_demo")
    bought = Order.objects.get(idempotency_key="demo-trade-completed")
    alice = User.objects.get(email="alice@demo.local")
    lock = WithdrawalLock.objects.get(owner=alice)
    assert (lock.amount, lock.ref) == (bought.buyer_receives, f"order:{bought.public_id}")
    # her elevated level's three days from the release
    assert abs(lock.unlocks_at - bought.released_at - timedelta(days=3)) < timedelta(minutes=1)
    assert lock.unlocks_at > timezone.now()
    funds = withdrawable(user=alice, asset=bought.asset)
    assert funds.withdrawable == funds.spendable - bought.buyer_receives
    client.force_login(alice)
    assert "Locked for withdrawal" in client.get("/wallet/").content.decode()


def test_an_arbiter_finishes_the_demo_dispute_alone_and_another_approves_big_ones():
    from accounts.models import User
    from disputes import services as disputes
    from disputes.models import ApprovalThreshold, Dispute
    from disputes.selectors import approval_needed

    call_command("seed_demo")
    assert {t.fiat.code for t in ApprovalThreshold.objects.all()} >= {"HKD", "CNY", "USD"}
    assert User.objects.get(email="arbiter@demo.local").has_perm("disputes.approve_decision")
    assert not User.objects.get(email="risk@demo.local").has_perm("disputes.approve_decision")
    dispute = Dispute.objects.get(order__idempotency_key="demo-trade-appealed")
    assert not approval_needed(dispute=dispute)  # 500 HKD, under the HKD threshold
    arbiter = User.objects.get(email="arbiter@demo.local")
    disputes.dispute_claim(actor=arbiter, dispute_public_id=dispute.public_id)
    decision = disputes.dispute_decide(
        actor=arbiter,
        dispute_public_id=dispute.public_id,
        outcome="release",
        reason="The bank transfer is in the evidence; the seller did not answer.",
    )
    assert decision.status == "executed"
    dispute.refresh_from_db()
    assert dispute.order.status == "released"
    assert verify().ok


def test_the_demo_has_a_staff_member_per_role_and_two_proposals_to_approve():
    from accounts.models import User
    from core.four_eyes import ProposalStatus
    from escrow.models import AdjustmentProposal
    from risk.models import RuleSettingProposal
    from riskadmin.roles import ROLES, SUPERADMIN

    call_command("seed_demo")
    call_command("seed_demo")  # idempotent: still one of each
    held = set(
        User.objects.filter(email__endswith="@demo.local").values_list("groups__name", flat=True)
    )
    assert {*ROLES, SUPERADMIN, "Auditor"} <= held
    rule = RuleSettingProposal.objects.get()
    adjustment = AdjustmentProposal.objects.get()
    assert rule.status == adjustment.status == ProposalStatus.PENDING
    assert rule.proposed_by.email == "rules@demo.local"
    assert adjustment.proposed_by.email == "finance@demo.local"


def test_two_demo_users_read_chinese_in_their_own_time_zone():
    from io import StringIO

    from accounts.models import User

    out = StringIO()
    call_command("seed_demo", stdout=out)
    bob = User.objects.get(email="bob@demo.local")
    beta = User.objects.get(email="merchant.beta@demo.local")
    assert (bob.language, bob.time_zone) == ("zh-hant", "Asia/Hong_Kong")
    assert (beta.language, beta.time_zone) == ("zh-hans", "Asia/Shanghai")
    logins = out.getvalue()
    assert "bob@demo.local" in logins
    assert "(zh-hant, Asia/Hong_Kong)" in logins
    assert "(zh-hans, Asia/Shanghai)" in logins


def test_every_demo_asset_takes_deposits_on_a_named_network_and_alice_has_one_on_its_way():
    from accounts.models import User
    from escrow.models import Network
    from escrow.services.deposits import deposit_address_issue

    call_command("seed_demo")
    alice = User.objects.get(email="alice@demo.local")
    networks = list(Network.objects.select_related("asset"))
    assert {n.asset.symbol for n in networks} == {"USDT", "BTC", "ETH"}
    assert {n.name for n in networks if n.asset.symbol == "USDT"} == {
        "TRON (TRC-20)",
        "Ethereum (ERC-20)",
    }
    for network in networks:  # the simulated chain's addresses pass each network's check
        assert deposit_address_issue(actor=alice, network_id=network.pk).address
    from escrow.models import Deposit

    on_its_way = Deposit.objects.get(address__user=alice)
    assert (on_its_way.status, on_its_way.amount) == ("confirming", 100)
    book = {entry.label: entry for entry in alice.withdrawal_addresses.all()}
    assert set(book) == {"My own wallet", "Exchange account"}
    assert book["My own wallet"].usable_from > timezone.now()  # still cooling
    assert book["Exchange account"].usable_from <= timezone.now()


def test_the_demo_has_a_withdrawal_waiting_for_review_and_reconciles():
    from accounts.models import User
    from escrow.models import Withdrawal
    from escrow.reconciliation import reconcile

    call_command("seed_demo")
    call_command("seed_demo")  # a second run adds nothing
    bob = User.objects.get(email="bob@demo.local")
    [waiting] = Withdrawal.objects.filter(user=bob)
    assert (waiting.status, waiting.amount) == ("review", 200)
    assert reconcile().ok


def test_every_demo_asset_is_valued_in_usd_so_withdrawal_limits_can_be():
    from decimal import Decimal

    from escrow.models import Asset
    from escrow.selectors import value_in

    call_command("seed_demo")
    values = {
        asset.symbol: value_in(asset=asset, amount=Decimal(2), fiat_code="USD")
        for asset in Asset.objects.all()
    }
    assert values == {
        "USDT": Decimal("2.00"),
        "BTC": Decimal("180000.00"),
        "ETH": Decimal("7000.00"),
    }
