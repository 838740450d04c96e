"""The periodic scan of shared identities: payment accounts saved by several users, and
browsers several accounts logged in from. Each person on a shared value gets one alert per
value (`report` does not repeat an open one), in the mode of the rule the value belongs to."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from accounts.selectors.linked import (
    SharedValue,
    mask_device,
    shared_devices,
    shared_payment_accounts,
)

from .engine import Hit, report
from .engine.catalogue.identity import SharedDeviceOrIp, SharedPaymentAccount
from .engine.deciding import rule_setting
from .rules import Outcome


@dataclass(frozen=True)
class ScanResult:
    values: int  # shared values seen
    alerts: int  # alerts written (not counting those already open)


def _subject(shared: SharedValue) -> str:
    tail = shared.value[-16:] if shared.how == "payment_account" else shared.value[:16]
    return f"{shared.how}:{tail}"


def _explanation(shared: SharedValue, others: int) -> str:
    if shared.how == "payment_account":
        return _("Periodic scan: the same payment account is saved by %(count)d other users") % {
            "count": others
        }
    return _("Periodic scan: %(count)d other accounts logged in from browser %(device)s") % {
        "count": others,
        "device": mask_device(shared.value),
    }


def scan_shared_identities() -> ScanResult:
    _mode, device_params = rule_setting(SharedDeviceOrIp)
    _mode, account_params = rule_setting(SharedPaymentAccount)
    groups = [
        (SharedPaymentAccount, account_params["min_others"], shared)
        for shared in shared_payment_accounts()
    ] + [
        (SharedDeviceOrIp, device_params["min_others"], shared)
        for shared in shared_devices(days=device_params["days"])
    ]
    alerts = 0
    for rule, min_others, shared in groups:
        others = len(shared.user_ids) - 1
        if others < min_others:
            continue
        hit = Hit(Outcome.REVIEW, _explanation(shared, others))
        for user_id in shared.user_ids:
            if report(rule=rule, user_id=user_id, subject=_subject(shared), hit=hit) is not None:
                alerts += 1
    return ScanResult(values=len(groups), alerts=alerts)
