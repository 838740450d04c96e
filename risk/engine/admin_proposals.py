"""Rule change proposals for staff: what is proposed beside what the rule runs with now, and
the Approve… / Reject… buttons for another staff member (core/four_eyes.py)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from accounts.models import User
from core.review_admin import ProposalAdmin

from .models import RuleSetting, RuleSettingProposal
from .services import APPROVE_RULE_CHANGE, rule_setting_approve, rule_setting_reject


def _staff(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@admin.register(RuleSettingProposal)
class RuleSettingProposalAdmin(ProposalAdmin[RuleSettingProposal]):
    approve_permission = APPROVE_RULE_CHANGE
    list_display = ("id", "proposed_at", "code", "mode", "proposed_by", "status")
    list_filter = ("status", "code")
    list_select_related = ("proposed_by",)
    readonly_fields = (
        "code",
        "mode",
        "shown_params",
        "base_version",
        "reason",
        "status",
        "proposed_by",
        "proposed_at",
        "decided_by",
        "decided_at",
        "decision_reason",
        "decide",
    )
    fields = readonly_fields

    @admin.display(description=gettext_lazy("parameters"))
    def shown_params(self, obj: RuleSettingProposal) -> str:
        return json.dumps(obj.params)

    def summary_rows(self, obj: RuleSettingProposal) -> list[tuple[Any, Any]]:
        setting = RuleSetting.objects.filter(code=obj.code).first()
        before = "-" if setting is None else f"{setting.mode} {json.dumps(setting.params)}"
        return [
            (gettext_lazy("rule"), obj.code),
            (gettext_lazy("now"), before),
            (gettext_lazy("proposed"), f"{obj.mode} {json.dumps(obj.params)}"),
        ]

    def approve_object(self, request: HttpRequest, obj: RuleSettingProposal) -> None:
        rule_setting_approve(actor=_staff(request), proposal_id=obj.pk)

    def reject_object(self, request: HttpRequest, obj: RuleSettingProposal, reason: str) -> None:
        rule_setting_reject(actor=_staff(request), proposal_id=obj.pk, reason=reason)
