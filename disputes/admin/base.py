"""What the case screen's views share: the staff member, who may read a case, the case as the
URL names it, and how a service's refusal shows on a confirmation page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from accounts.models import User
from core.admin import ReadOnlyAdmin
from core.errors import DomainError, form_field_for

from .. import selectors as reads
from ..models import Dispute


def staff_of(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def posted(request: HttpRequest) -> Any:
    """The form's data on a POST (even an empty one: a bare confirmation), None on a GET."""
    return request.POST if request.method == "POST" else None


def show_refusal(request: HttpRequest, form: forms.Form, error: DomainError) -> None:
    """A service's refusal: beside the field it is about, and always as the page's message."""
    field = form_field_for(error, form.fields)
    if field is not None:
        form.add_error(field, error.message)
    messages.error(request, error.message)


def must_read(staff: User, dispute: Dispute) -> None:
    """Nobody on staff works a case about their own order; only those allowed see cases."""
    if not reads.can_read_disputes(user=staff) or dispute.order.role_of(staff.pk) is not None:
        raise PermissionDenied


def case_link(dispute: Dispute) -> str:
    url = reverse("admin:disputes_dispute_change", args=[dispute.pk])
    return format_html('<a href="{}">{}</a>', url, dispute.public_id)


class CaseAdminBase(ReadOnlyAdmin[Dispute]):
    """The dispute admin's shared lookups; its screens are mixins of this class."""

    def _dispute(self, request: HttpRequest, object_id: object) -> Dispute:
        dispute = reads.dispute_for_staff(pk=object_id)
        if dispute is None:
            raise Http404(_("There is no such dispute."))
        must_read(staff_of(request), dispute)
        return dispute

    def _screen_url(self, dispute: Dispute) -> str:
        return reverse("admin:disputes_dispute_change", args=[dispute.pk])
