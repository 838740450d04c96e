from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from core.errors import form_field_for
from core.qr import qr_svg

from ..forms import AddressBookForm, AddressEditForm, StatementFilterForm
from ..selectors import (
    address_book_entry,
    address_book_of,
    deposit_address_of,
    deposit_networks,
    deposits_of,
    statement_for_user,
    statement_line,
    wallet_for_user,
    withdrawable_by_asset,
)
from ..selectors.withdrawals import withdrawals_of
from ..services.address_book import (
    AddressRefused,
    address_add,
    address_change,
    address_remove,
)
from ..services.deposits import DepositsPaused, deposit_address_issue

STATEMENT_PAGE_SIZE = 25


@login_required
@require_GET
@vary_on_headers("HX-Request")
def wallet(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = StatementFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    transfers = statement_for_user(
        user=user,  # type: ignore[arg-type]
        asset=filters.get("asset") or None,
        kind=filters.get("kind") or None,
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    )
    page = Paginator(transfers, STATEMENT_PAGE_SIZE).get_page(request.GET.get("page"))
    lines = [statement_line(transfer=t, user=user) for t in page]  # type: ignore[arg-type]
    query = request.GET.copy()
    query.pop("page", None)
    wallet_lines = wallet_for_user(user=user)  # type: ignore[arg-type]
    withdrawable = withdrawable_by_asset(
        user=user,  # type: ignore[arg-type]
        assets=[line.asset for line in wallet_lines],
    )
    context = {
        "wallet": wallet_lines,
        # each balance with what of it may be withdrawn now and the locks that hold the rest
        "balances": [(line, withdrawable[line.asset.pk]) for line in wallet_lines],
        "locked_assets": [w for w in withdrawable.values() if w.locks],
        "deposits": deposits_of(user=user),  # type: ignore[arg-type]
        "withdrawals": withdrawals_of(user=user),  # type: ignore[arg-type]
        "form": form,
        "page": page,
        "lines": lines,
        "query": query.urlencode(),
    }
    htmx = getattr(request, "htmx", None)
    # a history restore (the Back button) needs the whole page, not the fragment
    partial = bool(htmx) and not htmx.history_restore_request  # type: ignore[union-attr]
    template = "escrow/_statement.html" if partial else "escrow/wallet.html"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def deposit(request: HttpRequest) -> HttpResponse:
    """Where to send crypto from elsewhere: pick a network, get (once) your address on it."""
    networks = deposit_networks()
    chosen = next((n for n in networks if str(n.pk) == request.GET.get("network")), None)
    if request.method == "POST":
        asked = request.POST.get("network", "")
        try:
            issued = deposit_address_issue(
                actor=request.user,  # type: ignore[arg-type]
                network_id=int(asked) if asked.isdigit() else 0,
            )
        except DepositsPaused as error:
            messages.error(request, error.message)
            return redirect("escrow:deposit")
        return redirect(f"{reverse('escrow:deposit')}?network={issued.network_id}")
    address = deposit_address_of(user=request.user, network=chosen) if chosen else None  # type: ignore[arg-type]
    qr = None
    if address is not None and chosen is not None:
        label = _("QR code of your %(symbol)s address on %(network)s") % {
            "symbol": chosen.asset.symbol,
            "network": chosen.name,
        }
        qr = qr_svg(address.address, label=label)
    context = {"networks": networks, "chosen": chosen, "address": address, "qr": qr}
    return render(request, "escrow/deposit.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def addresses(request: HttpRequest) -> HttpResponse:
    """The address book: the entries, when each may receive a withdrawal, and a form to add."""
    form = AddressBookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data
            address_add(
                actor=request.user,  # type: ignore[arg-type]
                network_id=data["network"],
                label=data["label"],
                address=data["address"],
                memo=data["memo"],
            )
        except AddressRefused as error:
            form.add_error(form_field_for(error, form.fields), error.message)
        else:
            messages.success(request, _("Added. It can receive withdrawals once its cooling ends."))
            return redirect("escrow:addresses")
    entries = address_book_of(user=request.user)  # type: ignore[arg-type]
    context = {
        "form": form,
        "entries": entries,
        "now": timezone.now(),
        "cooling_hours": settings.WITHDRAWAL_ADDRESS_COOLING_HOURS,
    }
    return render(request, "escrow/addresses.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def address_edit(request: HttpRequest, entry_id: int) -> HttpResponse:
    """Change an entry's label, address or memo; a new address cools again."""
    entry = address_book_entry(user=request.user, entry_id=entry_id)  # type: ignore[arg-type]
    if entry is None:
        raise Http404
    initial = {"label": entry.label, "address": entry.address, "memo": entry.memo}
    form = AddressEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            changed = address_change(
                actor=request.user,  # type: ignore[arg-type]
                entry_id=entry.pk,
                label=data["label"],
                address=data["address"],
                memo=data["memo"],
            )
        except AddressRefused as error:
            form.add_error(form_field_for(error, form.fields), error.message)
        else:
            moved = (changed.address, changed.memo) != (initial["address"], initial["memo"])
            messages.success(
                request,
                _("Saved. The new address can receive withdrawals once its cooling ends.")
                if moved
                else _("Saved."),
            )
            return redirect("escrow:addresses")
    context = {
        "form": form,
        "entry": entry,
        "cooling_hours": settings.WITHDRAWAL_ADDRESS_COOLING_HOURS,
    }
    return render(request, "escrow/address_edit.html", context)


@login_required
@require_http_methods(["POST"])
def address_delete(request: HttpRequest, entry_id: int) -> HttpResponse:
    try:
        address_remove(actor=request.user, entry_id=entry_id)  # type: ignore[arg-type]
    except AddressRefused as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Removed from your address book."))
    return redirect("escrow:addresses")
