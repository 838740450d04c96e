"""Applying: requirements, collateral frozen in the ledger, refusals that change nothing,
withdrawal."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from allauth.mfa.models import Authenticator
from django.utils import timezone

from accounts.models import User
from escrow.models import AccountKind, LedgerAccount
from escrow.models.transfers import Transfer
from merchants.models import ApplicationStatus, MerchantApplication
from merchants.services import (
    CollateralUnavailable,
    MerchantInvalid,
    MerchantNotAllowed,
    RequirementsNotMet,
    merchant_apply,
    merchant_withdraw_application,
)
from tests.escrow.ledger_state import assert_ledger_verifies, snapshot
from tests.factories import funded_account, make_asset, make_user

from .helpers import available, eligible_user, fiat, hold_of, program, submit, tier

pytestmark = pytest.mark.django_db


def _nothing_changed(before: dict[str, object]) -> None:
    assert snapshot() == before
    assert not MerchantApplication.objects.exists()


def test_apply_freezes_exactly_the_collateral(gold):
    user = eligible_user(funds="1500", asset=gold.collateral_asset)
    application = submit(user, gold, name="Harbour Desk")

    assert application.status == ApplicationStatus.PENDING
    hold = hold_of(application)
    assert hold.is_open_hold
    assert hold.amount == Decimal("1000")
    assert hold.kind == "collateral"
    assert hold.ref == f"merchant-application:{application.pk}"
    assert hold.debit_account == available(user, gold.collateral_asset)
    assert hold.credit_account.kind == AccountKind.COLLATERAL
    assert hold.credit_account.owner == user
    wallet = available(user, gold.collateral_asset)
    assert (wallet.balance, wallet.pending_debits, wallet.spendable) == (1500, 1000, 500)
    assert list(application.assets.all()) == [gold.collateral_asset]
    assert [f.code for f in application.fiats.all()] == ["HKD"]
    assert_ledger_verifies()


@pytest.mark.parametrize(
    ("setup", "named"),
    [
        ("no_kyc", "Identity verification level 1 or higher (you have level 0)"),
        ("young", "An account at least 7 days old (yours is 0 days old)"),
        ("no_2fa", "Two-factor authentication turned on (off)"),
        ("orders", "At least 5 completed orders (you have completed 0)"),
    ],
)
def test_unmet_requirements_are_named_and_nothing_changes(gold, setup, named):
    user = eligible_user(funds="5000", asset=gold.collateral_asset)
    if setup == "no_kyc":
        user.kyc_submissions.all().delete()
    elif setup == "young":
        User.objects.filter(pk=user.pk).update(date_joined=timezone.now())
        user.refresh_from_db()
    elif setup == "no_2fa":
        Authenticator.objects.filter(user=user).delete()
    else:
        program(min_completed_orders=5)
    before = snapshot()
    with pytest.raises(RequirementsNotMet) as refused:
        submit(user, gold)
    assert named in refused.value.message
    assert refused.value.message.startswith("You do not meet every requirement yet:")
    _nothing_changed(before)


def test_two_fa_is_not_asked_when_the_program_does_not_require_it(gold):
    program(require_2fa=False)
    user = eligible_user(funds="1000", asset=gold.collateral_asset)
    Authenticator.objects.filter(user=user).delete()
    assert submit(user, gold).status == ApplicationStatus.PENDING


def test_insufficient_funds_say_how_much_is_needed_and_change_nothing(gold):
    user = eligible_user(funds="999.5", asset=gold.collateral_asset)
    before = snapshot()
    with pytest.raises(CollateralUnavailable) as refused:
        submit(user, gold)
    assert refused.value.message == (
        "You need 1,000 USDT available for the Gold collateral; you have 999.5 USDT."
    )
    _nothing_changed(before)


def test_no_account_at_all_is_refused_and_leaves_no_empty_account(gold):
    user = eligible_user()
    before = snapshot()
    with pytest.raises(CollateralUnavailable, match="You need 1,000 USDT available"):
        submit(user, gold)
    _nothing_changed(before)
    assert not LedgerAccount.objects.filter(owner=user).exists()


def test_a_second_pending_application_is_refused(gold):
    user = eligible_user(funds="5000", asset=gold.collateral_asset)
    submit(user, gold)
    before = snapshot()
    with pytest.raises(MerchantNotAllowed, match="already have an application waiting"):
        submit(user, gold)
    assert snapshot() == before
    assert MerchantApplication.objects.filter(user=user).count() == 1


def test_display_names_are_unique_whatever_the_case(gold):
    first = eligible_user(funds="5000", asset=gold.collateral_asset)
    second = eligible_user(funds="5000", asset=gold.collateral_asset)
    submit(first, gold, name="Harbour Desk")
    before = snapshot()
    with pytest.raises(MerchantInvalid) as refused:
        submit(second, gold, name="  harbour   DESK ")
    assert refused.value.errors == {
        "display_name": "The name “harbour DESK” is already taken; choose another."
    }
    assert snapshot() == before


def test_fields_are_checked_before_anything_is_written(gold):
    user = eligible_user(funds="5000", asset=gold.collateral_asset)
    disabled = make_asset(symbol="OLD")
    disabled.enabled = False
    disabled.save()
    gold.enabled = False
    gold.save()
    before = snapshot()
    with pytest.raises(MerchantInvalid) as refused:
        merchant_apply(
            actor=user, display_name="x", contact=" ", tier=gold, assets=[disabled], fiats=[]
        )
    assert set(refused.value.errors) == {"display_name", "contact", "tier", "assets", "fiats"}
    assert snapshot() == before


def test_an_existing_merchant_cannot_apply(gold):
    from .helpers import merchant

    existing = merchant(gold)
    funded_account(existing.user, gold.collateral_asset, "5000")
    with pytest.raises(MerchantNotAllowed, match="already a merchant"):
        submit(existing.user, gold)


def test_withdraw_returns_the_collateral(gold):
    user = eligible_user(funds="1000", asset=gold.collateral_asset)
    application = submit(user, gold)
    assert available(user, gold.collateral_asset).spendable == 0

    merchant_withdraw_application(actor=user, application=application)

    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    assert hold_of(application).status == Transfer.Status.VOIDED
    assert available(user, gold.collateral_asset).spendable == 1000
    assert_ledger_verifies()
    # and a new application may follow
    assert submit(user, gold).status == ApplicationStatus.PENDING


def test_only_the_applicant_withdraws_and_only_while_pending(gold):
    user = eligible_user(funds="1000", asset=gold.collateral_asset)
    application = submit(user, gold)
    before = snapshot()
    with pytest.raises(MerchantNotAllowed, match="Only the applicant"):
        merchant_withdraw_application(actor=make_user(), application=application)
    assert snapshot() == before
    merchant_withdraw_application(actor=user, application=application)
    before = snapshot()
    with pytest.raises(MerchantNotAllowed, match="already withdrawn"):
        merchant_withdraw_application(actor=user, application=application)
    assert snapshot() == before


def test_account_age_counts_whole_days(gold):
    program(min_account_age_days=3)
    user = eligible_user(funds="1000", asset=gold.collateral_asset)
    User.objects.filter(pk=user.pk).update(date_joined=timezone.now() - timedelta(days=2, hours=23))
    user.refresh_from_db()
    with pytest.raises(RequirementsNotMet, match="yours is 2 days old"):
        submit(user, gold)


def test_other_tiers_freeze_their_own_asset_and_amount(program):
    btc = make_asset(symbol="BTCX", precision=8)
    silver = tier(btc, "0.5", name="Silver", limits={"USD": "1000"})
    user = eligible_user(funds="0.75", asset=btc)
    application = merchant_apply(
        actor=user,
        display_name="Bitdesk",
        contact="phone",
        tier=silver,
        assets=[btc],
        fiats=[fiat("USD")],
    )
    assert hold_of(application).amount == Decimal("0.5")
    assert available(user, btc).spendable == Decimal("0.25")
