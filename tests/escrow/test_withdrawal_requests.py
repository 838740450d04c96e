"""Asking for a withdrawal: what is held, when it goes out at once or waits for a reviewer, and
every refusal, each of which changes nothing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models.security import RestrictionKind
from accounts.services.fund_password_rules import FundPasswordError, TwoFactorRequired
from accounts.services.security import restrict, start_cooldown
from escrow.models import Network, WalletControl, Withdrawal, WithdrawalStatus
from escrow.selectors import wallet_for_user
from escrow.services import InsufficientFunds, InvalidAmount
from escrow.services.withdrawals import OverWithdrawalLimit, WithdrawalRefused, WithdrawalsPaused
from risk.blacklist import Blacklisted
from risk.models import BlacklistEntry, BlacklistKind
from risk.restrictions import Paused
from tests.factories import give_totp, totp_code

from .ledger_state import assert_ledger_verifies
from .wallet_setup import ADDRESS, ask, book_entry, entry_of, make_holder, make_wallet, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def wallet():
    return make_wallet()


@pytest.fixture
def holder(wallet):
    return make_holder(wallet)


def test_a_request_holds_the_amount_and_the_fee(wallet, holder):
    withdrawal = ask(holder, "50").withdrawal
    line = next(line for line in wallet_for_user(user=holder) if line.asset == wallet.asset)
    assert (line.available, line.frozen) == (Decimal("449"), Decimal("51"))
    assert withdrawal.hold is not None
    assert withdrawal.hold.amount == Decimal("51")
    assert_ledger_verifies()


def test_a_first_withdrawal_to_an_address_waits_for_review(wallet, holder):
    withdrawal = ask(holder, "50").withdrawal
    assert withdrawal.status == WithdrawalStatus.REVIEW
    assert "first_to_address" in withdrawal.review_reasons


def test_a_small_withdrawal_to_a_known_address_goes_out_without_review(wallet, holder):
    Withdrawal.objects.create(
        public_id="WEARLIER01",
        user=holder,
        network=wallet.network,
        book_entry=entry_of(holder),
        address=ADDRESS,
        amount=Decimal(5),
        request_key="earlier",
        status=WithdrawalStatus.DONE,
        ended_at=timezone.now(),
    )
    withdrawal = ask(holder, "50").withdrawal
    assert withdrawal.status == WithdrawalStatus.APPROVED
    assert withdrawal.review_reasons == []


def test_above_the_auto_approval_threshold_it_waits_for_review(wallet, holder):
    withdrawal = ask(holder, "150").withdrawal
    assert "above_auto_approval" in withdrawal.review_reasons


def test_above_the_second_threshold_two_approvals_are_needed(wallet):
    rich = make_holder(wallet, balance="3000")
    assert ask(rich, "1500").withdrawal.needs_two_approvals


def test_a_young_account_waits_for_review(wallet, holder):
    type(holder).objects.filter(pk=holder.pk).update(date_joined=timezone.now())
    holder.refresh_from_db()
    assert "young_account" in ask(holder, "5").withdrawal.review_reasons


def test_the_same_form_sent_twice_is_one_withdrawal(wallet, holder):
    first = ask(holder, "10", key="form-1").withdrawal
    again = ask(holder, "10", key="form-1").withdrawal
    assert again.pk == first.pk
    assert Withdrawal.objects.filter(user=holder).count() == 1


def test_with_two_factor_on_the_code_is_needed(wallet, holder):
    give_totp(holder)
    with pytest.raises(TwoFactorRequired):
        ask(holder, "10")
    assert ask(holder, "10", totp_code=totp_code()).withdrawal.pk


def _refused(user, error, amount="10", **overrides):
    before = snapshot(user)
    with pytest.raises(error) as refused:
        ask(user, amount, **overrides)
    assert snapshot(user) == before
    return refused.value


def test_a_wrong_fund_password_changes_nothing(wallet, holder):
    _refused(holder, FundPasswordError, fund_password="not-the-password")


def test_a_security_cool_down_refuses_and_changes_nothing(wallet, holder):
    start_cooldown(user=holder, cause="Password reset")
    assert "cool-down" in _refused(holder, Paused).message


def test_a_withdraw_restriction_refuses_with_its_reason(wallet, holder):
    restrict(user=holder, kind=RestrictionKind.WITHDRAW, reason="Checking a payment dispute")
    assert "Checking a payment dispute" in _refused(holder, Paused).message


def test_over_the_daily_limit_is_refused(wallet):
    user = make_holder(make_wallet(per_day="100", per_30_days="1000"), balance="500")
    ask(user, "60")
    assert "24 hours" in _refused(user, OverWithdrawalLimit, amount="60").message


def test_over_the_thirty_day_limit_is_refused(wallet):
    user = make_holder(make_wallet(per_day="100", per_30_days="150"), balance="500")
    earlier = ask(user, "90").withdrawal
    Withdrawal.objects.filter(pk=earlier.pk).update(requested_at=timezone.now() - timedelta(days=3))
    assert "30 days" in _refused(user, OverWithdrawalLimit, amount="70").message


def test_a_canceled_withdrawal_does_not_count_towards_the_limit(wallet):
    from escrow.services.withdrawals import withdrawal_cancel

    user = make_holder(make_wallet(per_day="100", per_30_days="1000"), balance="500")
    withdrawal_cancel(actor=user, public_id=ask(user, "90").withdrawal.public_id)
    assert ask(user, "90").withdrawal.pk


def test_a_level_without_a_limit_row_cannot_withdraw(wallet, holder):
    from escrow.models import WithdrawalLimit

    WithdrawalLimit.objects.all().delete()
    assert "verify" in _refused(holder, OverWithdrawalLimit).message


def test_an_address_still_cooling_is_refused(wallet, holder):
    entry_of(holder).__class__.objects.filter(pk=entry_of(holder).pk).update(
        usable_from=timezone.now() + timedelta(hours=3)
    )
    assert _refused(holder, WithdrawalRefused).field == "address"


def test_a_blacklisted_address_is_refused(wallet, holder):
    BlacklistEntry.objects.create(
        kind=BlacklistKind.CRYPTO_ADDRESS, value=ADDRESS, reason="stolen funds", source="case 7"
    )
    message = _refused(holder, Blacklisted).message
    assert "stolen" not in message


def test_an_expired_blacklist_entry_no_longer_refuses(wallet, holder):
    BlacklistEntry.objects.create(
        kind=BlacklistKind.CRYPTO_ADDRESS,
        value=ADDRESS,
        reason="stolen funds",
        source="case 7",
        expires_at=timezone.now() - timedelta(days=1),
    )
    assert ask(holder, "10").withdrawal.pk


@pytest.mark.parametrize("switch", ["network", "asset", "everyone"])
def test_a_paused_switch_refuses_and_changes_nothing(wallet, holder, switch):
    if switch == "network":
        Network.objects.filter(pk=wallet.network.pk).update(withdrawals_enabled=False)
    elif switch == "asset":
        type(wallet.policy).objects.filter(pk=wallet.policy.pk).update(withdrawals_enabled=False)
    else:
        WalletControl.objects.create(pk=1, withdrawals_paused=True, message="Chain upgrade")
    _refused(holder, WithdrawalsPaused)


def test_the_global_pause_tells_staff_message(wallet, holder):
    WalletControl.objects.create(pk=1, withdrawals_paused=True, message="Chain upgrade tonight")
    assert _refused(holder, WithdrawalsPaused).message == "Chain upgrade tonight"


def test_more_than_the_balance_with_the_fee_is_refused(wallet, holder):
    assert "up to 499 " in _refused(holder, InsufficientFunds, amount="500").message


def test_outside_the_network_bounds_is_refused(wallet, holder):
    assert _refused(holder, InvalidAmount, amount="0.5").field == "amount"


def test_more_decimal_places_than_the_asset_has_is_refused(wallet, holder):
    assert _refused(holder, InvalidAmount, amount="1.0000001").field == "amount"


def test_a_first_withdrawal_to_a_new_address_has_a_lower_cap(wallet):
    user = make_holder(make_wallet(new_address_up_to="20"))
    assert "20" in _refused(user, OverWithdrawalLimit, amount="30").message


def test_someone_elses_address_book_entry_is_refused(wallet, holder):
    other = make_holder(wallet, address="T" + "o" * 33)
    assert _refused(holder, WithdrawalRefused, entry_id=entry_of(other).pk).field == "address"


def test_a_removed_book_entry_is_refused(wallet, holder):
    entry = entry_of(holder)
    type(entry).objects.filter(pk=entry.pk).update(removed_at=timezone.now())
    _refused(holder, WithdrawalRefused)


def test_a_second_entry_of_the_same_network_is_withdrawn_to(wallet, holder):
    book_entry(holder, wallet, address="T" + "z" * 33)
    assert ask(holder, "10").withdrawal.address == "T" + "z" * 33


def test_crypto_bought_and_still_locked_cannot_be_withdrawn(wallet):
    """T+N: 300 bought in a P2P order yesterday is locked for a day more; of 500, 200 may go."""
    from datetime import timedelta as days

    from escrow import services

    user = make_holder(wallet, balance="200")
    seller = make_holder(wallet, balance="1000", address="T" + "s" * 33)
    hold = services.hold_open(
        debit=services.account_for(owner=seller, asset=wallet.asset),
        credit=services.account_for(owner=user, asset=wallet.asset),
        amount="300",
        kind="trade",
        ref="order:T1",
        idempotency_key="order:T1:hold",
    )
    services.hold_post(
        hold_id=hold.pk, idempotency_key="order:T1:release", withdrawal_lock=days(days=1)
    )
    message = _refused(user, InsufficientFunds, amount="250").message
    assert "up to 199 " in message  # 200 less the 1 fee is all that may leave now
    assert ask(user, "199").withdrawal.amount == Decimal("199")
