"""Rules that send an order to staff review before anything is frozen. Each reads only what
its caller passes; the worst outcome of all rules wins.

Today there is one: a young account placing a large order waits for a risk reviewer (the
threshold per fiat and the age come from the settings `RISK_NEW_ACCOUNT_*`). The person is
told their order is being reviewed, never which rule or threshold held it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import IntEnum

from django.conf import settings
from django.utils.translation import gettext as _

from core.money import to_decimal


class Outcome(IntEnum):
    """The decision ladder, mildest first: the worst outcome of all rules wins."""

    ALLOW = 0
    REVIEW = 1  # recorded for staff; the action goes on
    HOLD = 2  # the action waits for a reviewer
    BLOCK = 3  # refused


@dataclass(frozen=True)
class PlacementFacts:
    """What the order service knows when it places an order."""

    joined_at: datetime
    now: datetime
    fiat_code: str
    fiat_total: Decimal


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    reason: str = ""  # for reviewers, never shown to the person


ALLOWED = Verdict(Outcome.ALLOW)


def new_account_large_order(facts: PlacementFacts) -> Verdict:
    """An account younger than RISK_NEW_ACCOUNT_DAYS ordering above its fiat's threshold."""
    days = settings.RISK_NEW_ACCOUNT_DAYS
    threshold = settings.RISK_NEW_ACCOUNT_MAX_FIAT.get(facts.fiat_code)
    young = facts.now - facts.joined_at < timedelta(days=days)
    if young and threshold is not None and facts.fiat_total > to_decimal(threshold):
        return Verdict(
            Outcome.HOLD,
            _("New account (under %(days)d days) above %(threshold)s %(fiat)s")
            % {"days": days, "threshold": threshold, "fiat": facts.fiat_code},
        )
    return ALLOWED


PLACEMENT_RULES = (new_account_large_order,)


def placement_verdict(facts: PlacementFacts) -> Verdict:
    """The worst verdict of the placement rules (a rule that fails is held for review: an
    error never lets an order through unchecked)."""
    worst = ALLOWED
    for rule in PLACEMENT_RULES:
        try:
            verdict = rule(facts)
        except Exception as error:  # noqa: BLE001 - any failure holds the order for review
            verdict = Verdict(Outcome.HOLD, f"Rule {rule.__name__} failed: {error}")
        if verdict.outcome > worst.outcome:
            worst = verdict
    return worst
