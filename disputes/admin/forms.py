"""The confirmation pages' forms: one per staff action, each bound to its dispute."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from accounts.models import User
from core.admin import AmountFormField

from .. import selectors as reads
from ..models import Dispute, Outcome

REASON_MIN = 10


def _reason_field(label: str, help_text: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        min_length=REASON_MIN,
        max_length=2000,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 70}),
        help_text=help_text,
    )


class ConfirmForm(forms.Form):
    def __init__(self, *args: Any, dispute: Dispute, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.dispute = dispute


class AssignForm(ConfirmForm):
    assignee = forms.ModelChoiceField(queryset=User.objects.none(), label=gettext_lazy("Assign to"))

    def __init__(self, *args: Any, dispute: Dispute, **kwargs: Any) -> None:
        super().__init__(*args, dispute=dispute, **kwargs)
        parties = [dispute.order.buyer_id, dispute.order.seller_id]
        self.fields["assignee"].queryset = reads.dispute_handlers().exclude(pk__in=parties)  # type: ignore[attr-defined]


class NoteForm(ConfirmForm):
    text = _reason_field("Note", "Seen by staff only; kept for good with your name and the time.")


class ChatMessageForm(ConfirmForm):
    text = forms.CharField(
        label=gettext_lazy("Message"),
        max_length=2000,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 70}),
        help_text=gettext_lazy("Both parties see it in the order chat, signed “Staff”, at once."),
    )


class EvidenceRequestForm(ConfirmForm):
    party = forms.ChoiceField(
        choices=[("buyer", gettext_lazy("The buyer")), ("seller", gettext_lazy("The seller"))]
    )
    hours = forms.IntegerField(
        min_value=1,
        max_value=168,
        initial=24,
        label=gettext_lazy("Hours to answer"),
        help_text=gettext_lazy("1 to 168."),
    )
    message = _reason_field("What to send", "The party reads this in their notification.")


class DecideForm(ConfirmForm):
    outcome = forms.ChoiceField(choices=Outcome.choices, widget=forms.RadioSelect)
    reason = _reason_field(
        "Reason", "Required. Both parties are told the outcome; the reason stays on the record."
    )
    restrict_loser_hours = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=24 * 365,
        label=gettext_lazy("Pause the loser's trading for (hours)"),
        help_text=gettext_lazy("Optional penalty; not for a return to paid."),
    )
    collateral_deduction = AmountFormField(
        required=False,
        min_value=Decimal("0.000000000000000001"),
        max_digits=38,
        decimal_places=18,
        label=gettext_lazy("Deduct from a merchant loser's collateral"),
        help_text=gettext_lazy(
            "Optional, in the collateral's asset; only when the loser is a merchant."
        ),
    )


class RejectForm(ConfirmForm):
    reason = _reason_field("Why the decision is rejected", "Required; the proposer sees it.")
