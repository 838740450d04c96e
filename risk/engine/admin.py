"""Staff tune the rules: each rule's mode and parameters (validated against what the rule
declares, every change with a reason on the append-only record), the alerts the rules raise
(closed with a label the rule's figures count), and per-person snoozes."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User

from .base import REGISTRY, rule_choices
from .models import (
    Alert,
    AlertLabel,
    Mode,
    RuleSetting,
    RuleSettingChange,
    RuleSnooze,
)
from .params import clean
from .selectors import rule_figures
from .services import (
    alert_close,
    rule_setting_propose,
    rule_snooze,
)


def _staff(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _signed(change: RuleSettingChange) -> str:
    if change.approved_by_id is None:
        return str(change.changed_by)
    return _("%(proposer)s, approved by %(approver)s") % {
        "proposer": change.changed_by,
        "approver": change.approved_by,
    }


class RuleSettingForm(forms.ModelForm[RuleSetting]):
    code = forms.ChoiceField(label=gettext_lazy("rule"), choices=rule_choices)
    params = forms.CharField(
        label=gettext_lazy("parameters"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=gettext_lazy(
            'JSON, e.g. {"days": 3, "max_fiat": {"HKD": "20000"}}; a parameter left out keeps '
            "its default."
        ),
    )
    reason = forms.CharField(
        label=gettext_lazy("reason"),
        min_length=5,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text=gettext_lazy("Why this change; kept on the rule's record."),
    )

    class Meta:
        model = RuleSetting
        fields = ["code", "mode", "params"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["params"] = json.dumps(self.instance.params)

    def clean_params(self) -> dict[str, Any]:
        text = (self.cleaned_data.get("params") or "").strip() or "{}"
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as error:
            raise ValidationError(_("The parameters are not valid JSON.")) from error
        rule = REGISTRY.get(self.cleaned_data.get("code") or self.instance.code)
        return clean(rule.params, raw) if rule is not None else raw


class ModeChangeForm(forms.Form):
    mode = forms.ChoiceField(label=gettext_lazy("mode"), choices=Mode.choices)
    reason = forms.CharField(
        label=gettext_lazy("reason"), min_length=5, widget=forms.Textarea(attrs={"rows": 2})
    )


@admin.register(RuleSetting)
class RuleSettingAdmin(admin.ModelAdmin[RuleSetting]):
    form = RuleSettingForm
    list_display = ("code", "title", "mode", "version", "changed_by", "changed_at")
    list_filter = ("mode",)
    actions = ("change_mode",)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("code", "mode", "params", "reason", "declared", "figures", "history")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fixed = ("code",) if obj is not None else ()
        return (*fixed, "declared", "figures", "history")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # switch a rule off instead: its record stays

    @admin.display(description=gettext_lazy("title"))
    def title(self, obj: RuleSetting) -> str:
        rule = REGISTRY.get(obj.code)
        return str(rule.title) if rule else _("(no longer in the code)")

    @admin.display(description=gettext_lazy("declared parameters"))
    def declared(self, obj: RuleSetting) -> str:
        rule = REGISTRY.get(obj.code)
        if rule is None or not rule.params:
            return "-"
        return format_html_join(
            "",
            "<div><code>{}</code> ({}): {} {} <em>{}</em></div>",
            (
                (p.name, p.kind.value, p.help, p.bounds_text(), p.to_json(p.default_value()))
                for p in rule.params
            ),
        )

    @admin.display(description=gettext_lazy("figures"))
    def figures(self, obj: RuleSetting) -> str:
        figures = rule_figures(code=obj.code)
        rows = (
            (_("hits"), figures.hits),
            (_("of them in shadow mode"), figures.shadow_hits),
            (_("reviews"), figures.reviews),
            (_("holds"), figures.holds),
            (_("blocks"), figures.blocks),
            (_("rule failures"), figures.errors),
            (_("confirmed"), figures.confirmed),
            (_("false positives"), figures.false_positives),
        )
        return format_html(
            "<table>{}</table>", format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", rows)
        )

    @admin.display(description=gettext_lazy("changes"))
    def history(self, obj: RuleSetting) -> str:
        changes = RuleSettingChange.objects.filter(code=obj.code).select_related(
            "changed_by", "approved_by"
        )
        return (
            format_html_join(
                "",
                "<div>v{} {:%Y-%m-%d %H:%M} {}: {} ({})</div>",
                (
                    (c.version, c.changed_at, _signed(c), json.dumps(c.after), c.reason)
                    for c in changes
                ),
            )
            or "-"
        )

    def save_model(self, request: HttpRequest, obj: RuleSetting, form: Any, change: bool) -> None:
        # the setting itself is not saved: the change waits for another staff member
        request._rule_proposal = rule_setting_propose(  # type: ignore[attr-defined]
            actor=_staff(request),
            code=obj.code,
            mode=obj.mode,
            params=form.cleaned_data["params"],
            reason=form.cleaned_data["reason"],
        )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        pass  # nothing is saved until the proposal is approved

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        return None  # the proposal is the record

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        return None  # the proposal is the record

    def _proposed(self, request: HttpRequest) -> HttpResponse:
        proposal = request._rule_proposal  # type: ignore[attr-defined]
        self.message_user(
            request,
            _("The change of %(code)s waits for another staff member's approval.")
            % {"code": proposal.code},
            messages.WARNING,
        )
        return HttpResponseRedirect(
            reverse("admin:risk_rulesettingproposal_change", args=[proposal.pk])
        )

    def response_add(self, request: HttpRequest, obj: Any, post_url_continue: Any = None) -> Any:
        return self._proposed(request)

    def response_change(self, request: HttpRequest, obj: Any) -> Any:
        return self._proposed(request)

    @admin.action(description=gettext_lazy("Change the mode of the selected rules…"))
    def change_mode(
        self, request: HttpRequest, queryset: QuerySet[RuleSetting]
    ) -> HttpResponse | None:
        form = ModeChangeForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            for setting in queryset:
                rule_setting_propose(
                    actor=_staff(request),
                    code=setting.code,
                    mode=form.cleaned_data["mode"],
                    params=setting.params,
                    reason=form.cleaned_data["reason"],
                )
            self.message_user(
                request,
                _("The mode change waits for another staff member's approval."),
                messages.WARNING,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Change the mode of the selected rules"),
            "form": form,
            "settings": queryset,
        }
        return TemplateResponse(request, "admin/risk/rule_mode.html", context)


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin[Alert]):
    list_display = ("created_at", "code", "user", "point", "outcome", "mode", "subject", "status")
    list_filter = ("code", "status", "label", "mode", "point", "outcome")
    search_fields = ("subject", "user__email", "code")
    list_select_related = ("user",)
    actions = ("close_confirmed", "close_false_positive")
    readonly_fields = [field.name for field in Alert._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def _close(self, request: HttpRequest, queryset: QuerySet[Alert], label: str) -> None:
        closed = 0
        for alert in queryset.filter(status="open"):
            alert_close(actor=_staff(request), alert_id=alert.pk, label=label)
            closed += 1
        self.message_user(request, _("%(count)d alerts closed.") % {"count": closed})

    @admin.action(description=gettext_lazy("Close as confirmed"), permissions=["change"])
    def close_confirmed(self, request: HttpRequest, queryset: QuerySet[Alert]) -> None:
        self._close(request, queryset, AlertLabel.CONFIRMED)

    @admin.action(description=gettext_lazy("Close as a false positive"), permissions=["change"])
    def close_false_positive(self, request: HttpRequest, queryset: QuerySet[Alert]) -> None:
        self._close(request, queryset, AlertLabel.FALSE_POSITIVE)


class RuleSnoozeForm(forms.ModelForm[RuleSnooze]):
    code = forms.ChoiceField(label=gettext_lazy("rule"), choices=rule_choices)

    class Meta:
        model = RuleSnooze
        fields = ["user", "code", "until", "reason"]


@admin.register(RuleSnooze)
class RuleSnoozeAdmin(admin.ModelAdmin[RuleSnooze]):
    form = RuleSnoozeForm
    list_display = ("user", "code", "until", "reason", "by", "created_at")
    list_filter = ("code",)
    search_fields = ("user__email", "code")
    autocomplete_fields = ("user",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # a snooze is given once; to change it, let it end or give another
        return ("user", "code", "until", "reason", "by") if obj is not None else ()

    def save_model(self, request: HttpRequest, obj: RuleSnooze, form: Any, change: bool) -> None:
        saved = rule_snooze(
            actor=_staff(request), user=obj.user, code=obj.code, until=obj.until, reason=obj.reason
        )
        obj.pk = saved.pk


@admin.register(RuleSettingChange)
class RuleSettingChangeAdmin(admin.ModelAdmin[RuleSettingChange]):
    list_display = ("changed_at", "code", "version", "changed_by", "approved_by", "reason")
    list_filter = ("code",)
    readonly_fields = [field.name for field in RuleSettingChange._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
