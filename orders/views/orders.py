"""The order pages: open an order on an ad, follow it, act on it, list and export. Thin: parse a
form, call one service, render; a service's refusal is shown on the page, never as a 500."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts.models import User
from accounts.selectors import user_has_totp
from accounts.services.fund_password import (
    TwoFactorRequired,
    WrongFundPassword,
    WrongTwoFactorCode,
)
from core.errors import DomainError, form_field_for
from core.files import serve_private

from .. import selectors, services
from ..forms import (
    CancelForm,
    MarkPaidForm,
    OrderFilterForm,
    OrderPlaceForm,
    ReleaseForm,
)
from ..models import Order, OrderStatus
from .feedback import feedback_section

ORDERS_PAGE_SIZE = 20


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _wants_fragment(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    # a history restore (the Back button) needs the whole page, not the fragment
    return bool(htmx) and not htmx.history_restore_request  # type: ignore[union-attr]


# --- opening an order ------------------------------------------------------------------------


def _offer_or_404(ad_public_id: str) -> selectors.AdOffer:
    offer = selectors.ad_for_order_form(public_id=ad_public_id)
    if offer is None:
        raise Http404("There is no such ad.")
    return offer


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def order_new(request: HttpRequest, ad_public_id: str) -> HttpResponse:
    """The order form on an ad; a valid submit opens the order and shows it."""
    user = _user(request)
    offer = _offer_or_404(ad_public_id)
    methods = selectors.payment_methods_for_ad(user=user, ad=offer.ad)
    form = OrderPlaceForm(request.POST or None, ad=offer.ad, methods=methods)
    if request.method == "POST" and form.is_valid():
        try:
            order = services.order_place(
                actor=user, ad_public_id=offer.ad.public_id, **form.service_arguments()
            )
        except DomainError as error:
            form.add_error(form_field_for(error, form.fields), error.message)
        else:
            return redirect("orders:detail", public_id=order.public_id)
    quote = None
    if form.is_bound:
        quote = selectors.quote_for_form(
            offer=offer, pay_in=form.data.get("pay_in", ""), value=form.data.get("amount", "")
        )
    context = {
        "offer": offer,
        "ad": offer.ad,
        "form": form,
        "quote": quote,
        "own_ad": offer.ad.merchant.user_id == user.pk,
        "needs_methods": "payment_methods" in form.fields and not methods,
    }
    return render(request, "orders/new.html", context)


@login_required
@require_GET
def order_quote(request: HttpRequest, ad_public_id: str) -> HttpResponse:
    """The htmx fragment under the amount: what the user pays and receives."""
    offer = _offer_or_404(ad_public_id)
    pay_in = request.GET.get("pay_in", "")
    value = request.GET.get("amount", "")
    quote = selectors.quote_for_form(offer=offer, pay_in=pay_in, value=value)
    return render(
        request,
        "orders/_quote.html",
        {"offer": offer, "ad": offer.ad, "quote": quote},
    )


# --- one order -------------------------------------------------------------------------------


def _order_or_404(request: HttpRequest, public_id: str) -> Order:
    order = selectors.order_for_party(user=_user(request), public_id=public_id)
    if order is None:
        raise Http404("There is no such order.")
    return order


def _iso_utc(moment: datetime | None) -> str:
    """An ISO 8601 UTC instant that every browser's Date.parse reads (no microseconds)."""
    if moment is None:
        return ""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _paid_form(order: Order, data: Any = None, files: Any = None) -> MarkPaidForm:
    return MarkPaidForm(data, files, methods=selectors.seller_payment_types(order=order))


_ACTIONS = {
    "paid": selectors.ACTION_MARK_PAID,
    "cancel": selectors.ACTION_CANCEL,
    "release": selectors.ACTION_RELEASE,
}
_WRONG_ROLE = {
    "paid": gettext_lazy("Only the buyer can mark an order paid."),
    "cancel": gettext_lazy("Only the buyer can cancel an order."),
    "release": gettext_lazy("Only the seller can release an order."),
}


def _render_detail(
    request: HttpRequest,
    order: Order,
    *,
    bound: dict[str, forms.Form] | None = None,
) -> HttpResponse:
    """The order page. `bound` holds a submitted form to show again with its errors; when its
    action is no longer open (the form is not shown), its errors are said at the top."""
    user = _user(request)
    bound = bound or {}
    actions = selectors.order_actions(order=order, user=user)
    refusal = ""
    for name, form in bound.items():
        if _ACTIONS[name] not in actions and form.errors:
            errors = [str(e) for e in form.non_field_errors()]
            refusal = " ".join(errors) or _("This action is not open on this order now.")
    role = order.role_of(user.pk)
    has_totp = selectors.ACTION_RELEASE in actions and user_has_totp(user=user)
    context = {
        "order": order,
        "role": role,
        "is_taker": order.taker_id == user.pk,
        "counterparty_name": selectors.counterparty_name(order=order, user=user),
        "figures": selectors.order_figures(order=order),
        "actions": actions,
        "paid_form": bound.get("paid") or _paid_form(order),
        "cancel_form": bound.get("cancel") or CancelForm(),
        "release_form": bound.get("release") or ReleaseForm(has_totp=has_totp),
        "show_payment_details": selectors.order_shows_payment_details(order=order, user=user),
        "timeline": selectors.order_timeline(order=order, viewer=user),
        "time_up": order.pay_by is not None and order.pay_by <= timezone.now(),
        "deadline_iso": _iso_utc(order.pay_by),
        "refusal": refusal,
        "statuses": OrderStatus,
        "feedback": feedback_section(order=order, user=user),
        "buyer_identity": selectors.buyer_identity_for(order=order, viewer=user),
        "review_due": selectors.order_review_due(order=order),
        "review_hours": selectors.review_hours(),
        "cancel_words": selectors.note_words(order.cancel_reason),
    }
    return render(request, "orders/detail.html", context)


