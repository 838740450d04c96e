"""Merchant pages: the application (/merchant/apply/) and the merchant center (/merchant/).

Thin: parse, call one service, render. Every decision is the services' (merchants/services.py).
The ads list of the merchant center lives at /merchant/ads/ in the ads app (a higher layer).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from core.money import format_crypto

from .charts import bar_chart, daily_chart
from .forms import BusinessHoursForm, MerchantApplicationForm, show_refusal
from .models import Merchant, MerchantStatus
from .selectors import (
    application_pending,
    applications_for_user,
    business_hours_rows,
    collateral_hold,
    merchant_figures,
    merchant_for_user,
    merchant_is_current,
    merchant_program,
    merchant_requirements,
    merchant_tiers_enabled,
    resignation_due_at,
)
from .services import (
    MerchantError,
    merchant_apply,
    merchant_cancel_resignation,
    merchant_request_resignation,
    merchant_set_break,
    merchant_set_business_hours,
    merchant_withdraw_application,
)

MERCHANT_ADS_PATH = "/merchant/ads/"  # built by the ads app


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


# --- application ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if merchant_is_current(merchant_for_user(user=user)):
        messages.info(request, _("You are already a merchant."))
        return redirect("merchants:center")
    pending = application_pending(user=user)
    if pending is not None and request.method == "POST":
        messages.info(request, _("Your application is already waiting for review."))
        return redirect("merchants:apply")
    form = MerchantApplicationForm(request.POST or None) if pending is None else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            application = merchant_apply(actor=user, **form.cleaned_data)
        except MerchantError as error:
            show_refusal(form, error)
        else:
            tier = application.tier
            messages.success(
                request,
                _(
                    "Thank you: your application is waiting for review. %(amount)s %(asset)s "
                    "is frozen as collateral until then."
                )
                % {
                    "amount": format_crypto(tier.collateral_amount),
                    "asset": tier.collateral_asset.symbol,
                },
            )
            return redirect("merchants:apply")
    requirements = merchant_requirements(user=user)
    context = {
        "requirements": requirements,
        "all_met": all(r.met for r in requirements),
        "tiers": merchant_tiers_enabled(),
        "pending": pending,
        "pending_hold": collateral_hold(hold_id=pending.collateral_hold_id) if pending else None,
        "history": [a for a in applications_for_user(user=user) if a != pending],
        "form": form,
    }
    return render(request, "merchants/apply.html", context)


@login_required
@require_POST
def withdraw_application(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    pending = application_pending(user=user)
    if pending is None:
        messages.info(request, _("You have no application waiting for review."))
        return redirect("merchants:apply")
    try:
        merchant_withdraw_application(actor=user, application=pending)
    except MerchantError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Application withdrawn; your collateral is available again."))
    return redirect("merchants:apply")


# --- merchant center --------------------------------------------------------------------------


def _center_context(merchant: Merchant, hours_form: BusinessHoursForm) -> dict[str, Any]:
    figures = merchant_figures(merchant=merchant)
    return {
        "merchant": merchant,
        "figures": figures,
        "volume_chart": bar_chart(
            figures.volume_by_asset,
            title=_("Volume by asset, last 30 days"),
            empty_text=_("No completed orders in the last 30 days"),
            # each asset in its own unit: amounts of different assets do not add up
            shown=lambda symbol, amount: f"{format_crypto(amount)} {symbol}",
            axis_label=_("Volume, each asset in its own unit"),
        ),
        "orders_chart": daily_chart(
            figures.orders_by_day,
            title=_("Orders per day, last 30 days"),
            unit=_("Orders"),
            date_caption=_("Day (UTC)"),
            empty_text=_("No orders in the last 30 days"),
        ),
        "hours_form": hours_form,
        "hours_rows": business_hours_rows(merchant.business_hours),
        "collateral": collateral_hold(hold_id=merchant.collateral_hold_id),
        "cooling_days": merchant_program().resignation_cooling_days,
        "resignation_due_at": resignation_due_at(merchant=merchant),
        "ads_path": MERCHANT_ADS_PATH,
        "statuses": MerchantStatus,
    }


def _current_merchant(request: HttpRequest) -> Merchant | None:
    merchant = merchant_for_user(user=_user(request))
    return merchant if merchant_is_current(merchant) else None


def _not_a_merchant(request: HttpRequest) -> HttpResponse:
    messages.info(request, _("The merchant center is for merchants. Apply to become one here."))
    return redirect("merchants:apply")


@login_required
@require_http_methods(["GET"])
def center(request: HttpRequest) -> HttpResponse:
    merchant = _current_merchant(request)
    if merchant is None:
        return _not_a_merchant(request)
    form = BusinessHoursForm(hours=merchant.business_hours)
    return render(request, "merchants/center.html", _center_context(merchant, form))


@login_required
@require_POST
def toggle_break(request: HttpRequest) -> HttpResponse:
    """Take a break or come back; htmx swaps the break card, a plain post redirects."""
    on = request.POST.get("on") == "1"
    error: str | None = None
    try:
        merchant = merchant_set_break(actor=_user(request), on=on)
    except MerchantError as refusal:
        error = refusal.message
        current = _current_merchant(request)
        if current is None:
            return _not_a_merchant(request)
        merchant = current
    if _is_htmx(request):
        return render(request, "merchants/_break.html", {"merchant": merchant, "error": error})
    if error:
        messages.error(request, error)
    elif on:
        messages.success(request, _("You are on a break: your ads are hidden from the market."))
    else:
        messages.success(request, _("Welcome back: your ads show on the market again."))
    return redirect("merchants:center")


@login_required
@require_POST
def business_hours(request: HttpRequest) -> HttpResponse:
    merchant = _current_merchant(request)
    if merchant is None:
        return _not_a_merchant(request)
    form = BusinessHoursForm(request.POST)
    if form.is_valid():
        try:
            merchant_set_business_hours(actor=_user(request), hours=form.cleaned_data["hours"])
        except MerchantError as error:
            show_refusal(form, error, {k: form.field_for(k) for k in _error_keys(error)})
        else:
            messages.success(request, _("Business hours saved."))
            return redirect("merchants:center")
    context = _center_context(merchant, form)
    return render(request, "merchants/center.html", context, status=200)


def _error_keys(error: MerchantError) -> list[str]:
    return list(getattr(error, "errors", {}))


@login_required
@require_POST
def resign(request: HttpRequest) -> HttpResponse:
    try:
        merchant_request_resignation(actor=_user(request))
    except MerchantError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _(
                "You are resigning: your ads are hidden. Your collateral comes back once your "
                "ads and orders are closed and the cooling period has passed."
            ),
        )
    return redirect("merchants:center")


@login_required
@require_POST
def cancel_resignation(request: HttpRequest) -> HttpResponse:
    try:
        merchant_cancel_resignation(actor=_user(request))
    except MerchantError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Resignation cancelled: you are an active merchant again."))
    return redirect("merchants:center")
