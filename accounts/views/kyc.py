"""Identity verification pages: the overview, the two level forms, and document downloads."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.files import serve_private
from core.staff_actions import StaffActionKind, record_staff_action

from ..forms import KycLevel1Form, KycLevel2Form
from ..models import User
from ..models.kyc import KycLevel
from ..selectors import kyc_document_for_viewer, kyc_overview, kyc_submit_blocker
from ..services.kyc import KycError, KycInvalid, kyc_submit_level1, kyc_submit_level2


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
@require_GET
def kyc_home(request: HttpRequest) -> HttpResponse:
    return render(
        request, "accounts/kyc/home.html", {"overview": kyc_overview(user=_user(request))}
    )


def _refused(form: Form, error: KycError) -> None:
    """Put each refusal next to its field; a refusal about the whole request goes on top."""
    if isinstance(error, KycInvalid):
        for field, message in error.errors.items():
            form.add_error(field if field in form.fields else None, message)
    else:
        form.add_error(None, error.message)


def _level_page(request: HttpRequest, level: int, form: Form) -> HttpResponse:
    template = f"accounts/kyc/level{level}.html"
    return render(request, template, {"form": form, "level": KycLevel(level)})


def _submit_level(
    request: HttpRequest,
    level: int,
    form_class: type[Form],
    submit: Callable[..., object],
    thanks: str,
) -> HttpResponse:
    """The same flow for every level: refuse early with the reason, else validate, submit,
    and show the service's refusal on the form."""
    user = _user(request)
    if request.method == "GET":
        blocker = kyc_submit_blocker(user=user, level=level)
        if blocker:
            messages.info(request, blocker)
            return redirect("accounts:kyc")
        return _level_page(request, level, form_class())
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            submit(actor=user, **form.cleaned_data)
        except KycError as error:
            _refused(form, error)
        else:
            messages.success(request, thanks)
            return redirect("accounts:kyc")
    return _level_page(request, level, form)


@login_required
@require_http_methods(["GET", "POST"])
def kyc_level1(request: HttpRequest) -> HttpResponse:
    return _submit_level(
        request,
        KycLevel.IDENTITY,
        KycLevel1Form,
        kyc_submit_level1,
        _("Thank you: your documents are waiting for review."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def kyc_level2(request: HttpRequest) -> HttpResponse:
    return _submit_level(
        request,
        KycLevel.ADDRESS,
        KycLevel2Form,
        kyc_submit_level2,
        _("Thank you: your proof of address is waiting for review."),
    )


@login_required
@require_GET
def kyc_document(request: HttpRequest, doc_id: int) -> FileResponse:
    """The image, to its owner or to KYC reviewers; anyone else is told it does not exist."""
    viewer = _user(request)
    document = kyc_document_for_viewer(viewer=viewer, doc_id=doc_id)
    if document is None:
        raise Http404(_("No such document."))
    if document.submission.user_id != viewer.pk:
        # a reviewer looking at someone's identity papers: on the record before they see them
        record_staff_action(
            actor=viewer,
            action=StaffActionKind.KYC_DOCUMENT_VIEWED,
            target=document,
            request=request,
        )
    return serve_private(
        document.file,
        content_type=document.content_type,
        filename=f"kyc-document-{document.pk}.{document.extension}",
        missing=_("No such document."),
    )


urlpatterns: list[URLPattern] = [
    path("kyc/", kyc_home, name="kyc"),
    path("kyc/level-1/", kyc_level1, name="kyc_level1"),
    path("kyc/level-2/", kyc_level2, name="kyc_level2"),
    path("kyc/documents/<int:doc_id>/", kyc_document, name="kyc_document"),
]