@never_cache
@login_required
@require_GET
def order_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    return _render_detail(request, _order_or_404(request, public_id))


def _refused(
    request: HttpRequest, public_id: str, name: str, form: forms.Form, error: DomainError
) -> HttpResponse:
    """Put a service's refusal on its form and show the order again, read afresh (the state
    may have moved)."""
    order = _order_or_404(request, public_id)
    message = error.message
    if isinstance(error, services.OrderNotFound):
        message = str(_WRONG_ROLE[name])  # a party, but not the one who may do this
    field: str | None = None
    if isinstance(error, WrongFundPassword):
        field = "fund_password"
    elif isinstance(error, WrongTwoFactorCode | TwoFactorRequired):
        field = "totp_code" if "totp_code" in form.fields else None
    form.add_error(field or form_field_for(error, form.fields), message)
    return _render_detail(request, order, bound={name: form})


@never_cache
@login_required
@require_POST
def order_mark_paid(request: HttpRequest, public_id: str) -> HttpResponse:
    """The buyer says the fiat is sent."""
    order = _order_or_404(request, public_id)
    form = _paid_form(order, request.POST, request.FILES)
    if not form.is_valid():
        return _render_detail(request, order, bound={"paid": form})
    try:
        services.order_mark_paid(
            actor=_user(request),
            public_id=order.public_id,
            method=form.cleaned_data["method"],
            note=form.cleaned_data.get("note") or "",
            paid_from_name=form.cleaned_data.get("paid_from_name") or "",
            proofs=form.cleaned_data.get("proofs") or [],
        )
    except DomainError as error:
        return _refused(request, public_id, "paid", form, error)
    messages.success(request, _("Marked as paid. The seller now checks the payment and releases."))
    return redirect("orders:detail", public_id=order.public_id)


@never_cache
@login_required
@require_POST
def order_cancel(request: HttpRequest, public_id: str) -> HttpResponse:
    """The buyer cancels before paying."""
    order = _order_or_404(request, public_id)
    form = CancelForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, order, bound={"cancel": form})
    try:
        services.order_cancel(
            actor=_user(request), public_id=order.public_id, reason=form.cleaned_data["reason"]
        )
    except DomainError as error:
        return _refused(request, public_id, "cancel", form, error)
    messages.success(request, _("The order is canceled; the seller's crypto is unfrozen."))
    return redirect("orders:detail", public_id=order.public_id)


@never_cache
@login_required
@require_POST
def order_release(request: HttpRequest, public_id: str) -> HttpResponse:
    """The seller confirms the payment arrived: the crypto goes to the buyer."""
    user = _user(request)
    order = _order_or_404(request, public_id)
    form = ReleaseForm(request.POST, has_totp=user_has_totp(user=user))
    if not form.is_valid():
        return _render_detail(request, order, bound={"release": form})
    try:
        services.order_release(
            actor=user,
            public_id=order.public_id,
            fund_password=form.cleaned_data["fund_password"],
            totp_code=form.totp_code(),
        )
    except DomainError as error:
        return _refused(request, public_id, "release", form, error)
    messages.success(request, _("Released: the crypto is in the buyer's wallet."))
    return redirect("orders:detail", public_id=order.public_id)


@login_required
@require_GET
def order_proof(request: HttpRequest, public_id: str, proof_id: int) -> FileResponse:
    """A payment proof image, to the order's two parties only; anyone else gets 404."""
    proof = selectors.proof_for_party(user=_user(request), public_id=public_id, proof_id=proof_id)
    if proof is None:
        raise Http404("There is no such proof.")
    return serve_private(
        proof.file,
        content_type=proof.content_type,
        filename=f"proof-{public_id}-{proof.pk}.{proof.extension}",
        missing="There is no such proof.",
    )


# --- the user's orders ---------------------------------------------------------------------


@never_cache
@login_required
@require_GET
@vary_on_headers("HX-Request")
def order_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = OrderFilterForm(request.GET or None)
    orders = selectors.orders_for_user(user=user, filters=form.filters())
    page = Paginator(orders, ORDERS_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": selectors.order_rows(orders=page, user=user),
        "query": query.urlencode(),
    }
    template = "orders/_list_results.html" if _wants_fragment(request) else "orders/list.html"
    return render(request, template, context)


class _Echo:
    """A file-like object whose write returns the line, for a streamed CSV."""

    def write(self, value: str) -> str:
        return value


@never_cache
@login_required
@require_GET
def order_export(request: HttpRequest) -> StreamingHttpResponse:
    """The filtered orders as CSV; every figure is a Decimal written as text, never a float."""
    user = _user(request)
    filters = OrderFilterForm(request.GET or None).filters()
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield writer.writerow(selectors.EXPORT_HEADER)
        for row in selectors.order_export_rows(user=user, filters=filters):
            yield writer.writerow(row)

    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="orders-{stamp}.csv"'
    return response
