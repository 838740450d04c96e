"""Fund password pages: set or change it (after a recent re-authentication), request a reset
link by email, and set a new one from that link."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any

from allauth.account.decorators import reauthentication_required
from allauth.core.exceptions import ReauthenticationRequired
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core.config import config_value

from ..forms import (
    FundPasswordChangeForm,
    FundPasswordResetConfirmForm,
    FundPasswordSetForm,
)
from ..models import User
from ..selectors import fund_password_reset_usable, fund_password_status, user_has_totp
from ..services import fund_password as services
from ..services.fund_password import (
    FundPasswordError,
    FundPasswordRuleError,
    WrongFundPassword,
    WrongTwoFactorCode,
    unlock_time_text,
)

View = Callable[..., HttpResponse]


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _recently_reauthenticated(view: View) -> View:
    """allauth's `reauthentication_required`, except that a POST made after the re-authentication
    window is not stashed in the session to be replayed (allauth would store the posted form,
    secrets included): the user confirms their password and submits the form again."""
    guarded = reauthentication_required(view)

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return guarded(request, *args, **kwargs)
        except ReauthenticationRequired:
            if request.method != "POST":
                raise  # allauth's middleware sends the user to re-authenticate, then back
            messages.warning(
                request,
                _("For your security, confirm your password first, then submit the form again."),
            )
            return redirect(request.path)

    return wrapper


def _show_refusal(form: forms.Form, error: FundPasswordError) -> None:
    """Put a service's refusal on the field it is about, else at the top of the form."""
    if isinstance(error, FundPasswordRuleError):
        form.add_error("new_password", error.message)
    elif isinstance(error, WrongFundPassword) and "current_password" in form.fields:
        form.add_error("current_password", error.message)
    elif isinstance(error, WrongTwoFactorCode) and "totp_code" in form.fields:
        form.add_error("totp_code", error.message)
    else:
        form.add_error(None, error.message)


def _context(**extra: Any) -> dict[str, Any]:
    return {
        "cooldown_hours": config_value("SECURITY_COOLDOWN_HOURS"),
        "reset_hours": settings.FUND_PASSWORD_RESET_HOURS,
        "max_tries": settings.FUND_PASSWORD_MAX_TRIES,
        "lock_minutes": settings.FUND_PASSWORD_LOCK_MINUTES,
        **extra,
    }


@never_cache
@login_required
@_recently_reauthenticated
@require_http_methods(["GET", "POST"])
def fund_password_page(request: HttpRequest) -> HttpResponse:
    """Status, plus the set form (none yet) or the change form and the reset button."""
    user = _user(request)
    status = fund_password_status(user=user)
    form: forms.Form
    if not status["is_set"]:
        form = FundPasswordSetForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.fund_password_set(
                    actor=user, raw=form.cleaned_data["new_password"], request=request
                )
            except FundPasswordError as error:
                _show_refusal(form, error)
            else:
                messages.success(request, _("Your fund password is set."))
                return redirect("accounts:fund_password")
    else:
        form = FundPasswordChangeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.fund_password_change(
                    actor=user,
                    current=form.cleaned_data["current_password"],
                    new=form.cleaned_data["new_password"],
                    request=request,
                )
            except FundPasswordError as error:
                _show_refusal(form, error)
                status = fund_password_status(user=user)  # the wrong try counted
            else:
                messages.success(request, _("Your fund password is changed."))
                return redirect("accounts:fund_password")
    locked_until = status["locked_until"]
    unlock_at = unlock_time_text(locked_until) if isinstance(locked_until, datetime) else None
    return render(
        request,
        "accounts/fund_password/page.html",
        _context(status=status, form=form, unlock_at=unlock_at),
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def fund_password_reset(request: HttpRequest) -> HttpResponse:
    """GET: what a reset does; POST: mail the link, then say to check the inbox."""
    user = _user(request)
    error = None
    if request.method == "POST":
        try:
            services.fund_password_reset_request(actor=user, request=request)
        except FundPasswordError as refusal:
            error = refusal.message
        else:
            return redirect("accounts:fund_password_reset_sent")
    status = fund_password_status(user=user)
    return render(
        request,
        "accounts/fund_password/reset_request.html",
        _context(status=status, error=error, sent=False),
    )


@never_cache
@login_required
@require_http_methods(["GET"])
def fund_password_reset_sent(request: HttpRequest) -> HttpResponse:
    status = fund_password_status(user=_user(request))
    return render(
        request,
        "accounts/fund_password/reset_request.html",
        _context(status=status, error=None, sent=True),
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def fund_password_reset_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The mailed link: the new fund password twice, plus a TOTP code when 2FA is on."""
    user = _user(request)
    has_totp = user_has_totp(user=user)
    if not fund_password_reset_usable(user=user, token=token):
        return render(
            request,
            "accounts/fund_password/reset_confirm.html",
            _context(usable=False, done=False, form=None),
            status=404 if request.method == "GET" else 400,
        )
    form = FundPasswordResetConfirmForm(request.POST or None, has_totp=has_totp)
    if request.method == "POST" and form.is_valid():
        try:
            services.fund_password_reset_confirm(
                actor=user,
                token=token,
                new=form.cleaned_data["new_password"],
                totp_code=form.cleaned_data.get("totp_code"),
                request=request,
            )
        except FundPasswordError as error:
            _show_refusal(form, error)
        else:
            return render(
                request,
                "accounts/fund_password/reset_confirm.html",
                _context(usable=True, done=True, form=None),
            )
    return render(
        request,
        "accounts/fund_password/reset_confirm.html",
        _context(usable=True, done=False, form=form, has_totp=has_totp),
    )


urlpatterns: list[URLPattern] = [
    path("security/fund-password/", fund_password_page, name="fund_password"),
    path("security/fund-password/reset/", fund_password_reset, name="fund_password_reset"),
    path(
        "security/fund-password/reset/sent/",
        fund_password_reset_sent,
        name="fund_password_reset_sent",
    ),
    path(
        "security/fund-password/reset/<str:token>/",
        fund_password_reset_confirm,
        name="fund_password_reset_confirm",
    ),
]
