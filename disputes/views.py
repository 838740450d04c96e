"""The parties' appeal pages: open an appeal on a paid order, follow it, add evidence, withdraw
it. Thin: parse a form, call one service, render; a refusal is shown on the page, never as a
500. Anyone but the order's two parties gets 404, on every page and file."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from core.config import config_value
from core.errors import DomainError, form_field_for
from core.files import serve_private
from orders.models import OrderStatus
from orders.selectors import appeal_open

from . import selectors, services
from .evidence import MAX_FILE_BYTES, MAX_FILES_PER_PARTY
from .forms import AppealForm, EvidenceForm, WithdrawForm
from .models import Dispute, DisputeStatus


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _refuse_on(form: AppealForm | EvidenceForm, error: DomainError) -> None:
    """Put a service's refusal next to its field (the service's `files` is the form's
    `attachments`), or on top of the form."""
    field = "attachments" if error.field == "files" else form_field_for(error, form.fields)
    form.add_error(field, error.message)


def _is_htmx(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request  # type: ignore[union-attr]


def _rules() -> dict[str, Any]:
    return {
        "response_hours": config_value("DISPUTE_RESPONSE_HOURS"),
        "appeal_after_minutes": config_value("ORDER_APPEAL_AFTER_MINUTES"),
        "max_files": MAX_FILES_PER_PARTY,
        "max_mb": MAX_FILE_BYTES // (1024 * 1024),
    }


# --- opening an appeal -------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def dispute_new(request: HttpRequest, order_public_id: str) -> HttpResponse:
    """The appeal form on one of the user's orders, with the rules; a valid submit opens the
    appeal and shows it."""
    user = _user(request)
    order = selectors.order_for_appeal(user=user, order_public_id=order_public_id)
    if order is None:
        raise Http404("There is no such order.")
    if order.status == OrderStatus.DISPUTED:
        latest = selectors.latest_dispute_for_order(user=user, order_public_id=order.public_id)
        if latest is not None and latest.status == DisputeStatus.OPEN:
            messages.info(request, _("An appeal on this order is already open."))
            return redirect("disputes:detail", public_id=latest.public_id)
    form = AppealForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            dispute = services.dispute_open(
                actor=user,
                order_public_id=order.public_id,
                reason=form.cleaned_data["reason"],
                description=form.cleaned_data["description"],
                files=form.cleaned_data.get("attachments") or [],
            )
        except services.DisputeNotFound as error:
            raise Http404("There is no such order.") from error
        except DomainError as error:
            _refuse_on(form, error)
        else:
            messages.success(
                request,
                _("Your appeal is open. The other party has been told; staff will review it."),
            )
            return redirect("disputes:detail", public_id=dispute.public_id)
    context = {
        "order": order,
        "form": form,
        "role": order.role_of(user.pk),
        "can_appeal": order.status == OrderStatus.PAID,
        "too_early": order.status == OrderStatus.PAID and not appeal_open(order=order),
        **_rules(),
    }
    return render(request, "disputes/new.html", context)


@login_required
@require_GET
def dispute_for_order(request: HttpRequest, order_public_id: str) -> HttpResponse:
    """The order's latest appeal, for one of its parties."""
    dispute = selectors.latest_dispute_for_order(
        user=_user(request), order_public_id=order_public_id
    )
    if dispute is None:
        raise Http404("There is no dispute on this order.")
    return redirect("disputes:detail", public_id=dispute.public_id)


# --- one appeal --------------------------------------------------------------------------------


def _dispute_or_404(request: HttpRequest, public_id: str) -> Dispute:
    dispute = selectors.dispute_for_party(user=_user(request), public_id=public_id)
    if dispute is None:
        raise Http404("There is no such dispute.")
    return dispute


def _evidence_context(
    request: HttpRequest, dispute: Dispute, form: EvidenceForm | None = None
) -> dict[str, Any]:
    user = _user(request)
    files_used = selectors.own_file_count(dispute=dispute, user=user)
    return {
        "dispute": dispute,
        "evidence": selectors.own_evidence(dispute=dispute, user=user),
        "evidence_form": form or EvidenceForm(),
        "is_open": dispute.status == DisputeStatus.OPEN,
        "files_left": max(MAX_FILES_PER_PARTY - files_used, 0),
        **_rules(),
    }


