"""Alerts and staff for the case tests."""

from __future__ import annotations

from typing import Any

from risk.cases.models import Case
from risk.cases.selectors import open_case_for
from risk.engine import Hit, report
from risk.models import Alert
from risk.rules import Outcome
from tests.factories import make_user
from tests.risk.engine_helpers import rule_class

SCAN_RULE = rule_class("case_scan_test", Outcome.REVIEW)

WORKER_PERMS = (
    "risk.view_case",
    "risk.change_case",
    "accounts.add_restriction",
    "accounts.change_restriction",
    "ads.change_ad",
    "merchants.change_merchant",
    "risk.add_blacklistentry",
)


def alert_for(user: Any, *, outcome: Outcome = Outcome.REVIEW, subject: str = "") -> Alert:
    """A new alert on `user` (a scan's report, one per subject)."""
    from tests.factories import unique

    alert = report(
        rule=SCAN_RULE,
        user_id=user.pk,
        subject=subject or unique("scan:"),
        hit=Hit(outcome, f"seen {int(outcome)} against 1"),
    )
    assert alert is not None
    return alert


def worker(**kwargs: Any) -> Any:
    """Staff who work cases and may take every action from one."""
    return make_user(staff=True, perms=WORKER_PERMS, **kwargs)


def viewer() -> Any:
    return make_user(staff=True, perms=["risk.view_case"])


def the_case(user: Any) -> Case:
    """The person's open case, which the test expects to be there."""
    case = open_case_for(user=user)
    assert case is not None
    return case
