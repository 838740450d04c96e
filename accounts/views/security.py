from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ..models import User
from ..selectors import security_overview
from ..services.security import end_other_sessions


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
@require_GET
def security_page(request: HttpRequest) -> HttpResponse:
    overview = security_overview(request=request, user=_user(request))
    return render(request, "accounts/security/index.html", {"overview": overview})


@login_required
@require_POST
def sign_out_other_sessions(request: HttpRequest) -> HttpResponse:
    end_other_sessions(request=request, actor=_user(request))
    messages.success(request, _("Every other session has been signed out."))
    return redirect("accounts:security")


urlpatterns: list[URLPattern] = [
    path("security/", security_page, name="security"),
    path("security/sessions/sign-out-others/", sign_out_other_sessions, name="end_sessions"),
]
