"""The console's forms: they parse; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models.security import RestrictionKind
from risk.cases.models import CaseResolution, CaseStatus
from risk.cases.services import COMMENT_MAX, REASON_MAX, SETTABLE

from .actions import Action


class InboxFilterForm(forms.Form):
    mine = forms.BooleanField(label=_("Mine"), required=False)
    unassigned = forms.BooleanField(label=_("Unassigned"), required=False)
    overdue = forms.BooleanField(label=_("Overdue"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Every open case")), *CaseStatus.choices],
    )


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment"), max_length=COMMENT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[(s.value, s.label) for s in CaseStatus if s in SETTABLE]
    )


class CloseForm(forms.Form):
    resolution = forms.ChoiceField(
        label=_("Resolution"),
        choices=[
            (CaseResolution.CONFIRMED, CaseResolution.CONFIRMED.label),
            (CaseResolution.FALSE_POSITIVE, CaseResolution.FALSE_POSITIVE.label),
        ],
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=REASON_MAX)


class ActionForm(forms.Form):
    """One form for every action; the fields an action does not use are ignored."""

    action = forms.ChoiceField(
        label=_("Action"),
        choices=[
            (Action.RESTRICT, _("Restrict")),
            (Action.LIFT, _("Lift a restriction")),
            (Action.FREEZE_WITHDRAWALS, _("Freeze withdrawals")),
            (Action.ADS_OFFLINE, _("Take their ads offline")),
            (Action.SUSPEND_MERCHANT, _("Suspend the merchant")),
            (Action.BLACKLIST, _("Blacklist a crypto address")),
        ],
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=REASON_MAX,
        help_text=_("Required. A restriction's reason is shown to the person."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    kind = forms.ChoiceField(
        label=_("Restriction"), required=False, choices=RestrictionKind.choices
    )
    until = forms.DateTimeField(
        label=_("Until"),
        required=False,
        help_text=_("Empty: until lifted."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    restriction_id = forms.IntegerField(label=_("Restriction to lift"), required=False)
    value = forms.CharField(label=_("Crypto address"), required=False, max_length=200)


class AnswerForm(forms.Form):
    appeal_id = forms.IntegerField(widget=forms.HiddenInput)
    answer = forms.CharField(
        label=_("Answer"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
