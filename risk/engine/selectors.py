"""Reads for staff: what each rule's alerts add up to, so they can see which rules earn their
keep."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from .models import Alert, AlertLabel, AlertOutcome, Mode


@dataclass(frozen=True)
class RuleFigures:
    hits: int
    shadow_hits: int
    reviews: int
    holds: int
    blocks: int
    errors: int
    confirmed: int
    false_positives: int


def rule_figures(*, code: str) -> RuleFigures:
    counts = Alert.objects.filter(code=code).aggregate(
        hits=Count("id"),
        shadow_hits=Count("id", filter=Q(mode=Mode.SHADOW)),
        reviews=Count("id", filter=Q(outcome=AlertOutcome.REVIEW)),
        holds=Count("id", filter=Q(outcome=AlertOutcome.HOLD)),
        blocks=Count("id", filter=Q(outcome=AlertOutcome.BLOCK)),
        errors=Count("id", filter=Q(errored=True)),
        confirmed=Count("id", filter=Q(label=AlertLabel.CONFIRMED)),
        false_positives=Count("id", filter=Q(label=AlertLabel.FALSE_POSITIVE)),
    )
    return RuleFigures(**counts)
