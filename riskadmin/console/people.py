"""The 360 view of one person: everything staff need on one screen, each part read through the
app that owns it. Viewing KYC documents stays in the admin, which puts each view on record."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from allauth.usersessions.models import UserSession

from accounts.models import LoginRecord, SecurityEvent, User
from accounts.models.kyc import KycLevel
from accounts.selectors import kyc_latest_submissions, kyc_level
from accounts.selectors.appeals import RestrictionRow, restriction_rows
from accounts.selectors.linked import Link, linked_accounts
from accounts.selectors.staff_view import (
    MaskedMethod,
    login_history,
    open_sessions,
    payment_methods_masked,
    security_record,
)
from disputes.models import Dispute
from disputes.selectors.staff_view import disputes_involving
from escrow.selectors import WalletLine, wallet_for_user
from escrow.selectors.withdrawals import withdrawals_of
from merchants.models import Merchant
from merchants.selectors import merchant_for_user
from orders.models import Order
from orders.selectors import orders_for_user
from risk.cases.models import Case
from risk.cases.selectors import cases_for_user

RECENT = 10


@dataclass(frozen=True)
class PersonView:
    person: User
    merchant: Merchant | None
    kyc_level: int
    kyc_level_label: str
    kyc_submissions: list[Any]
    restrictions: list[RestrictionRow]
    logins: list[LoginRecord]
    sessions: list[UserSession]
    events: list[SecurityEvent]
    payment_methods: list[MaskedMethod]
    orders: list[Order]
    disputes: list[Dispute]
    withdrawals: list[Any]
    balances: list[WalletLine]
    linked: list[Link]
    cases: list[Case]


def person_view(*, person: User) -> PersonView:
    level = kyc_level(user=person)
    return PersonView(
        person=person,
        merchant=merchant_for_user(user=person),
        kyc_level=level,
        kyc_level_label=str(KycLevel(level).label),
        kyc_submissions=[s for _level, s in sorted(kyc_latest_submissions(user=person).items())],
        restrictions=restriction_rows(user=person),
        logins=login_history(user=person),
        sessions=open_sessions(user=person),
        events=security_record(user=person),
        payment_methods=payment_methods_masked(user=person),
        orders=list(orders_for_user(user=person).select_related("asset", "fiat")[:RECENT]),
        disputes=disputes_involving(user=person, limit=RECENT),
        withdrawals=withdrawals_of(user=person, limit=RECENT),
        balances=wallet_for_user(user=person),
        linked=linked_accounts(user=person, days=90),
        cases=cases_for_user(user=person),
    )
