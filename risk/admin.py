"""Staff set each person's risk level and, per level, the T+N withdrawal lock on crypto bought
in P2P orders (a level change names who made it and why); and they keep the blacklist."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from .blacklist import BadBlacklistValue, blacklist_add, normalise
from .models import BlacklistEntry, UserRiskLevel, WithdrawalLockPolicy


@admin.register(WithdrawalLockPolicy)
class WithdrawalLockPolicyAdmin(admin.ModelAdmin[WithdrawalLockPolicy]):
    """Per risk level: days before bought crypto may be withdrawn. A level without a row uses
    the setting WITHDRAWAL_LOCK_DAYS (1 day unless the deployment says otherwise)."""

    list_display = ("level", "days")
    fields = ("level", "days")


@admin.register(UserRiskLevel)
class UserRiskLevelAdmin(admin.ModelAdmin[UserRiskLevel]):
    """People whose level staff set; everyone else is at the normal level."""

    list_display = ("user", "level", "set_by", "set_at")
    list_filter = ("level",)
    search_fields = ("user__email", "user__nickname")
    list_select_related = ("user", "set_by")
    autocomplete_fields = ("user",)
    fields = ("user", "level", "reason", "set_by", "set_at")
    readonly_fields = ("set_by", "set_at")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # a level belongs to one person: change it, never move it to someone else
        fixed = ("user",) if obj is not None else ()
        return (*fixed, *self.readonly_fields)

    def save_model(self, request: HttpRequest, obj: UserRiskLevel, form: Any, change: bool) -> None:
        actor = request.user
        obj.set_by = actor if isinstance(actor, User) else None
        super().save_model(request, obj, form, change)


class BlacklistEntryForm(forms.ModelForm[BlacklistEntry]):
    class Meta:
        model = BlacklistEntry
        fields = ["kind", "value", "reason", "source", "expires_at"]

    def clean(self) -> dict[str, Any]:
        """Check the value for its kind (a bad range is a form error) and spell it as matches
        read it before the uniqueness check, so the same address typed in another case is a
        form error, not a database one."""
        cleaned = super().clean() or {}
        expires = cleaned.get("expires_at")
        if expires is not None and self.instance.pk is None and expires <= timezone.now():
            self.add_error("expires_at", _("The expiry must be in the future."))
        if cleaned.get("kind") and cleaned.get("value"):
            try:
                spelled = normalise(cleaned["kind"], cleaned["value"])
            except BadBlacklistValue as error:
                self.add_error("value", error.message)
                return cleaned
            if not spelled:
                self.add_error("value", _("Give a value this kind can match."))
                return cleaned
            self.instance.kind = cleaned["kind"]
            self.instance.value = cleaned["value"] = spelled
            self.validate_unique()
        return cleaned


@admin.register(BlacklistEntry)
class BlacklistEntryAdmin(admin.ModelAdmin[BlacklistEntry]):
    """The value is checked for its kind: an address as typed (EVM ones in any case), a
    payment account as `<type code>:<account>` (stored as its fingerprint) or a fingerprint, a
    browser's device id, an IP or a CIDR range (stored as its network), a legal name (case,
    punctuation and the order of names do not count)."""

    form = BlacklistEntryForm
    list_display = ["kind", "value", "reason", "source", "expires_at", "created_by", "created_at"]
    list_filter = ["kind"]
    search_fields = ["value", "reason", "source"]
    readonly_fields = ["created_by", "created_at"]

    def save_model(
        self, request: HttpRequest, obj: BlacklistEntry, form: ModelForm[Any], change: bool
    ) -> None:
        actor = request.user
        if not change and isinstance(actor, User):
            # the same service a case in the console lists a value through
            created = blacklist_add(
                actor=actor,
                kind=obj.kind,
                value=obj.value,
                reason=obj.reason,
                source=obj.source,
                expires_at=obj.expires_at,
            )
            obj.pk, obj.created_at, obj.created_by = created.pk, created.created_at, actor
            return
        obj.value = normalise(obj.kind, obj.value)
        super().save_model(request, obj, form, change)


# The rule engine's admin: settings, their proposed changes, alerts and snoozes; cases.
from .cases import admin as _cases_admin  # noqa: E402, F401
from .engine import admin as _engine_admin  # noqa: E402, F401
from .engine import admin_proposals as _engine_proposals  # noqa: E402, F401
