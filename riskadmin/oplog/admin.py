"""The operation log in the admin, for auditors: one list over every history table, searched by
actor (email), target (model and id) and time; exported as CSV, which is itself recorded. And
the staff actions with their reasons. Nothing here can be added, changed or deleted."""

from __future__ import annotations

import csv
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

from asgiref.sync import sync_to_async
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.core.handlers.asgi import ASGIRequest
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.staff_actions import StaffActionKind

from .records import OperationEvent, StaffAction
from .services import staff_action_record
from .tracking import EVENT_MODELS

EXPORT_PERMISSION = "riskadmin.export_operationevent"
EXPORT_BATCH = 500


def _tracked_label(event_model: Any) -> str:
    """The real model's label (accounts.User), not its tracking proxy's."""
    return str(event_model.pgh_tracked_model._meta.concrete_model._meta.label)


EVENT_MODEL_BY_TARGET = {_tracked_label(model): model for model in EVENT_MODELS}
TARGET_BY_PROXY = {
    model.pgh_tracked_model._meta.label: _tracked_label(model)  # type: ignore[attr-defined]
    for model in EVENT_MODELS
}


class TargetModelFilter(admin.SimpleListFilter):
    title = gettext_lazy("target model")
    parameter_name = "target_model"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return sorted(
            (
                (label, str(model.pgh_tracked_model._meta.verbose_name))  # type: ignore[attr-defined]
                for label, model in EVENT_MODEL_BY_TARGET.items()
            ),
            key=lambda choice: choice[1],
        )

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        event_model = EVENT_MODEL_BY_TARGET.get(self.value() or "")
        if event_model is None:
            return queryset
        # only that model's history table is read, not the union of all of them
        return queryset.across(event_model)  # type: ignore[attr-defined]


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OperationEvent)
class OperationEventAdmin(ReadOnlyAdmin):
    change_list_template = "admin/riskadmin/operation_log_change_list.html"
    list_display = ("pgh_created_at", "actor", "pgh_label", "target", "changes", "ip", "path")
    list_filter = (TargetModelFilter, ("pgh_created_at", admin.DateFieldListFilter), "pgh_label")
    search_fields = ("actor__email", "=pgh_obj_id")
    search_help_text = gettext_lazy("An actor's email, or a target's id.")
    date_hierarchy = "pgh_created_at"
    ordering = ("-pgh_created_at", "-pgh_id")
    list_select_related = ("actor",)
    show_full_result_count = False  # each count reads every history table

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        # the model's default manager returns nothing on purpose (pghistory: dumpdata)
        return OperationEvent.objects.all().select_related("actor")

    @admin.display(description=gettext_lazy("target"))
    def target(self, event: Any) -> str:
        return (
            f"{TARGET_BY_PROXY.get(event.pgh_obj_model, event.pgh_obj_model)} #{event.pgh_obj_id}"
        )

    @admin.display(description=gettext_lazy("before and after"))
    def changes(self, event: Any) -> str:
        if not event.pgh_diff:
            return ""
        return "; ".join(
            f"{field}: {before!r} → {after!r}"
            for field, (before, after) in sorted(event.pgh_diff.items())
        )

    def get_urls(self) -> list[URLPattern]:
        export = path(
            "export/",
            self.admin_site.admin_view(self.export_view),
            name="riskadmin_operationevent_export",
        )
        return [export, *super().get_urls()]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        context = {**(extra_context or {}), "can_export": request.user.has_perm(EXPORT_PERMISSION)}
        return super().changelist_view(request, extra_context=context)

    def export_view(self, request: HttpRequest) -> HttpResponseBase:
        """The entries the list shows with the same filters and search, as CSV, streamed."""
        if not request.user.has_perm(EXPORT_PERMISSION):
            raise PermissionDenied
        try:
            queryset = self.get_changelist_instance(request).get_queryset(request)
        except IncorrectLookupParameters:
            return HttpResponseBadRequest(_("These filters are not valid."))
        staff_action_record(
            actor=request.user,
            action=StaffActionKind.OPERATION_LOG_EXPORTED,
            reason=request.GET.urlencode(),
            request=request,
        )
        rows = _csv_lines(queryset)
        content: Iterator[str] | AsyncIterator[str] = (
            _async_batches(rows) if isinstance(request, ASGIRequest) else rows
        )
        response = StreamingHttpResponse(content, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="operation-log.csv"'
        return response


class _Line:
    """csv.writer writes into this; the line is handed back at once."""

    def write(self, value: str) -> str:
        return value


CSV_HEADER = [
    "time",
    "actor_id",
    "actor_email",
    "event",
    "target_model",
    "target_id",
    "before_and_after",
    "data",
    "ip",
    "path",
    "request_id",
]


def _csv_lines(queryset: QuerySet[Any]) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield writer.writerow(CSV_HEADER)
    for event in queryset.iterator(chunk_size=EXPORT_BATCH):
        yield writer.writerow(
            [
                event.pgh_created_at.isoformat(),
                event.actor_id or "",
                event.actor.email if event.actor is not None else "",
                event.pgh_label,
                TARGET_BY_PROXY.get(event.pgh_obj_model, event.pgh_obj_model),
                event.pgh_obj_id or "",
                json.dumps(event.pgh_diff or {}, sort_keys=True, default=str),
                json.dumps(event.pgh_data or {}, sort_keys=True, default=str),
                event.ip or "",
                event.path or "",
                event.pgh_context_id or "",
            ]
        )


def _take(lines: Iterator[str], count: int) -> str:
    return "".join(line for _, line in zip(range(count), lines, strict=False))


async def _async_batches(lines: Iterator[str]) -> AsyncIterator[str]:
    """Under ASGI a synchronous iterator would be read whole before the first byte is sent;
    batches are read in the one thread the database connection belongs to instead."""
    while True:
        batch = await sync_to_async(_take, thread_sensitive=True)(lines, EXPORT_BATCH)
        if not batch:
            return
        yield batch


@admin.register(StaffAction)
class StaffActionAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor", "action", "target_model", "target_id", "reason", "ip", "path")
    list_filter = ("action", ("at", admin.DateFieldListFilter))
    search_fields = ("actor__email", "=target_id", "target_model")
    date_hierarchy = "at"
    list_select_related = ("actor",)


__all__ = ["OperationEventAdmin", "StaffActionAdmin"]
