"""Random sequences of ad operations for one merchant and one asset; after every step the
reservation rule holds: the ad-reserve account's spendable balance equals the sum of the
remainders of the merchant's online sell ads, the available balance never goes below zero, and
the ledger verifies.

Orders are modelled as the orders app will run them: taking from a sell ad freezes the amount
from the ad reserve (a hold to the buyer); a cancel voids the hold and gives the amount back to
the ad; a release posts the hold and leaves the ad alone."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from ads import services
from ads.models import Ad, AdStatus, Side
from core.locks import LockKind, lock_one
from escrow import services as ledger
from escrow.models import AccountKind
from escrow.models.transfers import Transfer
from escrow.verification import verify
from tests.ads.factories import Setup
from tests.factories import make_user, unique

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(300), places=2)
MAX_ADS = 6
FUNDS = Decimal(500)


@dataclass
class ModelAd:
    pk: int
    side: str
    total: Decimal
    remaining: Decimal
    status: str = AdStatus.OFFLINE

    @property
    def taken(self) -> Decimal:
        return self.total - self.remaining

    @property
    def reserved(self) -> Decimal:
        return self.remaining if self.side == Side.SELL and self.status == "online" else Decimal(0)


@dataclass
class ModelOrder:
    ad: ModelAd
    amount: Decimal
    hold: Transfer | None


class ReservationMachine(RuleBasedStateMachine):
    @initialize()
    def setup(self) -> None:
        self.s = Setup(funds=str(FUNDS), precision=2)
        self.buyer = make_user()
        self.ads: list[ModelAd] = []
        self.orders: list[ModelOrder] = []
        self.available = FUNDS
        self.bought = Decimal(0)

    def pick(self, index: int) -> ModelAd:
        return self.ads[index % len(self.ads)]

    def has_ads(self) -> bool:
        return bool(self.ads)

    # --- the merchant -------------------------------------------------------------------------

    @precondition(lambda self: len(self.ads) < MAX_ADS)
    @rule(side=st.sampled_from([Side.SELL, Side.BUY]), total=amounts)
    def create(self, side: str, total: Decimal) -> None:
        ad = self.s.ad(side, total_quantity=total, min_order_fiat=Decimal(1))
        assert ad.status == AdStatus.OFFLINE
        self.ads.append(ModelAd(pk=ad.pk, side=side, total=total, remaining=total))

    @precondition(has_ads)
    @rule(index=st.integers(0, MAX_ADS - 1))
    def go_online(self, index: int) -> None:
        ad = self.pick(index)
        need = ad.remaining if ad.side == Side.SELL and ad.status == "offline" else Decimal(0)
        refuse = ad.status == "closed" or (
            ad.status == "offline" and (ad.remaining == 0 or need > self.available)
        )
        try:
            services.ad_go_online(actor=self.s.user, ad_id=ad.pk)
        except services.AdError:
            assert refuse, "refused a publish the model allows"
            return
        assert not refuse, "published what the model refuses"
        ad.status = "online"
        self.available -= need

    @precondition(has_ads)
    @rule(index=st.integers(0, MAX_ADS - 1))
    def go_offline(self, index: int) -> None:
        ad = self.pick(index)
        try:
            services.ad_go_offline(actor=self.s.user, ad_id=ad.pk)
        except services.AdError:
            assert ad.status == "closed"
            return
        self.available += ad.reserved
        ad.status = "offline"

    @precondition(has_ads)
    @rule(index=st.integers(0, MAX_ADS - 1))
    def close(self, index: int) -> None:
        ad = self.pick(index)
        try:
            services.ad_close(actor=self.s.user, ad_id=ad.pk)
        except services.AdError:
            assert ad.status == "closed"
            return
        self.available += ad.reserved
        ad.status = "closed"

    @precondition(has_ads)
    @rule(index=st.integers(0, MAX_ADS - 1), total=amounts)
    def set_total_quantity(self, index: int, total: Decimal) -> None:
        ad = self.pick(index)
        new_remaining = total - ad.taken
        online_sell = ad.side == Side.SELL and ad.status == "online"
        delta = new_remaining - ad.remaining if online_sell else Decimal(0)
        refuse = ad.status == "closed" or total < ad.taken or delta > self.available
        try:
            services.ad_set_total_quantity(actor=self.s.user, ad_id=ad.pk, total=total)
        except services.AdError:
            assert refuse, "refused a new total the model allows"
            return
        assert not refuse, "accepted a total the model refuses"
        ad.total, ad.remaining = total, new_remaining
        self.available -= delta

    @rule(amount=amounts)
    def deposit(self, amount: Decimal) -> None:
        ledger.deposit(
            owner=self.s.user,
            asset=self.s.asset,
            amount=amount,
            ref="test",
            idempotency_key=unique("deposit-"),
        )
        self.available += amount

    # --- orders -------------------------------------------------------------------------------

    @precondition(has_ads)
    @rule(index=st.integers(0, MAX_ADS - 1), amount=amounts)
    def take(self, index: int, amount: Decimal) -> None:
        ad = self.pick(index)
        refuse = ad.status != "online" or amount > ad.remaining
        try:
            with transaction.atomic():
                taken = services.ad_take(ad_id=ad.pk, amount=amount)
                hold = None
                if taken.side == Side.SELL:
                    owner = self.s.user
                    hold = ledger.hold_open(
                        debit=ledger.account_for(
                            owner=owner, asset=self.s.asset, kind=AccountKind.AD_RESERVE
                        ),
                        credit=ledger.account_for(owner=self.buyer, asset=self.s.asset),
                        amount=amount,
                        kind="trade",
                        ref=unique("order:"),
                        idempotency_key=unique("hold-"),
                    )
        except services.AdError:
            assert refuse, "refused an order the model allows"
            return
        assert not refuse, "took what the model refuses"
        ad.remaining -= amount
        self.orders.append(ModelOrder(ad=ad, amount=amount, hold=hold))

    @precondition(lambda self: bool(self.orders))
    @rule(index=st.integers(0, 50))
    def cancel_order(self, index: int) -> None:
        order = self.orders.pop(index % len(self.orders))
        with transaction.atomic():  # as the orders app cancels: the ad, then the escrow
            lock_one(LockKind.AD, Ad.objects.filter(pk=order.ad.pk))
            if order.hold is not None:
                available = ledger.account_for(owner=self.s.user, asset=self.s.asset)
                held = ledger.lock_set(holds=[order.hold.pk], accounts=[available])
                ledger.lock_for_moves(held)
                ledger.hold_void(hold_id=order.hold.pk, idempotency_key=unique("void-"))
            services.ad_give_back(ad_id=order.ad.pk, amount=order.amount)
        ad = order.ad
        was_reserved = ad.reserved
        ad.remaining += order.amount
        if ad.side == Side.SELL and ad.status != "online":
            self.available += order.amount  # the ad no longer reserves: back to available
        assert ad.reserved - was_reserved in (0, order.amount)

    @precondition(lambda self: bool(self.orders))
    @rule(index=st.integers(0, 50))
    def release_order(self, index: int) -> None:
        order = self.orders.pop(index % len(self.orders))
        if order.hold is not None:
            ledger.hold_post(hold_id=order.hold.pk, idempotency_key=unique("post-"))
            self.bought += order.amount

    # --- what must always hold ----------------------------------------------------------------

    @invariant()
    def reservation_matches_online_sell_ads(self) -> None:
        if not hasattr(self, "s"):
            return
        user, asset = self.s.user, self.s.asset
        rows = {ad.pk: ad for ad in Ad.objects.filter(merchant__user=user, asset=asset)}
        assert len(rows) == len(self.ads)
        for model in self.ads:
            row = rows[model.pk]
            assert (row.status, row.total_quantity, row.remaining_quantity) == (
                model.status,
                model.total,
                model.remaining,
            )
        online_sell = sum(
            (
                ad.remaining_quantity
                for ad in rows.values()
                if ad.side == Side.SELL and ad.status == AdStatus.ONLINE
            ),
            Decimal(0),
        )
        reserve = ledger.account_for(owner=user, asset=asset, kind=AccountKind.AD_RESERVE)
        assert reserve.spendable == online_sell
        frozen = sum((o.amount for o in self.orders if o.hold is not None), Decimal(0))
        assert reserve.pending_debits == frozen
        available = ledger.account_for(owner=user, asset=asset, kind=AccountKind.AVAILABLE)
        assert available.spendable == self.available
        assert available.spendable >= 0
        bought = ledger.account_for(owner=self.buyer, asset=asset).spendable
        assert bought == self.bought
        report = verify()
        assert report.ok, report.problems


@pytest.mark.django_db
def test_random_ad_operations_keep_the_reservation_rule() -> None:
    run_state_machine_as_test(
        ReservationMachine,
        settings=settings(
            max_examples=30,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
