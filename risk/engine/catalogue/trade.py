"""Rules at the trade's own steps: the buyer saying they paid, and the seller releasing."""

from __future__ import annotations

import unicodedata
from datetime import timedelta
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ...rules import Outcome
from ..base import Hit, Point, Rule, register
from ..facts import Facts, MarkPaidFacts, ReleaseFacts
from ..params import Kind, Param

# the widest distance staff may set: the order service looks no further
PROOF_DISTANCE_MAX = 16


def name_key(name: str) -> tuple[str, ...]:
    """A person's name as two spellings of it compare: case, accents' width forms, punctuation
    and spacing do not count, nor the order of the parts ("Chan Tai Man" is "Tai Man Chan")."""
    text = unicodedata.normalize("NFKC", name or "").casefold()
    kept = "".join(" " if unicodedata.category(ch).startswith(("P", "S")) else ch for ch in text)
    return tuple(sorted(kept.split()))


@register
class PayerNameMismatch(Rule):
    """A payment from someone else's account is how stolen money and triangle scams arrive: the
    seller who releases on it may have to give the fiat back."""

    code = "payer_name_mismatch"
    title = gettext_lazy("Paid from an account in another name")
    points = frozenset({Point.MARK_PAID})
    params = (
        Param(
            "outcome",
            Kind.INT,
            int(Outcome.HOLD),
            gettext_lazy("1 review (an alert), 2 hold (the seller is warned), 3 block."),
            min=int(Outcome.REVIEW),
            max=int(Outcome.BLOCK),
        ),
    )

    def evaluate(self, facts: Facts, params: dict[str, Any]) -> Hit | None:
        assert isinstance(facts, MarkPaidFacts)
        stated, legal = name_key(facts.paid_from_name), name_key(facts.legal_name or "")
        if not stated or not legal or stated == legal:
            return None
        return Hit(
            Outcome(params["outcome"]),
            _("The buyer paid from %(stated)r; their verified name is %(legal)r")
            % {"stated": facts.paid_from_name, "legal": facts.legal_name},
        )


@register
class DuplicateProof(Rule):
    """The same screenshot shown on two orders: one payment claimed twice, or a proof taken
    from somewhere else."""

    code = "duplicate_proof"
    title = gettext_lazy("The same payment proof on another order")
    points = frozenset({Point.MARK_PAID})
    params = (
        Param(
            "distance",
            Kind.INT,
            4,
            gettext_lazy(
                "Proofs whose perceptual hashes differ in at most this many of 64 bits count "
                "as the same picture."
            ),
            min=0,
            max=PROOF_DISTANCE_MAX,
        ),
    )

    def evaluate(self, facts: Facts, params: dict[str, Any]) -> Hit | None:
        assert isinstance(facts, MarkPaidFacts)
        distance = facts.nearest_proof_distance
        if distance is None or distance > params["distance"]:
            return None
        return Hit(
            Outcome.REVIEW,
            _("A proof is %(distance)d bits from a proof on %(other)s (at most %(max)d)")
            % {
                "distance": distance,
                "other": facts.nearest_proof_subject,
                "max": params["distance"],
            },
        )


@register
class FastReleaseFreshPair(Rule):
    """A release moments after the payment, between two people who never traded: the seller may
    not have checked, or the two are one person moving crypto through the platform."""

    code = "fast_release_fresh_pair"
    title = gettext_lazy("Quick release between two people who never traded")
    points = frozenset({Point.RELEASE})
    params = (
        Param(
            "seconds",
            Kind.INT,
            60,
            gettext_lazy("A release this many seconds after the payment counts as quick."),
            min=1,
            max=24 * 3600,
        ),
    )

    def evaluate(self, facts: Facts, params: dict[str, Any]) -> Hit | None:
        assert isinstance(facts, ReleaseFacts)
        if facts.paid_at is None or facts.completed_together > 0:
            return None
        elapsed = facts.now - facts.paid_at
        if elapsed >= timedelta(seconds=params["seconds"]):
            return None
        return Hit(
            Outcome.REVIEW,
            _(
                "Released %(elapsed)d seconds after the payment (under %(seconds)d), with no "
                "earlier completed order between the two"
            )
            % {"elapsed": elapsed.total_seconds(), "seconds": params["seconds"]},
        )
