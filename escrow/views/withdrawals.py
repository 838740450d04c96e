"""Withdrawal pages: the form, one withdrawal (with cancel), and the email's freeze link."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.selectors import user_has_totp
from core.errors import DomainError, form_field_for
from risk.restrictions import Action, paused_summary

from .. import selectors
from ..forms import WithdrawForm
from ..selectors.withdrawals import withdraw_choices, withdrawal_for_owner, withdrawals_of
from ..services import withdrawals as services


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest) -> HttpResponse:
    user = request.user
    choices = withdraw_choices(user=user)  # type: ignore[arg-type]
    has_totp = user_has_totp(user=user)  # type: ignore[arg-type]
    form = WithdrawForm(
        request.POST or None,
        choices=choices,
        has_totp=has_totp,
        initial={"request_key": uuid.uuid4().hex, "entry": request.GET.get("entry")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            done = services.withdrawal_request(
                actor=user,  # type: ignore[arg-type]
                entry_id=data["entry"],
                amount=data["amount"],
                fund_password=data["fund_password"],
                totp_code=form.totp_code(),
                request_key=data["request_key"],
                request=request,
            )
        except DomainError as error:
            form.add_error(form_field_for(error, form.fields), error.message)
        else:
            return redirect("escrow:withdrawal", public_id=done.withdrawal.public_id)
    assets = sorted({choice.network.asset for choice in choices}, key=lambda asset: asset.symbol)
    funds = selectors.withdrawable_by_asset(user=user, assets=assets)  # type: ignore[arg-type]
    context = {
        "form": form,
        "choices": choices,
        "has_usable": any(choice.usable for choice in choices),
        "balances": [(asset, funds[asset.pk]) for asset in assets],
        "paused": paused_summary(user=user, actions=[Action.WITHDRAW]),  # type: ignore[arg-type]
        "recent": withdrawals_of(user=user),  # type: ignore[arg-type]
    }
    return render(request, "escrow/withdraw.html", context)


@login_required
@require_http_methods(["GET"])
def withdrawal(request: HttpRequest, public_id: str) -> HttpResponse:
    found = withdrawal_for_owner(user=request.user, public_id=public_id)  # type: ignore[arg-type]
    if found is None:
        raise Http404
    return render(request, "escrow/withdrawal.html", {"withdrawal": found})


@login_required
@require_POST
def withdrawal_cancel(request: HttpRequest, public_id: str) -> HttpResponse:
    try:
        services.withdrawal_cancel(actor=request.user, public_id=public_id)  # type: ignore[arg-type]
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Canceled: the amount and the fee are back in your balance."))
    return redirect("escrow:withdrawal", public_id=public_id)


@require_http_methods(["GET", "POST"])
def withdrawal_freeze(request: HttpRequest, token: str) -> HttpResponse:
    """The email's link: a GET only shows what will happen (mail scanners open links); the
    button on the page does it. No login: the owner may be locked out by whoever got in."""
    found = services.withdrawal_for_freeze_link(token)
    if request.method == "POST" and found is not None:
        try:
            frozen = services.withdrawal_freeze_by_link(token=token)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            return render(request, "escrow/withdrawal_frozen.html", {"withdrawal": frozen})
    status = 200 if found is not None else 404
    return render(request, "escrow/withdrawal_freeze.html", {"withdrawal": found}, status=status)
