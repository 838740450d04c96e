"""Users for staff. Email is the login, so adding a user asks for it (and refuses a second
account on the same address, in any case); riskadmin adds the 360 panels to the change page.

Who is staff, superuser or in a staff role is read-only here: a role is granted through a
proposal another Superadmin approves (riskadmin's role grants, linked from the page)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import User


class UserAddForm(AdminUserCreationForm):
    email = forms.EmailField(
        label=gettext_lazy("Email"),
        help_text=gettext_lazy("The user signs in with this address."),
        error_messages={"required": gettext_lazy("Enter the user's email address.")},
    )

    class Meta(AdminUserCreationForm.Meta):  # type: ignore[name-defined]
        model = User
        fields = ("username", "email")

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                gettext_lazy("Another account already uses this email address.")
            )
        return email


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    add_form = UserAddForm
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "username", "usable_password", "password1", "password2"),
            },
        ),
    )
    list_display = ("email", "username", "is_staff", "is_active", "date_joined")
    search_fields = ("email", "username", "nickname")
    ordering = ("-date_joined",)

    # granted and removed through role grants (riskadmin), never edited here
    role_fields = ("is_staff", "is_superuser", "groups", "user_permissions")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = tuple(super().get_readonly_fields(request, obj))
        return (*fields, *self.role_fields, "role_grants") if obj is not None else fields

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        shown = []
        for name, options in fieldsets:
            fields = tuple(options.get("fields", ()))
            if "groups" in fields:
                options = {**options, "fields": (*fields, "role_grants")}
            shown.append((name, options))
        return shown

    @admin.display(description=gettext_lazy("Staff roles"))
    def role_grants(self, user: User) -> str:
        try:
            url = reverse("admin:riskadmin_rolegrant_add")
        except NoReverseMatch:
            return "-"
        return format_html(
            '<a class="button" href="{}?user={}">{}</a> <span class="help">{}</span>',
            url,
            user.pk,
            _("Propose a role grant or remove a role…"),
            _("A grant waits for another Superadmin's approval; a removal applies at once."),
        )
