"""The parties' appeal pages."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def dispute_new(request: HttpRequest, order_public_id: str) -> HttpResponse:
    raise Http404("Appeals are not open yet.")


def dispute_for_order(request: HttpRequest, order_public_id: str) -> HttpResponse:
    raise Http404("There is no dispute on this order.")
