"""Staff never act on their own account outside the case console either: not on their own
withdrawal, not on a dispute they are a party of."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import Permission

from disputes import services as disputes
from disputes.models import Dispute, DisputeAction
from escrow.models import WithdrawalStatus
from escrow.services import NotAllowed
from escrow.services.withdrawals import withdrawal_reject
from tests.disputes.factories import Trades, disputed_order
from tests.escrow.wallet_setup import ask, make_holder, make_wallet
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_nobody_rejects_their_own_withdrawal():
    wallet = make_wallet()
    staff = make_holder(
        wallet, user=make_user(staff=True, mfa=False, perms=["escrow.review_withdrawal"])
    )
    withdrawal = ask(staff, "50").withdrawal
    with pytest.raises(NotAllowed, match="own"):
        withdrawal_reject(actor=staff, public_id=withdrawal.public_id, reason="Not today")
    withdrawal.refresh_from_db()
    assert withdrawal.status == WithdrawalStatus.REVIEW


@pytest.fixture
def party_dispute(settings, tmp_path: Path) -> Dispute:
    settings.MEDIA_ROOT = tmp_path
    settings.MAKER_FEE_RATES = {}
    return disputed_order(Trades())


def _as_staff(user):
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="disputes"))
    return type(user).objects.get(pk=user.pk)


def test_a_party_who_is_staff_may_not_note_on_their_own_dispute(party_dispute):
    seller = _as_staff(party_dispute.order.seller)
    before = DisputeAction.objects.filter(dispute=party_dispute).count()
    with pytest.raises(disputes.DisputeNotAllowed):
        disputes.dispute_note(
            actor=seller, dispute_public_id=party_dispute.public_id, text="All fine."
        )
    assert DisputeAction.objects.filter(dispute=party_dispute).count() == before


def test_a_party_who_is_staff_may_not_claim_their_own_dispute(party_dispute):
    buyer = _as_staff(party_dispute.order.buyer)
    with pytest.raises(disputes.DisputeNotAllowed):
        disputes.dispute_claim(actor=buyer, dispute_public_id=party_dispute.public_id)
    party_dispute.refresh_from_db()
    assert party_dispute.assigned_to_id is None
