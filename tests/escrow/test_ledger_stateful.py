"""Random sequences of ledger operations; every invariant is checked after each step."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from escrow import services
from escrow.models import AccountKind, LedgerAccount
from escrow.models.transfers import Transfer
from escrow.verification import verify
from tests.factories import make_asset, make_user, unique

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(60), places=2)
USERS = 4


class LedgerMachine(RuleBasedStateMachine):
    """A model of what each account should hold, run against the real services."""

    holds = Bundle("holds")

    @initialize()
    def setup(self) -> None:
        self.asset = make_asset(precision=2)
        self.accounts = [
            services.account_for(owner=make_user(), asset=self.asset) for _ in range(USERS)
        ]
        self.fees = services.platform_account(asset=self.asset, kind=AccountKind.FEE_INCOME)
        self.balance = {a.pk: Decimal(0) for a in [*self.accounts, self.fees]}
        self.frozen = {a.pk: Decimal(0) for a in self.accounts}
        self.keys: dict[str, tuple] = {}

    def spendable(self, account: LedgerAccount) -> Decimal:
        return self.balance[account.pk] - self.frozen[account.pk]

    @rule(who=st.integers(0, USERS - 1), amount=amounts)
    def deposit(self, who: int, amount: Decimal) -> None:
        account = self.accounts[who]
        assert account.owner is not None
        services.deposit(
            owner=account.owner,
            asset=self.asset,
            amount=amount,
            ref="d",
            idempotency_key=unique("d-"),
        )
        self.balance[account.pk] += amount

    @rule(src=st.integers(0, USERS - 1), dst=st.integers(0, USERS - 1), amount=amounts)
    def transfer(self, src: int, dst: int, amount: Decimal) -> None:
        debit, credit = self.accounts[src], self.accounts[dst]
        key = unique("t-")
        try:
            services.transfer(
                debit=debit, credit=credit, amount=amount, kind="internal", idempotency_key=key
            )
        except services.LedgerError:
            assert src == dst or self.spendable(debit) < amount
            return
        assert src != dst
        assert self.spendable(debit) >= amount
        self.balance[debit.pk] -= amount
        self.balance[credit.pk] += amount
        self.keys[key] = (debit, credit, amount)

    @rule(
        src=st.integers(0, USERS - 1), dst=st.integers(0, USERS - 1), amount=amounts, target=holds
    )
    def hold_open(self, src: int, dst: int, amount: Decimal) -> int | None:
        debit, credit = self.accounts[src], self.accounts[dst]
        try:
            hold = services.hold_open(
                debit=debit,
                credit=credit,
                amount=amount,
                kind="trade",
                ref="h",
                idempotency_key=unique("h-"),
            )
        except services.LedgerError:
            assert src == dst or self.spendable(debit) < amount
            return None
        self.frozen[debit.pk] += amount
        return hold.pk

    @rule(hold_id=consumes(holds), fee_cents=st.integers(0, 100), part=st.integers(1, 100))
    def hold_post(self, hold_id: int | None, fee_cents: int, part: int) -> None:
        if hold_id is None:
            return
        hold = Transfer.objects.get(pk=hold_id)
        fee = min(Decimal(fee_cents) / 100, hold.amount / 2).quantize(Decimal("0.01"))
        amount = ((hold.amount - fee) * part / 100).quantize(Decimal("0.01"))
        if amount <= 0:
            amount, fee = hold.amount, Decimal(0)
        services.hold_post(
            hold_id=hold_id,
            amount=amount,
            fee=fee,
            fee_account=self.fees,
            idempotency_key=f"post-{hold_id}",
        )
        self.frozen[hold.debit_account_id] -= hold.amount
        self.balance[hold.debit_account_id] -= amount + fee
        self.balance[hold.credit_account_id] += amount
        self.balance[self.fees.pk] += fee
        # a replay of the same release changes nothing
        services.hold_post(
            hold_id=hold_id,
            amount=amount,
            fee=fee,
            fee_account=self.fees,
            idempotency_key=f"post-{hold_id}",
        )

    @rule(hold_id=consumes(holds))
    def hold_void(self, hold_id: int | None) -> None:
        if hold_id is None:
            return
        hold = Transfer.objects.get(pk=hold_id)
        services.hold_void(hold_id=hold_id, idempotency_key=f"void-{hold_id}")
        self.frozen[hold.debit_account_id] -= hold.amount
        with pytest.raises(services.HoldNotOpen):
            services.hold_post(hold_id=hold_id, idempotency_key=unique("late-"))

    @rule(data=st.data())
    def replay_transfer(self, data: st.DataObject) -> None:
        if not self.keys:
            return
        key = data.draw(st.sampled_from(sorted(self.keys)))
        debit, credit, amount = self.keys[key]
        services.transfer(
            debit=debit, credit=credit, amount=amount, kind="internal", idempotency_key=key
        )
        with pytest.raises(services.IdempotencyConflict):
            services.transfer(
                debit=debit,
                credit=credit,
                amount=amount + 1,
                kind="internal",
                idempotency_key=key,
            )

    @invariant()
    def database_matches_the_model(self) -> None:
        if not hasattr(self, "asset"):
            return
        for account in LedgerAccount.objects.filter(pk__in=self.balance):
            assert account.balance == self.balance[account.pk]
            if account.pk in self.frozen:
                assert account.pending_debits == self.frozen[account.pk]
                assert account.spendable >= 0
        report = verify()
        assert report.ok, report.problems


@pytest.mark.django_db
def test_random_operation_sequences_keep_every_invariant():
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(
            max_examples=40,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
