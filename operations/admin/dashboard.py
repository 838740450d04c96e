"""The analytics dashboard, in the admin as the rollups' list page: filters for the range,
asset and fiat; charts with axes and legends; the numbers of each as a table; each table as
CSV (the export is on the operation log)."""

from __future__ import annotations

import csv
from decimal import Decimal
from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.staff_actions import record_staff_action
from disputes.selectors.waiting import disputes_unclaimed, disputes_waiting

from ..analytics.charts import Series, line_chart
from ..analytics.models import OrderDay
from ..analytics.selectors import RANGES, Dashboard, Filters, choices, dashboard
from ..analytics.tables import TABLES


def _filters(request: HttpRequest, assets: list[str], fiats: list[str]) -> Filters:
    try:
        days = int(request.GET.get("days", "30"))
    except ValueError:
        days = 30
    asset = request.GET.get("asset", "")
    fiat = request.GET.get("fiat", "")
    return Filters(
        last=timezone.now().date(),
        days=days if days in RANGES else 30,
        asset=asset if asset in assets else "",
        fiat=fiat if fiat in fiats else "",
    )


def _charts(board: Dashboard) -> dict[str, Any]:
    days = board.filters.day_list
    empty = _("No orders in this range yet")
    return {
        "orders": line_chart(
            days,
            [
                Series(_("Placed"), [d.placed for d in board.days]),
                Series(_("Completed"), [d.completed for d in board.days]),
                Series(_("Canceled"), [d.canceled for d in board.days]),
                Series(_("Disputed"), [d.disputed for d in board.days]),
            ],
            title=_("Orders per day by final state"),
            unit=_("orders"),
            empty_text=empty,
        ),
        "rates": line_chart(
            days,
            [
                Series(_("Completion"), [d.rate(d.completed) for d in board.days]),
                Series(_("Cancellation"), [d.rate(d.canceled) for d in board.days]),
                Series(_("Dispute"), [d.rate(d.disputed) for d in board.days]),
            ],
            title=_("Completion, cancellation and dispute rates"),
            unit="%",
            empty_text=empty,
        ),
        "times": line_chart(
            days,
            [
                Series(_("Payment, median"), [_minutes(d.pay_p50) for d in board.days]),
                Series(_("Payment, 95th percentile"), [_minutes(d.pay_p95) for d in board.days]),
                Series(_("Release, median"), [_minutes(d.release_p50) for d in board.days]),
                Series(
                    _("Release, 95th percentile"), [_minutes(d.release_p95) for d in board.days]
                ),
            ],
            title=_("Payment and release times"),
            unit=_("minutes"),
            empty_text=empty,
        ),
        "volume": line_chart(
            days,
            [
                Series(f"{asset}/{fiat}", values)
                for (asset, fiat), values in sorted(board.fiat_volume.items())
                if not board.filters.fiat or fiat == board.filters.fiat
            ],
            title=_("Completed volume per day, in each fiat"),
            unit=board.filters.fiat or _("fiat units"),
            empty_text=empty,
        ),
        "people": line_chart(
            [p.day for p in board.people],
            [
                Series(_("New users"), [p.new_users for p in board.people]),
                Series(_("Checks submitted"), [p.kyc_submitted for p in board.people]),
                Series(_("Checks approved"), [p.kyc_approved for p in board.people]),
            ],
            title=_("New users and identity checks"),
            unit=_("people"),
            empty_text=_("No one joined in this range"),
        ),
    }


def _minutes(seconds: int | None) -> Decimal | None:
    return None if seconds is None else (Decimal(seconds) / 60).quantize(Decimal("0.1"))


def _csv(request: HttpRequest, name: str, board: Dashboard) -> HttpResponse:
    table = TABLES[name](board)
    record_staff_action(
        actor=request.user,
        action=f"analytics.export:{name}",
        reason=f"{board.filters.first}..{board.filters.last} "
        f"{board.filters.asset or '*'}/{board.filters.fiat or '*'}",
        request=request,
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{name}-{board.filters.first}-{board.filters.last}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(table.headers)
    writer.writerows(table.rows)
    return response


@admin.register(OrderDay)
class DashboardAdmin(admin.ModelAdmin):
    """The rollups are read here as the dashboard; nobody edits them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        if not self.has_view_permission(request):
            return HttpResponse(status=403)
        assets, fiats = choices()
        filters = _filters(request, assets, fiats)
        board = dashboard(filters=filters)
        export = request.GET.get("export", "")
        if export in TABLES:
            return _csv(request, export, board)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Analytics"),
            "opts": self.model._meta,
            "filters": filters,
            "ranges": RANGES,
            "assets": assets,
            "fiats": fiats,
            "charts": _charts(board),
            "tables": {name: build(board) for name, build in TABLES.items()},
            "disputes": disputes_waiting(),
            "unclaimed": disputes_unclaimed(),
            "now": timezone.now(),
        }
        return TemplateResponse(request, "admin/operations/dashboard.html", context)
