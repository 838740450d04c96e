"""Withdrawals: request (checked, held), review, send through the custody provider, follow to
the end. Every write of a withdrawal is here."""

from .freeze import FreezeLinkUsed, withdrawal_for_freeze_link, withdrawal_freeze_by_link
from .requesting import Requested, withdrawal_cancel, withdrawal_request
from .reviewing import withdrawal_approve, withdrawal_reject, withdrawal_retry
from .rules import OverWithdrawalLimit, WithdrawalRefused, WithdrawalsPaused
from .sending import withdrawal_observe, withdrawal_send, withdrawals_sweep

__all__ = [
    "FreezeLinkUsed",
    "OverWithdrawalLimit",
    "Requested",
    "WithdrawalRefused",
    "WithdrawalsPaused",
    "withdrawal_approve",
    "withdrawal_cancel",
    "withdrawal_for_freeze_link",
    "withdrawal_freeze_by_link",
    "withdrawal_observe",
    "withdrawal_reject",
    "withdrawal_request",
    "withdrawal_retry",
    "withdrawal_send",
    "withdrawals_sweep",
]
