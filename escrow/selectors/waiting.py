"""Withdrawals waiting for a reviewer, for the staff home page."""

from __future__ import annotations

from core.waiting import Waiting, waiting

from ..models import Withdrawal
from ..models.withdrawals import WithdrawalStatus


def withdrawals_waiting() -> Waiting:
    return waiting(Withdrawal.objects.filter(status=WithdrawalStatus.REVIEW), "requested_at")
