"""Withdrawal locks (T+N lots): written with the post that credits a buyer, counted against
what may be withdrawn until their time passes, guarded by the database and checked by
`verify_ledger`; the wallet page shows them."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from escrow import services
from escrow.models import AccountKind, Asset, LedgerAccount, WithdrawalLock
from escrow.models.transfers import Entry, Transfer
from escrow.selectors import withdrawable, withdrawable_text
from escrow.verification import verify
from tests.concurrency import race
from tests.factories import funded_account, make_asset, make_user

pytestmark = pytest.mark.django_db
DAY = timedelta(days=1)


class Trade:
    """A seller with 10,000 of an asset and a buyer; `release` posts a hold of `amount` to the
    buyer, with a withdrawal lock when asked."""

    def __init__(self, symbol: str = "LUSD") -> None:
        self.asset: Asset = make_asset(symbol=symbol)
        self.seller = make_user()
        self.seller_account = funded_account(self.seller, self.asset, "10000")
        self.buyer: User = make_user()
        self.buyer_account = services.account_for(owner=self.buyer, asset=self.asset)
        self._n = 0

    def release(self, amount: str = "40", lock: timedelta | None = DAY) -> Transfer:
        self._n += 1
        order = f"order:{self.asset.symbol}-{self._n}"
        hold = services.hold_open(
            debit=self.seller_account,
            credit=self.buyer_account,
            amount=amount,
            kind="trade",
            ref=order,
            idempotency_key=f"{order}:hold",
        )
        services.hold_post(
            hold_id=hold.pk,
            idempotency_key=f"{order}:release",
            withdrawal_lock=lock,
        )
        return Transfer.objects.get(pending=hold, phase=Transfer.Phase.POST)

    def funds(self):
        return withdrawable(user=self.buyer, asset=self.asset)


@pytest.fixture
def trade() -> Trade:
    return Trade()


def behind_the_guard(sql: str, params: list[Any]) -> object:
    """Run `sql` on the locks table with its guard off (as a broken migration or a manual fix
    might); the first column of its first row, if it returns any."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred checks may be pending
        cursor.execute("ALTER TABLE escrow_withdrawallock DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        found = cursor.fetchone()[0] if cursor.description else None
        cursor.execute("ALTER TABLE escrow_withdrawallock ENABLE TRIGGER USER")
    return found


def let_time_pass(lock: WithdrawalLock, by: timedelta = timedelta(minutes=1)) -> None:
    """As if the lock's time had come `by` ago: locks are immutable, so the test moves the
    one row behind the guard's back."""
    behind_the_guard(
        "UPDATE escrow_withdrawallock SET unlocks_at = now() - %s WHERE id = %s", [by, lock.pk]
    )


def test_a_locked_post_writes_one_lot_of_the_credited_amount_until_a_period_after_it(trade):
    credited = trade.release("40", lock=DAY)
    lock = WithdrawalLock.objects.get()
    assert (lock.owner_id, lock.asset_id, lock.amount, lock.transfer_id, lock.ref) == (
        trade.buyer.pk,
        trade.asset.pk,
        Decimal(40),
        credited.pk,
        "order:LUSD-1",
    )
    assert lock.unlocks_at == credited.created_at + DAY


def test_a_replayed_post_returns_the_first_and_writes_no_second_lock(trade):
    credited = trade.release("40")
    hold_id = credited.pending_id
    again = services.hold_post(
        hold_id=hold_id, idempotency_key="order:LUSD-1:release", withdrawal_lock=DAY
    )
    assert again.pk == credited.entry_id
    assert WithdrawalLock.objects.count() == 1
    assert trade.funds().locked == 40


@pytest.mark.django_db(transaction=True)
def test_releases_racing_with_one_key_post_once_and_write_one_lock():
    trade = Trade()
    hold = services.hold_open(
        debit=trade.seller_account,
        credit=trade.buyer_account,
        amount="40",
        kind="trade",
        ref="order:race",
        idempotency_key="order:race:hold",
    )
    post = partial(
        services.hold_post,
        hold_id=hold.pk,
        idempotency_key="order:race:release",
        withdrawal_lock=DAY,
    )
    results = race([post] * 8)
    assert all(isinstance(r, Entry) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert WithdrawalLock.objects.count() == 1
    assert trade.funds().locked == 40
    assert verify().ok


def test_a_post_without_a_lock_writes_none(trade):
    trade.release("40", lock=None)
    assert not WithdrawalLock.objects.exists()
    assert trade.funds().withdrawable == 40


def test_a_lock_on_a_credit_that_is_not_a_persons_balance_is_refused_and_nothing_moves(trade):
    reserve = services.account_for(
        owner=trade.buyer, asset=trade.asset, kind=AccountKind.AD_RESERVE
    )
    hold = services.hold_open(
        debit=trade.seller_account,
        credit=reserve,
        amount="10",
        kind="trade",
        ref="r",
        idempotency_key="h-reserve",
    )
    with pytest.raises(services.LedgerError, match="available balance"):
        services.hold_post(hold_id=hold.pk, idempotency_key="p-reserve", withdrawal_lock=DAY)
    hold.refresh_from_db()
    assert hold.status == Transfer.Status.PENDING
    assert not WithdrawalLock.objects.exists()
    assert LedgerAccount.objects.get(pk=reserve.pk).balance == 0


def test_a_lock_of_no_time_is_refused(trade):
    with pytest.raises(services.LedgerError, match="positive time"):
        trade.release("40", lock=timedelta(0))
    assert not WithdrawalLock.objects.exists()


def test_withdrawable_is_what_may_be_spent_less_what_is_locked(trade):
    services.deposit(
        owner=trade.buyer, asset=trade.asset, amount="25", ref="d", idempotency_key="own"
    )
    trade.release("40")
    funds = trade.funds()
    assert (funds.spendable, funds.locked, funds.withdrawable) == (65, 40, 25)


def test_trading_the_bought_coins_away_leaves_nothing_withdrawable_never_less(trade):
    trade.release("40")
    other = services.account_for(owner=make_user(), asset=trade.asset)
    services.hold_open(
        debit=trade.buyer_account,
        credit=other,
        amount="30",
        kind="trade",
        ref="order:resale",
        idempotency_key="resale",
    )  # the bought coins stay usable: they go into another order's escrow at once
    funds = trade.funds()
    assert (funds.spendable, funds.locked, funds.withdrawable) == (10, 40, 0)


def test_once_its_time_has_passed_a_lock_no_longer_counts(trade):
    trade.release("40")
    assert trade.funds().withdrawable == 0
    let_time_pass(WithdrawalLock.objects.get())
    funds = trade.funds()
    assert (funds.locked, funds.withdrawable, funds.locks) == (0, 40, ())


def test_open_locks_are_listed_soonest_first_and_only_the_owners_of_that_asset(trade):
    trade.release("30", lock=timedelta(days=3))
    trade.release("20", lock=DAY)
    elsewhere = Trade(symbol="LBTC")
    elsewhere.release("5")
    funds = trade.funds()
    assert [lock.amount for lock in funds.locks] == [20, 30]
    assert funds.locks[0].unlocks_at < funds.locks[1].unlocks_at
    assert funds.next_unlock == funds.locks[0].unlocks_at
    assert withdrawable(user=trade.seller, asset=trade.asset).locks == ()


def test_someone_with_no_balance_has_nothing_to_withdraw():
    funds = withdrawable(user=make_user(), asset=make_asset())
    assert (funds.spendable, funds.locked, funds.withdrawable) == (0, 0, 0)


def test_the_withdrawal_form_sentence_says_how_much_now_and_when_the_next_unlocks(trade):
    services.deposit(
        owner=trade.buyer, asset=trade.asset, amount="5", ref="d", idempotency_key="own"
    )
    assert withdrawable_text(trade.funds()) == "You can withdraw 5 LUSD now."
    trade.release("1234.5")
    lock = WithdrawalLock.objects.get()
    with timezone.override(ZoneInfo("UTC")), translation.override("en"):
        text = withdrawable_text(trade.funds())
    assert text == (
        "You can withdraw 5 LUSD now. 1,234.5 LUSD bought in orders is locked for withdrawal; "
        f"1,234.5 LUSD of it unlocks at {lock.unlocks_at:%Y-%m-%d %H:%M} UTC."
    )


# --- the database's guard ------------------------------------------------------------------


def insert_lock(transfer: Transfer, amount: str, owner: User | None = None) -> None:
    credited = transfer.credit_account.owner
    assert credited is not None
    with transaction.atomic():
        WithdrawalLock.objects.create(
            owner=owner or credited,
            asset=transfer.asset,
            amount=Decimal(amount),
            unlocks_at=timezone.now() + DAY,
            transfer=transfer,
        )


def test_the_database_refuses_a_lock_larger_than_its_credit_or_for_someone_else(trade):
    deposit = Transfer.objects.get(credit_account=trade.seller_account)
    with pytest.raises(IntegrityError, match="withdrawal lock must rest"):
        insert_lock(deposit, "10000.000001")
    with pytest.raises(IntegrityError, match="withdrawal lock must rest"):
        insert_lock(deposit, "1", owner=trade.buyer)
    assert not WithdrawalLock.objects.exists()


def test_the_database_refuses_to_edit_or_delete_a_lock(trade):
    trade.release("40")
    lock = WithdrawalLock.objects.get()
    with pytest.raises(IntegrityError, match="immutable"), transaction.atomic():
        WithdrawalLock.objects.filter(pk=lock.pk).update(unlocks_at=timezone.now())
    with pytest.raises(IntegrityError, match="immutable"), transaction.atomic():
        WithdrawalLock.objects.filter(pk=lock.pk).delete()
    assert WithdrawalLock.objects.get().unlocks_at == lock.unlocks_at


def test_one_transfer_carries_at_most_one_lock(trade):
    credited = trade.release("40")
    with pytest.raises(IntegrityError):
        insert_lock(credited, "1")
    assert WithdrawalLock.objects.count() == 1


# --- verify_ledger -------------------------------------------------------------------------


def test_a_ledger_with_locks_verifies_and_counts_them(trade, capsys):
    trade.release("40")
    trade.release("10")
    assert verify().ok
    call_command("verify_ledger")
    out = capsys.readouterr().out
    assert "and 2 withdrawal locks." in out
    assert "Ledger verified: no discrepancies." in out


def test_verify_ledger_names_a_forged_lock_larger_than_its_transfer(trade, capsys):
    deposit = Transfer.objects.get(credit_account=trade.seller_account)
    forged = behind_the_guard(
        "INSERT INTO escrow_withdrawallock "
        "(owner_id, asset_id, amount, unlocks_at, ref, transfer_id, created_at) "
        "VALUES (%s, %s, 20000, now() + interval '1 day', '', %s, now()) RETURNING id",
        [trade.seller.pk, trade.asset.pk, deposit.pk],
    )
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_ledger")
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert (
        f"withdrawal lock #{forged} (20000 LUSD, owner {trade.seller.pk}): "
        f"transfer #{deposit.pk} moved only 10000"
    ) in err


def test_verify_ledger_names_a_lock_on_someone_elses_credit(trade):
    credited = trade.release("40")
    behind_the_guard(
        "UPDATE escrow_withdrawallock SET owner_id = %s WHERE transfer_id = %s",
        [trade.seller.pk, credited.pk],
    )
    report = verify()
    assert [p for p in report.problems if "withdrawal lock" in p] == [
        f"withdrawal lock #{WithdrawalLock.objects.get().pk} (40 LUSD, owner {trade.seller.pk}): "
        f"transfer #{credited.pk} did not credit the owner's available account"
    ]


# --- the wallet page -----------------------------------------------------------------------


def test_the_wallet_shows_what_is_locked_until_when_in_my_time_zone_and_what_i_can_withdraw(
    client, trade
):
    User.objects.filter(pk=trade.buyer.pk).update(time_zone="Asia/Hong_Kong", language="en")
    services.deposit(
        owner=trade.buyer, asset=trade.asset, amount="5", ref="d", idempotency_key="own"
    )
    trade.release("40")
    lock = WithdrawalLock.objects.get()
    client.force_login(trade.buyer)
    response = client.get(reverse("escrow:wallet"))
    assert response.status_code == 200
    html = " ".join(response.content.decode().split())
    local = timezone.localtime(lock.unlocks_at, ZoneInfo("Asia/Hong_Kong"))
    assert "Locked for withdrawal" in html
    assert f'<time datetime="{local.isoformat()}">{local:%Y-%m-%d %H:%M} HKT</time>' in html
    assert 'data-label="Withdrawable now">5<br>' in html
    assert "40 LUSD locked" in html


def test_a_reader_of_traditional_chinese_sees_the_locks_in_their_language(client, trade):
    User.objects.filter(pk=trade.buyer.pk).update(time_zone="Asia/Hong_Kong", language="zh-hant")
    trade.release("40")
    client.force_login(trade.buyer)
    html = client.get(reverse("escrow:wallet")).content.decode()
    assert "暫不可提取" in html
    assert "現可提取" in html
    assert "40 LUSD 已鎖定" in html


def test_the_wallet_without_locks_shows_no_lock_section(client, trade):
    trade.release("40", lock=None)
    client.force_login(trade.buyer)
    html = client.get(reverse("escrow:wallet")).content.decode()
    assert "Locked for withdrawal" not in html
    assert 'data-label="Withdrawable now">40<' in " ".join(html.split())


# --- the staff's view ----------------------------------------------------------------------


def test_staff_see_the_locks_still_running_read_only(client, trade):
    trade.release("40")
    trade.release("2.5")
    let_time_pass(WithdrawalLock.objects.get(amount=Decimal("2.5")))
    client.force_login(make_user(superuser=True))
    url = reverse("admin:escrow_withdrawallock_changelist")
    running = client.get(url, {"running": "yes"})
    assert running.status_code == 200
    assert list(running.context["cl"].result_list) == list(WithdrawalLock.objects.filter(amount=40))
    assert "40 LUSD" in running.content.decode()
    lock = WithdrawalLock.objects.get(amount=40)
    page = client.get(reverse("admin:escrow_withdrawallock_change", args=[lock.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
