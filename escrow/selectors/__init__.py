"""Reads of the ledger for pages and other apps, scoped to who may see them, and of the price
indexes (`prices`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Q, QuerySet

from accounts.models import User
from core.money import format_amount

from ..models import (
    AccountKind,
    Asset,
    Deposit,
    DepositAddress,
    LedgerAccount,
    Network,
    WithdrawalAddress,
)
from ..models.transfers import Transfer
from .locks import (  # noqa: F401
    OpenLock,
    Withdrawable,
    withdrawable,
    withdrawable_by_asset,
    withdrawable_text,
)

# Price indexes: reference data about the assets, read by ads and orders and by the wallet's
# limits; in their own module, named here like every other read of escrow.
from .prices import (  # noqa: F401
    fresh_index_prices,
    index_fresh_at,
    index_is_fresh,
    price_index_for,
    price_indexes_by_pair,
    price_indexes_enabled,
    value_in,
    value_in_many,
)


@dataclass(frozen=True)
class WalletLine:
    asset: Asset
    available: Decimal
    frozen: Decimal

    @property
    def total(self) -> Decimal:
        return self.available + self.frozen


def asset_list_enabled() -> QuerySet[Asset]:
    return Asset.objects.filter(enabled=True).order_by("symbol")


def wallet_for_user(*, user: User) -> list[WalletLine]:
    """Each enabled asset with what the user can spend and what is frozen.

    Frozen = holds open on the available balance (orders in escrow) + ad reservations +
    merchant collateral.
    """
    accounts = LedgerAccount.objects.filter(owner=user).select_related("asset")
    available: dict[int, Decimal] = {}
    frozen: dict[int, Decimal] = {}
    for account in accounts:
        zero = Decimal(0)
        if account.kind == AccountKind.AVAILABLE:
            available[account.asset_id] = account.spendable
            frozen[account.asset_id] = frozen.get(account.asset_id, zero) + account.pending_debits
        else:
            frozen[account.asset_id] = frozen.get(account.asset_id, zero) + account.balance
    return [
        WalletLine(
            asset=asset,
            available=available.get(asset.pk, Decimal(0)),
            frozen=frozen.get(asset.pk, Decimal(0)),
        )
        for asset in asset_list_enabled()
    ]


def statement_for_user(
    *,
    user: User,
    asset: str | None = None,
    kind: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[Transfer]:
    """The user's fund flows, newest first: every transfer touching one of their accounts.

    A hold shows while it is open (frozen on the paying side, pending on the receiving side,
    where it is not money yet); once ended, its post / void rows tell the story.
    """
    transfers = (
        Transfer.objects.filter(
            # a returned hold concerns only the side whose funds were frozen
            Q(debit_account__owner=user)
            | (Q(credit_account__owner=user) & ~Q(phase=Transfer.Phase.VOID))
        )
        # an ended hold is told by its post / void rows; an open one shows as frozen
        .exclude(phase=Transfer.Phase.PENDING, status__in=["posted", "voided"])
        .select_related("asset", "debit_account", "credit_account")
        .order_by("-created_at", "-id")
    )
    if asset:
        transfers = transfers.filter(asset__symbol=asset)
    if kind:
        transfers = transfers.filter(kind=kind)
    if date_from:
        transfers = transfers.filter(created_at__date__gte=date_from)
    if date_to:
        transfers = transfers.filter(created_at__date__lte=date_to)
    return transfers


@dataclass(frozen=True)
class HoldView:
    """An escrow hold as other apps see it: how much of what, and whether it is still open."""

    pk: int
    amount: Decimal
    asset: Asset
    status: str
    status_display: str

    @property
    def is_open(self) -> bool:
        return self.status == Transfer.Status.PENDING


def _hold_view(hold: Transfer) -> HoldView:
    return HoldView(
        pk=hold.pk,
        amount=hold.amount,
        asset=hold.asset,
        status=hold.status,
        status_display=hold.get_status_display(),
    )


def hold_view(*, hold_id: int | None) -> HoldView | None:
    """The hold `hold_id` (a merchant's collateral, an order's escrow), or None."""
    if hold_id is None:
        return None
    hold = (
        Transfer.objects.select_related("asset")
        .filter(pk=hold_id, phase=Transfer.Phase.PENDING)
        .first()
    )
    return _hold_view(hold) if hold is not None else None


@dataclass(frozen=True)
class MovedAmount:
    amount: Decimal
    asset: Asset


def moved_by_key(*, idempotency_key: str) -> MovedAmount | None:
    """What the ledger call recorded under `idempotency_key` moved (its first transfer), so a
    caller can recognise a request it already made; None when there was no such call."""
    found = (
        Transfer.objects.select_related("asset")
        .filter(entry__idempotency_key=idempotency_key)
        .order_by("pk")
        .first()
    )
    return MovedAmount(amount=found.amount, asset=found.asset) if found is not None else None


@dataclass(frozen=True)
class EscrowLine:
    """One ledger row of an order's escrow, for the staff's case screen."""

    text: str
    is_hold: bool
    created_at: datetime


def escrow_lines(*, ref: str, hold_id: int | None) -> list[EscrowLine]:
    """Every transfer under `ref` and every row of the hold `hold_id`, oldest first."""
    rows = Q(ref=ref)
    if hold_id is not None:
        rows |= Q(pk=hold_id) | Q(pending_id=hold_id)
    transfers = (
        Transfer.objects.filter(rows)
        .select_related(
            "asset",
            "debit_account__owner",
            "debit_account__asset",
            "credit_account__owner",
            "credit_account__asset",
        )
        .order_by("id")
        .distinct()
    )
    return [
        EscrowLine(
            text=(
                f"#{t.pk} {t.get_phase_display()} {format_amount(t.amount)} {t.asset.symbol}: "
                f"{t.debit_account} → {t.credit_account} ({t.get_status_display().lower()})"
            ),
            is_hold=t.pk == hold_id,
            created_at=t.created_at,
        )
        for t in transfers
    ]


@dataclass(frozen=True)
class StatementLine:
    """One transfer as its owner reads it: which way the money went, and from / to where."""

    transfer: Transfer
    # "in", "out", "moved", "frozen", "unfrozen", or "pending": an open hold on the receiving
    # side, not the receiver's money until it is released
    direction: str
    account_label: str

    @property
    def signed_amount(self) -> Decimal:
        return -self.transfer.amount if self.direction == "out" else self.transfer.amount


def statement_line(*, transfer: Transfer, user: User) -> StatementLine:
    debit, credit = transfer.debit_account, transfer.credit_account
    mine_debit, mine_credit = debit.owner_id == user.pk, credit.owner_id == user.pk
    if transfer.phase == Transfer.Phase.PENDING:
        direction = "frozen" if mine_debit else "pending"
    elif transfer.phase == Transfer.Phase.VOID:
        direction = "unfrozen"
    elif mine_debit and mine_credit:
        direction = "moved"
    else:
        direction = "out" if mine_debit else "in"
    if direction == "moved":
        label = f"{debit.get_kind_display()} → {credit.get_kind_display()}"
    else:
        label = (debit if mine_debit else credit).get_kind_display()
    return StatementLine(transfer=transfer, direction=direction, account_label=label)


def deposit_networks() -> list[Network]:
    """Networks open for deposits, of enabled assets, by asset then name."""
    return list(
        Network.objects.select_related("asset")
        .filter(deposits_enabled=True, asset__enabled=True)
        .order_by("asset__symbol", "name")
    )


def deposit_address_of(*, user: User, network: Network) -> DepositAddress | None:
    """The user's own address on the network; nobody else's is ever returned."""
    return DepositAddress.objects.filter(user=user, network=network).first()


def deposits_of(*, user: User, limit: int = 10) -> list[Deposit]:
    """The user's latest deposits, newest first, with what each waits for."""
    return list(
        Deposit.objects.select_related("network__asset")
        .filter(address__user=user)
        .order_by("-detected_at", "-pk")[:limit]
    )


def address_book_of(*, user: User) -> list[WithdrawalAddress]:
    """The user's own address-book entries, with their networks."""
    return list(
        WithdrawalAddress.objects.select_related("network__asset").filter(
            user=user, removed_at__isnull=True
        )
    )


def address_book_entry(*, user: User, entry_id: int) -> WithdrawalAddress | None:
    """One of the user's own entries; another's is not found."""
    return (
        WithdrawalAddress.objects.select_related("network__asset")
        .filter(pk=entry_id, user=user, removed_at__isnull=True)
        .first()
    )


def withdrawal_networks() -> list[Network]:
    return list(Network.objects.select_related("asset").filter(asset__enabled=True))
