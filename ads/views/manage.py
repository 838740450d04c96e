"""The merchant's ads: list, post, edit, online/offline switch and close. Thin: parse, call one
service, render. Ads are named by their public id; another merchant's ad is a 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts.models import User
from core.errors import DomainError

from .. import services
from ..forms import AdForm
from ..models import Ad, AdStatus
from ..selectors import (
    AdFormOptions,
    ad_for_owner,
    ad_form_options,
    ad_row_for_owner,
    ad_rows_for_merchant,
    merchant_for_user,
    price_indexes_current,
)

LIST = "ads:manage"


def _me(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _not_a_merchant(request: HttpRequest) -> HttpResponse:
    context = {"apply_url": reverse("merchants:apply")}
    return render(request, "ads/manage/not_merchant.html", context, status=403)


def _own_ad(user: User, public_id: str) -> Ad:
    ad = ad_for_owner(user=user, public_id=public_id)
    if ad is None:
        raise Http404(_("No such ad."))
    return ad


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


@login_required
@require_GET
def manage(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    merchant = merchant_for_user(user=user)
    if merchant is None:
        return _not_a_merchant(request)
    rows = ad_rows_for_merchant(user=user)
    context = {"merchant": merchant, "rows": rows, **_summary(rows)}
    return render(request, "ads/manage/list.html", context)


def _summary(rows: list[Any]) -> dict[str, int]:
    """The counts above the list: how many ads are online, and how many of them are listed."""
    online = [row for row in rows if row.ad.status == AdStatus.ONLINE]
    return {
        "online_count": len(online),
        "listed_count": sum(1 for row in online if row.hidden_reason is None),
    }


def _render_form(
    request: HttpRequest, form: AdForm, options: AdFormOptions, ad: Ad | None = None
) -> HttpResponse:
    context: dict[str, Any] = {
        "form": form,
        "ad": ad,
        "taken": ad.total_quantity - ad.remaining_quantity if ad is not None else None,
        "has_methods": options.payment_methods.exists(),
        "indexes": price_indexes_current(),
    }
    return render(request, "ads/manage/form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    if merchant_for_user(user=user) is None:
        return _not_a_merchant(request)
    options = ad_form_options(user=user)
    if request.method != "POST":
        return _render_form(request, AdForm(options=options), options)
    form = AdForm(request.POST, options=options)
    if form.is_valid():
        try:
            ad = services.ad_create(actor=user, **form.service_arguments())
        except services.AdInvalid as error:
            form.add_service_error(error.field, error.message)
        except DomainError as error:
            form.add_service_error(None, error.message)
        else:
            messages.success(
                request,
                _("Ad %(ref)s saved. It is offline: put it online when ready.")
                % {"ref": ad.public_id},
            )
            return redirect(LIST)
    return _render_form(request, form, options)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _me(request)
    if merchant_for_user(user=user) is None:
        return _not_a_merchant(request)
    ad = _own_ad(user, public_id)
    if ad.status == AdStatus.CLOSED:
        messages.info(
            request,
            _("Ad %(ref)s is closed; closed ads cannot be edited.") % {"ref": ad.public_id},
        )
        return redirect(LIST)
    options = ad_form_options(user=user)
    if request.method != "POST":
        form = AdForm(options=options, ad=ad, initial=AdForm.initial_for(ad))
        return _render_form(request, form, options, ad)
    form = AdForm(request.POST, options=options, ad=ad)
    if form.is_valid():
        try:
            services.ad_update(actor=user, ad_id=ad.pk, **form.service_arguments())
        except services.AdNotFound as error:
            raise Http404(_("No such ad.")) from error
        except services.AdInvalid as error:
            form.add_service_error(error.field, error.message)
        except DomainError as error:
            form.add_service_error(None, error.message)
        else:
            messages.success(request, _("Ad %(ref)s updated.") % {"ref": ad.public_id})
            return redirect(LIST)
    return _render_form(request, form, options, ad)


@login_required
@require_POST
@vary_on_headers("HX-Request")
def toggle(request: HttpRequest, public_id: str) -> HttpResponse:
    """Put an ad online or take it offline (`to` = online | offline). With htmx the answer is
    the ad's row, refusal included; without, the list with a message."""
    user = _me(request)
    if merchant_for_user(user=user) is None:
        return _not_a_merchant(request)
    ad = _own_ad(user, public_id)
    target = request.POST.get("to")
    if target not in (AdStatus.ONLINE, AdStatus.OFFLINE):
        target = AdStatus.OFFLINE if ad.status == AdStatus.ONLINE else AdStatus.ONLINE
    change = services.ad_go_online if target == AdStatus.ONLINE else services.ad_go_offline
    error: str | None = None
    try:
        change(actor=user, ad_id=ad.pk)
    except services.AdNotFound as refused:
        raise Http404(_("No such ad.")) from refused
    except DomainError as refused:
        error = refused.message
    done = (
        _("Ad %(ref)s is online.") if target == AdStatus.ONLINE else _("Ad %(ref)s is offline.")
    ) % {"ref": ad.public_id}
    if _is_htmx(request):
        row = ad_row_for_owner(user=user, public_id=ad.public_id)
        if row is None:  # pragma: no cover - it was ours a moment ago
            raise Http404(_("No such ad."))
        context = {
            "row": row,
            "row_error": error,
            "row_notice": None if error else done,
            # the counts above the table change with the row: swapped in out of band
            "summary_oob": True,
            **_summary(ad_rows_for_merchant(user=user)),
        }
        return render(request, "ads/manage/_row.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    return redirect(LIST)


@login_required
@require_http_methods(["GET", "POST"])
def close(request: HttpRequest, public_id: str) -> HttpResponse:
    """GET asks to confirm; POST closes the ad for good and returns its reservation."""
    user = _me(request)
    if merchant_for_user(user=user) is None:
        return _not_a_merchant(request)
    ad = _own_ad(user, public_id)
    if request.method != "POST":
        if ad.status == AdStatus.CLOSED:
            messages.info(request, _("Ad %(ref)s is already closed.") % {"ref": ad.public_id})
            return redirect(LIST)
        row = ad_row_for_owner(user=user, public_id=ad.public_id)
        return render(request, "ads/manage/confirm_close.html", {"ad": ad, "row": row})
    try:
        services.ad_close(actor=user, ad_id=ad.pk)
    except services.AdNotFound as error:
        raise Http404(_("No such ad.")) from error
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Ad %(ref)s is closed.") % {"ref": ad.public_id})
    return redirect(LIST)
