"""The merchants' risk scores for staff: the latest score of each merchant (sortable, red when
high), a merchant's page with the components, the trend of its last 30 scores as a chart and a
table, and "Confirm proposed action", which asks for a reason and has the owning app act."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from core.admin import ReadOnlyAdmin
from merchants.charts import daily_chart

from .records import MerchantRiskScore, ProposedAction
from .services import (
    CONFIRMABLE,
    ConfirmRefused,
    can_confirm,
    confirm_refusal,
    merchant_risk_confirm,
)

TREND_DAYS = 30
HIGH_COLOR, WATCH_COLOR = "#b91c1c", "#b45309"


def _color(score: MerchantRiskScore) -> str:
    """Red when the score proposed acting on the merchant, amber when watching: the thresholds
    of the day it was computed, read from the row, not once more per row of the list."""
    if score.proposed_action in (ProposedAction.ADS_OFFLINE, ProposedAction.SUSPEND):
        return HIGH_COLOR
    if score.proposed_action == ProposedAction.WATCH:
        return WATCH_COLOR
    return "inherit"


def _trend(score: MerchantRiskScore) -> list[MerchantRiskScore]:
    """The merchant's last scores up to this one's day, oldest first."""
    rows = MerchantRiskScore.objects.filter(
        merchant_user_id=score.merchant_user_id, day__lte=score.day
    ).order_by("-day")[:TREND_DAYS]
    return list(reversed(rows))


class ConfirmForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text=gettext_lazy("Kept on the record; a suspended merchant reads it."),
    )


@admin.register(MerchantRiskScore)
class MerchantRiskScoreAdmin(ReadOnlyAdmin[MerchantRiskScore]):
    list_display = ("merchant_user", "score_cell", "proposed_action", "day", "confirmed_at")
    list_select_related = ("merchant_user",)
    list_filter = ("proposed_action",)
    search_fields = ("merchant_user__email",)
    ordering = ("-score", "merchant_user_id")
    fields = (
        "merchant_user",
        "day",
        "score_cell",
        "proposed_action",
        "confirm_link",
        "explanation",
        "components_table",
        "trend_chart",
        "trend_table",
        "computed_at",
        "confirmed_by",
        "confirmed_at",
        "confirmed_action",
        "confirmation_reason",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[MerchantRiskScore]:
        rows = super().get_queryset(request)
        match = request.resolver_match
        if match is not None and match.url_name == "riskadmin_merchantriskscore_changelist":
            latest = (
                MerchantRiskScore.objects.filter(merchant_user_id=OuterRef("merchant_user_id"))
                .order_by("-day")
                .values("day")[:1]
            )
            rows = rows.filter(day=Subquery(latest))
        return rows

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view(self.confirm_view)
        own = [path("<int:pk>/confirm/", view, name="riskadmin_merchantriskscore_confirm")]
        return own + super().get_urls()

    @admin.display(description=gettext_lazy("score"), ordering="score")
    def score_cell(self, obj: MerchantRiskScore) -> SafeString:
        return format_html('<strong style="color:{}">{}</strong>', _color(obj), obj.score)

    @admin.display(description=gettext_lazy("Proposed action"))
    def confirm_link(self, obj: MerchantRiskScore) -> SafeString | str:
        if obj.confirmed_at is not None:
            return _("Confirmed")
        if obj.proposed_action not in CONFIRMABLE:
            return "-"
        url = reverse("admin:riskadmin_merchantriskscore_confirm", args=[obj.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, _("Confirm proposed action"))

    @admin.display(description=gettext_lazy("Components"))
    def components_table(self, obj: MerchantRiskScore) -> SafeString:
        rows = [
            (name, part.get("figure", ""), part.get("weight", ""), part.get("points", ""))
            for name, part in obj.components.items()
        ]
        return _table([_("Component"), _("Seen"), _("Weight"), _("Points")], rows)

    @admin.display(description=gettext_lazy("Trend"))
    def trend_chart(self, obj: MerchantRiskScore) -> SafeString:
        return daily_chart(
            [(row.day, row.score) for row in _trend(obj)],
            title=_("Risk score, last %(days)d scores") % {"days": TREND_DAYS},
            unit=_("score"),
            date_caption=_("UTC days"),
        )

    @admin.display(description=gettext_lazy("Scores"))
    def trend_table(self, obj: MerchantRiskScore) -> SafeString:
        rows = [
            (row.day.isoformat(), row.score, row.get_proposed_action_display())
            for row in reversed(_trend(obj))
        ]
        return _table([_("Day"), _("Score"), _("Proposed action")], rows)

    def confirm_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        score = get_object_or_404(MerchantRiskScore.objects.select_related("merchant_user"), pk=pk)
        user = request.user
        assert isinstance(user, User)
        if not can_confirm(user=user):
            raise PermissionDenied
        refusal = confirm_refusal(score=score, user=user)
        form = ConfirmForm(request.POST or None)
        status = 200
        if refusal is not None:
            form.add_error(None, refusal)
            status = 400 if request.method == "POST" else 200
        elif request.method == "POST":
            if form.is_valid():
                try:
                    merchant_risk_confirm(
                        score=score,
                        actor=user,
                        reason=form.cleaned_data["reason"],
                        request=request,
                    )
                except ConfirmRefused as error:
                    form.add_error(error.field if error.field else None, error.message)
                else:
                    self.message_user(
                        request, _("The proposed action was carried out."), messages.SUCCESS
                    )
                    change = reverse("admin:riskadmin_merchantriskscore_change", args=[score.pk])
                    return HttpResponseRedirect(change)
            status = 400
        context = {
            **self.admin_site.each_context(request),
            "title": _("Confirm proposed action"),
            "score": score,
            "form": form,
            "refused": refusal is not None,
            "opts": self.model._meta,
        }
        return TemplateResponse(
            request, "admin/riskadmin/merchant_risk_confirm.html", context, status=status
        )


def _table(headers: list[str], rows: list[tuple[Any, ...]]) -> SafeString:
    head = format_html_join("", "<th>{}</th>", ((header,) for header in headers))
    body = format_html_join(
        "",
        "<tr>{}</tr>",
        ((format_html_join("", "<td>{}</td>", ((cell,) for cell in row)),) for row in rows),
    )
    return format_html("<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>", head, body)
