"""Users for staff. Email is the login, so adding a user asks for it (and refuses a second
account on the same address, in any case); riskadmin adds the 360 panels to the change page."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
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
