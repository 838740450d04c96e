"""What the order services tell the risk rules when the buyer marks an order paid and when the
seller releases it, and what the outcomes do there.

Facts are gathered only for the rules that are on (`risk.engine.rules_on`): a platform with
them off pays no query for them."""

from __future__ import annotations

import io

from django.core.files.base import ContentFile
from django.db.models import BigIntegerField, F, Func, IntegerField, Q, Value
from django.db.models.functions import Least
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import kyc_legal_name
from risk.engine import Decision, MarkPaidFacts, Point, ReleaseFacts, decide, rules_on
from risk.engine.catalogue.trade import (
    PROOF_DISTANCE_MAX,
    DuplicateProof,
    FastReleaseFreshPair,
    PayerNameMismatch,
)
from risk.rules import Outcome

from ..models import Order, OrderStatus, PaymentProof
from .chat import chat_system
from .errors import OrderError

# the seller's warning on a held payment, written in the order's chat (translated on display)
PAYMENT_CHECK_NOTE = (
    "This payment is being checked by the platform; do not release until it is confirmed"
)
PAYMENT_CHECKED_NOTE = "The platform has confirmed this payment"

_SIGN = 1 << 63


def proof_hash(content: ContentFile) -> int | None:
    """A 64-bit perceptual hash (pHash) of a re-encoded proof, as a signed bigint; None for a
    picture of one colour, which says nothing about where it came from."""
    # numpy and scipy load only once a proof is hashed, not with every process
    import imagehash
    from PIL import Image

    content.seek(0)
    data = content.read()
    content.seek(0)
    with Image.open(io.BytesIO(data)) as picture:
        picture.load()
        extrema = picture.convert("L").getextrema()
        if extrema[0] == extrema[1]:
            return None
        value = int(str(imagehash.phash(picture)), 16)
    return value - (1 << 64) if value >= _SIGN else value


class _HashDistance(Func):
    """How many of the 64 bits two hashes differ in (PostgreSQL 14+)."""

    template = "bit_count((%(expressions)s)::bit(64))"
    arg_joiner = " # "
    output_field = IntegerField()


def _nearest_proof(order: Order, hashes: list[int]) -> tuple[int | None, str]:
    """The smallest distance from `hashes` to a proof on another order, and that order."""
    if not hashes:
        return None, ""
    each = [_HashDistance(F("image_hash"), Value(value, BigIntegerField())) for value in hashes]
    distance = each[0] if len(each) == 1 else Least(*each)
    nearest = (
        PaymentProof.objects.filter(image_hash__isnull=False)
        .exclude(order_id=order.pk)
        .annotate(distance=distance)
        .filter(distance__lte=PROOF_DISTANCE_MAX)
        .order_by("distance", "id")
        .values_list("distance", "order__public_id")
        .first()
    )
    if nearest is None:
        return None, ""
    return nearest[0], f"order:{nearest[1]}"


def mark_paid_decision(*, order: Order, paid_from_name: str, hashes: list[int]) -> Decision:
    """The rules at mark paid, for the order (locked, not yet changed), the name the buyer
    says they paid from and their new proofs' hashes. A block is refused here, before anything
    changes."""
    on = rules_on(Point.MARK_PAID)
    if not on:
        return Decision()
    legal_name = kyc_legal_name(user=order.buyer) if PayerNameMismatch.code in on else None
    distance, other = _nearest_proof(order, hashes) if DuplicateProof.code in on else (None, "")
    facts = MarkPaidFacts(
        user_id=order.buyer_id,
        subject=f"order:{order.public_id}",
        now=timezone.now(),
        joined_at=order.buyer.date_joined,
        paid_from_name=paid_from_name,
        legal_name=legal_name,
        nearest_proof_distance=distance,
        nearest_proof_subject=other,
    )
    decision = decide(point=Point.MARK_PAID, facts=facts)
    if decision.outcome == Outcome.BLOCK:
        raise OrderError(
            _("This order cannot be marked as paid. Contact support if you think it should.")
        )
    return decision


def _completed_together(order: Order) -> int:
    """Orders released before between the order's two people, whichever of them sold."""
    pair = Q(buyer_id=order.buyer_id, seller_id=order.seller_id) | Q(
        buyer_id=order.seller_id, seller_id=order.buyer_id
    )
    return Order.objects.filter(pair, status=OrderStatus.RELEASED).exclude(pk=order.pk).count()


def release_decision(*, order: Order) -> Decision:
    """The rules at release, for the order (locked, still paid).

    Review: an alert, and the release goes on. Hold is treated as review: the crypto is the
    seller's own, and holding back what its owner releases only keeps the buyer waiting; staff
    follow up on the alert. Block: refused here, before anything changes."""
    on = rules_on(Point.RELEASE)
    if not on:
        return Decision()
    together = _completed_together(order) if FastReleaseFreshPair.code in on else 0
    facts = ReleaseFacts(
        user_id=order.seller_id,
        subject=f"order:{order.public_id}",
        now=timezone.now(),
        joined_at=order.seller.date_joined,
        paid_at=order.paid_at,
        completed_together=together,
    )
    decision = decide(point=Point.RELEASE, facts=facts)
    if decision.outcome == Outcome.BLOCK:
        raise OrderError(
            _("This order cannot be released right now. Contact support if you think it should.")
        )
    return decision


def hold_payment(order: Order, decision: Decision) -> None:
    """A held payment (inside the mark-paid transaction, the order saved as paid): flagged
    for staff with what the rules saw, and the seller warned in the chat."""
    order.payment_check = decision.explanation[:200] or "Held by a risk rule"
    order.save(update_fields=["payment_check"])
    chat_system(order=order, body=PAYMENT_CHECK_NOTE)
