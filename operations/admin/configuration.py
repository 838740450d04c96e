"""The configuration page: every knob with its value, default and last change; a knob's page
to change it with a reason, showing a risky change's effect before it is saved, and the knob's
history with one-step revert. Changes go through `core.config.services`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _

from core.config import config_value
from core.config.knobs import BY_KEY, KNOBS, Kind, Knob
from core.config.services import PERMISSION, clean, config_revert, config_set, stored
from core.models import ConfigChange

from ..effects import effect_of


class KnobForm(forms.Form):
    value = forms.CharField(label=_("New value"), required=False, max_length=300)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)


def _shown(knob: Knob, value: Any) -> str:
    if knob.kind is Kind.BOOL:
        return _("on") if value else _("off")
    if knob.kind is Kind.INT_LIST:
        return ", ".join(str(part) for part in value)
    return str(value)


@admin.register(ConfigChange)
class ConfigurationAdmin(admin.ModelAdmin):
    """The record of changes is read-only; its list page is the configuration page."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        extra = [
            path(
                "knob/<str:key>/",
                self.admin_site.admin_view(self.knob_view),
                name="core_configchange_knob",
            ),
            path(
                "revert/<int:change_id>/",
                self.admin_site.admin_view(self.revert_view),
                name="core_configchange_revert",
            ),
        ]
        return extra + super().get_urls()

    def _context(self, request: HttpRequest, **values: Any) -> dict[str, Any]:
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "may_change": request.user.has_perm(PERMISSION),
            **values,
        }

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        last: dict[str, ConfigChange] = {}
        for change in ConfigChange.objects.select_related("changed_by")[:500]:
            last.setdefault(change.key, change)
        groups: dict[str, list[dict[str, Any]]] = {}
        for knob in KNOBS:
            groups.setdefault(str(knob.group), []).append(
                {
                    "knob": knob,
                    "value": _shown(knob, config_value(knob.key)),
                    "default": knob.raw_default() or "—",
                    "last": last.get(knob.key),
                }
            )
        context = self._context(request, title=_("Configuration"), groups=groups)
        return TemplateResponse(request, "admin/operations/configuration.html", context)

    def knob_view(self, request: HttpRequest, key: str) -> HttpResponse:
        knob = BY_KEY.get(key)
        if knob is None:
            raise Http404
        if not self.has_view_permission(request):
            raise PermissionDenied
        current = config_value(key)
        form = KnobForm(initial={"value": stored(knob, current)})
        effect = ""
        if request.method == "POST":
            if not request.user.has_perm(PERMISSION):
                raise PermissionDenied
            form = KnobForm(request.POST)
            if form.is_valid():
                effect, done = self._try_change(request, knob, form)
                if done:
                    return HttpResponseRedirect(reverse("admin:core_configchange_changelist"))
        history = ConfigChange.objects.filter(key=key).select_related("changed_by")[:50]
        context = self._context(
            request,
            title=_("Change %(key)s") % {"key": key},
            knob=knob,
            current=_shown(knob, current),
            form=form,
            effect=effect,
            history=history,
        )
        return TemplateResponse(request, "admin/operations/configuration_knob.html", context)

    def _try_change(self, request: HttpRequest, knob: Knob, form: KnobForm) -> tuple[str, bool]:
        """(the effect to show, whether the change was saved). A risky knob's first post
        shows its effect and asks again; the confirmed post saves."""
        raw = form.cleaned_data["value"]
        try:
            typed = clean(knob, raw)
        except ValidationError as error:
            form.add_error("value", error)
            return "", False
        effect = effect_of(knob.key, typed) if knob.risky else ""
        if effect and not form.cleaned_data["confirmed"]:
            data = request.POST.copy()
            data["confirmed"] = "True"  # the next post of the same form saves
            form.data = data
            return effect, False
        try:
            config_set(
                actor=request.user,
                key=knob.key,
                value=raw,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return effect, False
        messages.success(request, _("%(key)s changed.") % {"key": knob.key})
        return effect, True

    def revert_view(self, request: HttpRequest, change_id: int) -> HttpResponse:
        if request.method != "POST" or not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        change = ConfigChange.objects.filter(pk=change_id).first()
        if change is None:
            raise Http404
        try:
            config_revert(
                actor=request.user, change_id=change_id, reason=request.POST.get("reason", "")
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, _("%(key)s is back to its earlier value.") % {"key": change.key}
            )
        return HttpResponseRedirect(reverse("admin:core_configchange_knob", args=[change.key]))


def _drop_constance_admin() -> None:
    """django-constance's own page would be a second way to change knobs, without reasons or
    bounds: this page is the only one."""
    from constance.admin import Config

    if admin.site.is_registered(Config):
        admin.site.unregister([Config])


_drop_constance_admin()
