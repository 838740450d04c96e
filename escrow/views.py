from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .forms import StatementFilterForm
from .selectors import statement_for_user, statement_line, wallet_for_user

STATEMENT_PAGE_SIZE = 25


@login_required
@require_GET
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
    context = {
        "wallet": wallet_for_user(user=user),  # type: ignore[arg-type]
        "form": form,
        "page": page,
        "lines": lines,
        "query": query.urlencode(),
    }
    template = "escrow/_statement.html" if request.htmx else "escrow/wallet.html"  # type: ignore[attr-defined]
    return render(request, template, context)
