"""The user's change page for staff, with what the 360 view needs beside the account fields:
identity verification, balances, recent orders and restrictions in force. It lives here, not
in accounts, because balances and orders belong to apps above accounts; riskadmin reads them
all through their selectors."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.admin.users import UserAdmin
from accounts.models import User
from accounts.models.kyc import KycLevel
from accounts.selectors import active_restrictions, kyc_latest_submissions, kyc_level
from core.money import format_crypto, format_fiat
from escrow.selectors import wallet_for_user
from orders.selectors import orders_for_user

RECENT_ORDERS = 10


def _table(headers: list[str], rows: list[tuple[Any, ...]], empty: str) -> SafeString:
    if not rows:
        return format_html("<p>{}</p>", empty)
    head = format_html_join("", "<th>{}</th>", ((header,) for header in headers))
    cells = "".join(
        format_html("<tr>{}</tr>", format_html_join("", "<td>{}</td>", ((c,) for c in row)))
        for row in rows
    )
    return format_html(
        '<table class="user-360"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>',
        head,
        SafeString(cells),
    )


class UserWithOverviewAdmin(UserAdmin):
    overview = ("kyc_panel", "balances_panel", "orders_panel", "restrictions_panel")

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return [(_("Overview"), {"fields": self.overview}), *fieldsets]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = tuple(super().get_readonly_fields(request, obj))
        return fields + self.overview if obj is not None else fields

    @admin.display(description=gettext_lazy("Identity verification"))
    def kyc_panel(self, user: User) -> SafeString:
        level = kyc_level(user=user)
        rows = [
            (
                submission.level,
                submission.get_status_display(),
                submission.submitted_at.strftime("%Y-%m-%d %H:%M"),
            )
            for submission in kyc_latest_submissions(user=user).values()
        ]
        return format_html(
            "<p><strong>{}</strong></p>{}",
            _("Verified level: %(level)s") % {"level": KycLevel(level).label},
            _table([_("Level"), _("Status"), _("Submitted")], rows, _("No identity submissions.")),
        )

    @admin.display(description=gettext_lazy("Balances"))
    def balances_panel(self, user: User) -> SafeString:
        rows = [
            (
                line.asset.symbol,
                format_crypto(line.available, line.asset.precision),
                format_crypto(line.frozen, line.asset.precision),
                format_crypto(line.total, line.asset.precision),
            )
            for line in wallet_for_user(user=user)
        ]
        headers = [_("Asset"), _("Available"), _("Frozen"), _("Total")]
        return _table(headers, rows, _("No assets."))

    @admin.display(description=gettext_lazy("Recent orders"))
    def orders_panel(self, user: User) -> SafeString:
        rows = []
        for order in orders_for_user(user=user)[:RECENT_ORDERS]:
            link = format_html(
                '<a href="{}">{}</a>',
                reverse("admin:orders_order_change", args=[order.pk]),
                order.public_id,
            )
            side = _("Buy") if order.buyer_id == user.pk else _("Sell")
            amount = f"{format_crypto(order.amount, order.asset.precision)} {order.asset.symbol}"
            total = f"{format_fiat(order.fiat_total, order.fiat.minor_units)} {order.fiat.code}"
            rows.append(
                (
                    link,
                    order.created_at.strftime("%Y-%m-%d %H:%M"),
                    side,
                    amount,
                    total,
                    order.get_status_display(),
                )
            )
        headers = [_("Order"), _("Placed"), _("Side"), _("Amount"), _("Total"), _("Status")]
        return _table(headers, rows, _("No orders."))

    @admin.display(description=gettext_lazy("Restrictions in force"))
    def restrictions_panel(self, user: User) -> SafeString:
        rows = [
            (
                restriction.get_kind_display(),
                restriction.get_source_display(),
                restriction.reason,
                restriction.until.strftime("%Y-%m-%d %H:%M")
                if restriction.until
                else _("until lifted"),
            )
            for restriction in active_restrictions(user=user)
        ]
        headers = [_("Restriction"), _("Source"), _("Reason"), _("Until")]
        return _table(headers, rows, _("No restrictions in force."))


admin.site.unregister(User)
admin.site.register(User, UserWithOverviewAdmin)

# the operation log's, the merchant risk scores' and the role grants' screens register themselves
from riskadmin.grants import admin as grants_admin  # noqa: E402, F401
from riskadmin.merchant_risk import admin as merchant_risk_admin  # noqa: E402, F401
from riskadmin.oplog import admin as oplog_admin  # noqa: E402, F401
