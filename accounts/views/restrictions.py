"""The person's restrictions, in force and past, and their appeals against them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.errors import DomainError, form_field_for

from ..forms.appeals import AppealForm
from ..models import User
from ..selectors.appeals import restriction_for_appeal, restriction_rows
from ..services.appeals import restriction_appeal_send


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
@require_GET
def restrictions_page(request: HttpRequest) -> HttpResponse:
    rows = restriction_rows(user=_user(request))
    return render(request, "accounts/restrictions/index.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def appeal_page(request: HttpRequest, restriction_id: int) -> HttpResponse:
    row = restriction_for_appeal(user=_user(request), restriction_id=restriction_id)
    if row is None:
        raise Http404
    if row.open_appeal is not None:
        messages.info(request, _("Your appeal against this restriction is waiting for an answer."))
        return redirect("accounts:restrictions")
    form = AppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            restriction_appeal_send(
                actor=_user(request), restriction_id=restriction_id, text=form.cleaned_data["text"]
            )
        except DomainError as error:
            form.add_error(form_field_for(error, form.fields), error.message)
        else:
            messages.success(request, _("Your appeal is sent. We will answer it here."))
            return redirect("accounts:restrictions")
    return render(request, "accounts/restrictions/appeal.html", {"row": row, "form": form})


urlpatterns: list[URLPattern] = [
    path("security/restrictions/", restrictions_page, name="restrictions"),
    path("security/restrictions/<int:restriction_id>/appeal/", appeal_page, name="appeal"),
]
