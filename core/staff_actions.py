"""The hook through which any app records what a staff member did or looked at (a KYC document
viewed, data exported) in the operation log, which lives in the staff console above every app.
The console installs the recorder when it starts (riskadmin/apps.py); an app below it calls
`record_staff_action` and needs to know nothing else. With no recorder installed the call
fails: an action that must be on the record is never silently left off it."""

from __future__ import annotations

from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class StaffActionKind(models.TextChoices):
    KYC_DOCUMENT_VIEWED = "kyc_document_viewed", _("KYC document viewed")
    OPERATION_LOG_EXPORTED = "operation_log_exported", _("Operation log exported")
    CASE_RESTRICT = "case_restrict", _("Restricted from a case")
    CASE_LIFT = "case_lift", _("Restriction lifted from a case")
    CASE_FREEZE_WITHDRAWALS = "case_freeze_withdrawals", _("Withdrawals frozen from a case")
    CASE_ADS_OFFLINE = "case_ads_offline", _("Ads taken offline from a case")
    CASE_SUSPEND_MERCHANT = "case_suspend_merchant", _("Merchant suspended from a case")
    CASE_BLACKLIST = "case_blacklist", _("Blacklisted from a case")
    CASE_APPEAL_ANSWERED = "case_appeal_answered", _("Appeal answered from a case")
    MERCHANT_RISK_CONFIRMED = "merchant_risk_confirmed", _("Merchant risk action confirmed")


class StaffActionRecorder(Protocol):
    def __call__(
        self,
        *,
        actor: Any,
        action: str,
        target: models.Model | None,
        reason: str,
        request: HttpRequest | None,
    ) -> None: ...


_recorder: StaffActionRecorder | None = None


def install_staff_action_recorder(recorder: StaffActionRecorder) -> None:
    global _recorder
    _recorder = recorder


def record_staff_action(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    reason: str = "",
    request: HttpRequest | None = None,
) -> None:
    if _recorder is None:
        raise ImproperlyConfigured("No staff action recorder is installed (riskadmin).")
    _recorder(actor=actor, action=action, target=target, reason=reason, request=request)