def _render_detail(
    request: HttpRequest,
    dispute: Dispute,
    *,
    evidence_form: EvidenceForm | None = None,
    withdraw_form: WithdrawForm | None = None,
    refusal: str = "",
    status: int = 200,
) -> HttpResponse:
    """The appeal page. `refusal`: a refused action whose form is not shown (any more)."""
    user = _user(request)
    is_open = dispute.status == DisputeStatus.OPEN
    context = {
        **_evidence_context(request, dispute, evidence_form),
        "order": dispute.order,
        "role": dispute.order.role_of(user.pk),
        "is_opener": dispute.opened_by_id == user.pk,
        "can_withdraw": is_open and dispute.opened_by_id == user.pk,
        "withdraw_form": withdraw_form or WithdrawForm(),
        "deadlines": selectors.dispute_deadlines(dispute=dispute, user=user),
        "decision": selectors.executed_decision(dispute=dispute),
        "decision_pending": is_open and selectors.decision_pending(dispute=dispute),
        "refusal": refusal,
    }
    return render(request, "disputes/detail.html", context, status=status)


@never_cache
@login_required
@require_GET
def dispute_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    return _render_detail(request, _dispute_or_404(request, public_id))


@never_cache
@login_required
@require_POST
def evidence_add(request: HttpRequest, public_id: str) -> HttpResponse:
    """Add text and/or files; with htmx only the evidence section is swapped."""
    dispute = _dispute_or_404(request, public_id)
    form = EvidenceForm(request.POST, request.FILES)
    added = False
    if form.is_valid():
        try:
            services.evidence_add(
                actor=_user(request),
                dispute_public_id=dispute.public_id,
                text=form.cleaned_data.get("text") or "",
                files=form.cleaned_data.get("attachments") or [],
            )
        except services.DisputeNotFound as error:
            raise Http404("There is no such dispute.") from error
        except DomainError as error:
            _refuse_on(form, error)
        else:
            added = True
    dispute = _dispute_or_404(request, public_id)  # read afresh: a request may have been answered
    if _is_htmx(request):
        context = _evidence_context(request, dispute, None if added else form)
        context["added"] = added
        # 200 either way: htmx swaps only successful responses, and the errors are in the form
        return render(request, "disputes/_evidence.html", context)
    if added:
        messages.success(
            request, _("Your evidence is added. Staff see it; the other party does not.")
        )
        return redirect("disputes:detail", public_id=dispute.public_id)
    return _render_detail(request, dispute, evidence_form=form, status=422)


@never_cache
@login_required
@require_POST
def dispute_withdraw(request: HttpRequest, public_id: str) -> HttpResponse:
    """The opener takes the appeal back; the order returns to paid."""
    dispute = _dispute_or_404(request, public_id)
    form = WithdrawForm(request.POST)
    refusal = ""
    if form.is_valid():
        try:
            services.dispute_withdraw(
                actor=_user(request),
                dispute_public_id=dispute.public_id,
                note=form.cleaned_data.get("note") or "",
            )
        except DomainError as error:
            form.add_error(None, error.message)
            refusal = error.message
        else:
            messages.success(
                request, _("Your appeal is withdrawn; the order is back to paid, awaiting release.")
            )
            return redirect("orders:detail", public_id=dispute.order.public_id)
    dispute = _dispute_or_404(request, public_id)
    return _render_detail(request, dispute, withdraw_form=form, refusal=refusal, status=422)


@login_required
@require_GET
def evidence_file(request: HttpRequest, evidence_id: int) -> FileResponse:
    """One evidence file, to its author or staff who handle disputes; anyone else gets 404.
    A PDF is always a download, never shown in the browser."""
    item = selectors.evidence_file_for_viewer(user=_user(request), evidence_id=evidence_id)
    if item is None:
        raise Http404("There is no such file.")
    return serve_private(
        item.file,
        content_type=item.content_type,
        filename=f"evidence-{item.pk}.{item.extension}",
        download=item.content_type == "application/pdf",
    )
