"""Role grants for staff: the add page proposes a grant (or removes a role at once); a pending
grant's page has Approve… / Reject… for another Superadmin."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from accounts.models import User
from core.errors import DomainError
from core.review_admin import ProposalAdmin

from .records import GrantAction, RoleGrant
from .services import (
    APPROVE,
    PROPOSE,
    role_grant_approve,
    role_grant_propose,
    role_grant_reject,
    role_remove,
)


def _staff(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


class RoleGrantForm(forms.ModelForm[RoleGrant]):
    class Meta:
        model = RoleGrant
        fields = ["user", "action", "kind", "group", "reason"]
        help_texts = {
            "action": gettext_lazy(
                "A grant waits for another Superadmin's approval; a removal applies at once."
            ),
            "group": gettext_lazy("Only for a staff role."),
        }

    def __init__(self, *args: Any, actor: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors or self.actor is None:
            return data
        call = role_remove if data["action"] == GrantAction.REMOVE else role_grant_propose
        try:
            # proposed (or removed) here, so a refusal shows on the form; the admin's own
            # transaction holds it until the page is saved
            self.done = call(
                actor=self.actor,
                user=data["user"],
                kind=data["kind"],
                group=data.get("group"),
                reason=data.get("reason", ""),
            )
        except DomainError as error:
            raise ValidationError(error.message) from error
        return data


@admin.register(RoleGrant)
class RoleGrantAdmin(ProposalAdmin[RoleGrant]):
    approve_permission = APPROVE
    form = RoleGrantForm
    list_display = ("id", "proposed_at", "user", "action", "kind", "group", "proposed_by", "status")
    list_filter = ("status", "action", "kind", "group")
    search_fields = ("user__email", "user__username")
    list_select_related = ("user", "group", "proposed_by")
    autocomplete_fields = ("user",)
    readonly_fields = (
        "user",
        "action",
        "kind",
        "group",
        "reason",
        "status",
        "proposed_by",
        "proposed_at",
        "decided_by",
        "decided_at",
        "decision_reason",
        "decide",
    )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_staff and request.user.has_perm(PROPOSE))

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.readonly_fields if obj is not None else RoleGrantForm.Meta.fields

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.readonly_fields if obj is not None else ()

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        return {"user": request.GET.get("user")}

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form_class = super().get_form(request, obj, change=change, **kwargs)
        actor = _staff(request)

        class WithActor(form_class):  # type: ignore[valid-type, misc]
            def __init__(self, *args: Any, **inner: Any) -> None:
                super().__init__(*args, actor=actor, **inner)

        return WithActor

    def save_model(self, request: HttpRequest, obj: RoleGrant, form: Any, change: bool) -> None:
        obj.pk = form.done.pk  # the service saved it while the form was checked

    def summary_rows(self, obj: RoleGrant) -> list[tuple[Any, Any]]:
        return [
            (gettext_lazy("user"), obj.user),
            (gettext_lazy("action"), obj.get_action_display()),
            (gettext_lazy("what"), obj.group or obj.get_kind_display()),
        ]

    def approve_object(self, request: HttpRequest, obj: RoleGrant) -> None:
        role_grant_approve(actor=_staff(request), proposal_id=obj.pk)

    def reject_object(self, request: HttpRequest, obj: RoleGrant, reason: str) -> None:
        role_grant_reject(actor=_staff(request), proposal_id=obj.pk, reason=reason)
