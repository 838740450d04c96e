"""Price indexes are edited here: staff set a pair's price (stamped as theirs, now), see how old
each one is and whether it is stale, and refresh every index from the provider at once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.admin import AMOUNT_FORMFIELD_OVERRIDES

from ..models import PriceIndex
from ..price_providers import ProviderError
from ..selectors import index_is_fresh
from ..services.prices import price_index_set, refresh_price_indexes

STAFF_SOURCE = "staff"


def format_age(age: timedelta) -> str:
    """12 s, 5 min, 3 h, 2 d: how long ago, roughly."""
    seconds = max(int(age.total_seconds()), 0)
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min"
    if seconds < 86400:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} d"


@admin.register(PriceIndex)
class PriceIndexAdmin(admin.ModelAdmin[PriceIndex]):
    list_display = ("asset", "fiat", "price", "source", "updated_at", "age", "stale")
    list_filter = ("asset", "fiat", "source")
    list_select_related = ("asset", "fiat")
    actions = ["refresh_from_provider"]
    formfield_overrides = AMOUNT_FORMFIELD_OVERRIDES
    fields = ("asset", "fiat", "price", "source", "updated_at")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # A pair is fixed once created; what staff set is the price.
        return ("asset", "fiat", "source", "updated_at") if obj else ("source", "updated_at")

    @admin.display(description=gettext_lazy("age"))
    def age(self, obj: PriceIndex) -> str:
        return format_age(timezone.now() - obj.updated_at)

    @admin.display(boolean=True, description=gettext_lazy("stale"))
    def stale(self, obj: PriceIndex) -> bool:
        """Older than PRICE_INDEX_MAX_AGE_SECONDS: floating ads on this pair are hidden."""
        return not index_is_fresh(obj)

    def save_model(
        self, request: HttpRequest, obj: PriceIndex, form: ModelForm[PriceIndex], change: bool
    ) -> None:
        """Saving stamps the price as set by staff, now."""
        saved = price_index_set(
            asset=obj.asset, fiat=obj.fiat, price=obj.price, source=STAFF_SOURCE
        )
        obj.pk, obj.source, obj.updated_at = saved.pk, saved.source, saved.updated_at

    @admin.action(description=gettext_lazy("Refresh all indexes from the price provider now"))
    def refresh_from_provider(self, request: HttpRequest, queryset: QuerySet[PriceIndex]) -> None:
        try:
            stored = refresh_price_indexes()
        except ProviderError as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        if stored:
            text = ngettext(
                "%(n)s price index refreshed.", "%(n)s price indexes refreshed.", stored
            )
            self.message_user(request, text % {"n": stored}, messages.SUCCESS)
        else:
            self.message_user(
                request,
                _(
                    "No price was refreshed: no provider is configured (PRICE_INDEX_PROVIDER) "
                    "or it knew none of the enabled pairs."
                ),
                messages.WARNING,
            )
