"""The public market pages: thin, the reads live in `ads.selectors`."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from ..selectors import market_page, merchant_profile, merchant_public_get


def _wants_fragment(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    # a history restore (the Back button) needs the whole page, not the fragment
    return bool(htmx) and not htmx.history_restore_request  # type: ignore[union-attr]


@require_GET
@vary_on_headers("HX-Request", "Cookie")
def market(request: HttpRequest) -> HttpResponse:
    """The Buy / Sell lists with their filters; htmx swaps only the results."""
    viewer = request.user if request.user.is_authenticated else None
    view = market_page(params=request.GET, page_number=request.GET.get("page"), viewer=viewer)
    context = {"market": view, "filters": view.filters, "rows": view.rows, "page": view.page}
    if _wants_fragment(request):
        return render(request, "ads/market/_results.html", {**context, "fragment": True})
    return render(request, "ads/market/market.html", context)


@require_GET
def merchant(request: HttpRequest, display_name: str) -> HttpResponse:
    """A merchant's public profile: badge, figures and their listed ads."""
    found = merchant_public_get(display_name=display_name)
    if found is None:
        raise Http404(_("There is no such merchant."))
    viewer = request.user if request.user.is_authenticated else None
    profile = merchant_profile(merchant=found, viewer=viewer)
    return render(request, "ads/market/merchant.html", {"profile": profile})
