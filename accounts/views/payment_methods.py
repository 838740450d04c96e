"""Saved payment methods: list, add (pick a type, then its form), edit, delete, and the QR image
served to its owner only."""

from __future__ import annotations

import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.errors import DomainError, form_field_for
from core.files import private_file_response

from ..forms import PaymentMethodForm
from ..models import PaymentMethodType, User, UserPaymentMethod
from ..models.kyc import KycLevel
from ..selectors import (
    kyc_legal_name,
    kyc_level,
    payment_method_detail_lines,
    payment_method_for_owner,
    payment_method_type_enabled,
    payment_method_types_enabled,
    payment_methods_for_user,
)
from ..services import payment_methods as services

KYC_URL = "/kyc/"  # the identity-check pages (accounts/views/kyc.py)
LIST = "accounts:payment_methods"


def _me(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _identity(user: User) -> str | None:
    """The verified legal name when the user may save methods (KYC level 1), else None."""
    if kyc_level(user=user) < KycLevel.IDENTITY:
        return None
    return kyc_legal_name(user=user)


def _kyc_required(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/payment_methods/kyc_required.html", {"kyc_url": KYC_URL})


def _own_method(user: User, pk: int) -> UserPaymentMethod:
    method = payment_method_for_owner(user=user, pk=pk)
    if method is None:
        raise Http404(_("No such payment method."))
    return method


@login_required
@require_GET
def method_list(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    methods = list(payment_methods_for_user(user=user))
    rows = [(m, payment_method_detail_lines(method=m)) for m in methods]
    context = {
        "rows": rows,
        "legal_name": _identity(user),
        "kyc_url": KYC_URL,
        "limit": settings.PAYMENT_METHODS_MAX,
        "at_limit": len(methods) >= settings.PAYMENT_METHODS_MAX,
    }
    return render(request, "accounts/payment_methods/list.html", context)


@login_required
@require_GET
def choose_type(request: HttpRequest) -> HttpResponse:
    if _identity(_me(request)) is None:
        return _kyc_required(request)
    types = list(payment_method_types_enabled())
    return render(request, "accounts/payment_methods/choose_type.html", {"types": types})


def _render_form(
    request: HttpRequest,
    form: PaymentMethodForm,
    method_type: PaymentMethodType,
    legal_name: str,
    method: UserPaymentMethod | None = None,
) -> HttpResponse:
    context = {"form": form, "method_type": method_type, "legal_name": legal_name, "method": method}
    return render(request, "accounts/payment_methods/form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def add(
    request: HttpRequest, code: str, screen: services.PaymentMethodScreen | None = None
) -> HttpResponse:
    """`screen` comes from the project's URLs (risk's decision on a new method)."""
    user = _me(request)
    method_type = payment_method_type_enabled(code=code)
    if method_type is None:
        raise Http404(_("No such payment method type."))
    legal_name = _identity(user)
    if legal_name is None:
        return _kyc_required(request)
    if request.method != "POST":
        form = PaymentMethodForm(method_type=method_type, initial={"holder_name": legal_name})
        return _render_form(request, form, method_type, legal_name)
    form = PaymentMethodForm(request.POST, request.FILES, method_type=method_type)
    if form.is_valid():
        try:
            services.payment_method_add(
                actor=user,
                method_type=method_type,
                holder_name=form.cleaned_data["holder_name"],
                details=form.details(),
                qr_upload=form.cleaned_data.get("qr_image"),
                screen=screen,
            )
        except DomainError as error:
            form.add_error(form_field_for(error, form.fields), error.message)
        else:
            messages.success(request, _("%(name)s saved.") % {"name": method_type.display_name})
            return redirect(LIST)
    return _render_form(request, form, method_type, legal_name)


@login_required
@require_http_methods(["GET", "POST"])
def edit(
    request: HttpRequest, pk: int, screen: services.PaymentMethodScreen | None = None
) -> HttpResponse:
    user = _me(request)
    method = _own_method(user, pk)
    legal_name = _identity(user)
    if legal_name is None:
        return _kyc_required(request)
    has_qr = bool(method.qr_image)
    if request.method != "POST":
        initial = PaymentMethodForm.initial_for(method.holder_name, method.details)
        form = PaymentMethodForm(method_type=method.method_type, has_qr=has_qr, initial=initial)
        return _render_form(request, form, method.method_type, legal_name, method)
    form = PaymentMethodForm(
        request.POST, request.FILES, method_type=method.method_type, has_qr=has_qr
    )
    if form.is_valid():
        try:
            services.payment_method_update(
                actor=user,
                method=method,
                holder_name=form.cleaned_data["holder_name"],
                details=form.details(),
                qr_upload=form.cleaned_data.get("qr_image"),
                remove_qr=bool(form.cleaned_data.get("remove_qr")),
                screen=screen,
            )
        except services.PaymentMethodNotFound as error:
            raise Http404(_("No such payment method.")) from error
        except DomainError as error:
            form.add_error(form_field_for(error, form.fields), error.message)
        else:
            name = method.method_type.display_name
            messages.success(request, _("%(name)s updated.") % {"name": name})
            return redirect(LIST)
    return _render_form(request, form, method.method_type, legal_name, method)


@login_required
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = _me(request)
    method = _own_method(user, pk)
    if request.method != "POST":
        context = {"method": method, "lines": payment_method_detail_lines(method=method)}
        return render(request, "accounts/payment_methods/confirm_delete.html", context)
    try:
        services.payment_method_delete(actor=user, method=method)
    except services.PaymentMethodNotFound as error:
        raise Http404(_("No such payment method.")) from error
    except DomainError as error:
        messages.error(request, error.message)
    else:
        name = method.method_type.display_name
        messages.success(request, _("%(name)s deleted.") % {"name": name})
    return redirect(LIST)


def _image_type(head: bytes) -> str | None:
    """The type of an image we re-encoded ourselves, from its first bytes."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


@login_required
@require_GET
def qr_image(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The QR code image, to its owner only; anyone else gets the same 404 as a missing one."""
    method = _own_method(_me(request), pk)
    if not method.qr_image:
        raise Http404(_("No QR code image."))
    try:
        with method.qr_image.open("rb") as stored:
            content = stored.read()
    except OSError as error:
        raise Http404(_("No QR code image.")) from error
    content_type = _image_type(content[:16])
    if content_type is None:
        raise Http404(_("No QR code image."))
    return private_file_response(
        io.BytesIO(content), content_type=content_type, filename="payment-qr"
    )


def patterns(*, screen: services.PaymentMethodScreen | None = None) -> list[URLPattern]:
    """The pages, with the screen a new or changed account passes (none: only accounts' own
    checks)."""
    return [
        path("payment-methods/", method_list, name="payment_methods"),
        path("payment-methods/add/", choose_type, name="payment_method_choose"),
        path(
            "payment-methods/add/<slug:code>/",
            add,
            {"screen": screen},
            name="payment_method_add",
        ),
        path(
            "payment-methods/<int:pk>/edit/",
            edit,
            {"screen": screen},
            name="payment_method_edit",
        ),
        path("payment-methods/<int:pk>/delete/", delete, name="payment_method_delete"),
        path("payment-methods/<int:pk>/qr/", qr_image, name="payment_method_qr"),
    ]


urlpatterns = patterns()
