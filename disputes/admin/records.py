"""The case's records and files: payment proofs, chat images and evidence open only through
these views, which check the staff member's permission and that the file belongs to the case;
the staff action log and the evidence are read here, changed by nobody."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin import ReadOnlyAdmin
from core.files import serve_private

from .. import selectors as reads
from ..models import Dispute, DisputeAction, Evidence
from .base import CaseAdminBase, case_link, staff_of


class FileViews(CaseAdminBase):
    def _file_viewer(self, request: HttpRequest, object_id: int) -> Dispute:
        dispute = self._dispute(request, object_id)
        if not reads.can_open_dispute_files(user=staff_of(request)):
            raise PermissionDenied
        return dispute

    def proof_view(self, request: HttpRequest, object_id: int, proof_id: int) -> HttpResponseBase:
        dispute = self._file_viewer(request, object_id)
        proof = reads.proof_for_staff(dispute=dispute, proof_id=proof_id)
        if proof is None:
            raise Http404(_("There is no such proof."))
        return serve_private(
            proof.file,
            content_type=proof.content_type,
            filename=f"proof-{dispute.order.public_id}-{proof.pk}.{proof.extension}",
        )

    def chat_image_view(
        self, request: HttpRequest, object_id: int, message_id: int
    ) -> HttpResponseBase:
        dispute = self._file_viewer(request, object_id)
        message = reads.chat_image_for_staff(dispute=dispute, message_id=message_id)
        if message is None:
            raise Http404(_("There is no such image."))
        return serve_private(
            message.image,
            content_type=message.image_content_type,
            filename=f"chat-{dispute.order.public_id}-{message.pk}",
        )

    def evidence_view(
        self, request: HttpRequest, object_id: int, evidence_id: int
    ) -> HttpResponseBase:
        dispute = self._file_viewer(request, object_id)
        item = reads.evidence_for_staff(dispute=dispute, evidence_id=evidence_id)
        if item is None:
            raise Http404(_("There is no such file."))
        return serve_private(
            item.file,
            content_type=item.content_type or "application/octet-stream",
            filename=f"evidence-{dispute.public_id}-{item.pk}.{item.extension}",
            # documents are downloaded, never rendered in the admin's origin
            download=not item.content_type.startswith("image/"),
        )


@admin.register(DisputeAction)
class DisputeActionAdmin(ReadOnlyAdmin):
    """The staff action log: read by anyone allowed, changed by nobody."""

    list_display = ("created_at", "case", "kind", "actor", "detail")
    list_filter = ("kind",)
    search_fields = ("dispute__public_id", "actor__email", "detail")
    list_select_related = ("dispute", "actor")
    fields = ("case", "kind", "actor", "detail", "created_at")
    readonly_fields = fields

    @admin.display(description=gettext_lazy("dispute"))
    def case(self, action: DisputeAction) -> str:
        return case_link(action.dispute)


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    """Evidence as staff see it; the file opens through the case's checked view, never a
    storage URL."""

    list_display = ("created_at", "case", "author", "kind_of_item", "original_name")
    search_fields = ("dispute__public_id", "author__email", "original_name")
    list_select_related = ("dispute", "author")
    fields = ("case", "author", "text", "file_link", "content_type", "size", "created_at")
    readonly_fields = fields

    @admin.display(description=gettext_lazy("dispute"))
    def case(self, item: Evidence) -> str:
        return case_link(item.dispute)

    @admin.display(description=gettext_lazy("kind"))
    def kind_of_item(self, item: Evidence) -> str:
        return "file" if item.file else "text"

    @admin.display(description=gettext_lazy("file"))
    def file_link(self, item: Evidence) -> str:
        if not item.file:
            return "-"
        url = reverse("admin:disputes_evidence_file", args=[item.dispute_id, item.pk])
        return format_html('<a href="{}">{}</a>', url, item.original_name or "open")
