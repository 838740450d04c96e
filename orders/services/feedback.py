"""Feedback after a trade: each party of a released order rates the other once, thumbs up or
down with an optional comment. A negative rating stays editable for FEEDBACK_EDIT_DAYS (the
trade may be put right afterwards), so it may become positive; a positive one is final.

The recipient's counters (accounts.TradeDay positive / negative) move in the same transaction
as the feedback, on the day it was first given: an edit moves that day's count from negative
to positive, so a window of days always counts each feedback once, as it stands now.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Now
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import User
from accounts.services.activity import move_trade_count, notify, record_trade
from core.config import config_value
from core.errors import DomainError
from core.locks import LockKind, lock_one

from ..models import FEEDBACK_COMMENT_MAX, FeedbackRating, Order, OrderFeedback, OrderStatus

FEEDBACK_PAGE_SIZE = 20


class FeedbackError(DomainError):
    code = "feedback"


class FeedbackNotFound(FeedbackError):
    code = "not_found"


ALREADY_GIVEN = gettext_lazy("You have already left feedback on this order.")


def _clean_rating(rating: object) -> str:
    if rating not in FeedbackRating.values:
        raise FeedbackError(_("Choose thumbs up or thumbs down."), field="rating")
    return str(rating)


def _clean_comment(comment: object) -> str:
    text = comment.strip() if isinstance(comment, str) else ""
    if len(text) > FEEDBACK_COMMENT_MAX:
        raise FeedbackError(
            _("A comment has at most %(max)d characters (this one has %(count)d).")
            % {"max": FEEDBACK_COMMENT_MAX, "count": len(text)},
            field="comment",
        )
    return text


def _utc_day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def _count(recipient_id: int, order: Order, day: datetime, **counts: int) -> None:
    record_trade(user=recipient_id, asset_symbol=order.asset.symbol, day=_utc_day(day), **counts)


def _move_to_positive(feedback: OrderFeedback) -> None:
    """An edit from negative to positive moves the count on the day the feedback was counted."""
    move_trade_count(
        user=feedback.recipient_id,
        asset_symbol=feedback.order.asset.symbol,
        day=_utc_day(feedback.created_at),
        from_counter="negative",
        to_counter="positive",
    )


def author_name(order: Order, author: User) -> str:
    """How the recipient knows the author: the merchant's display name, else the nickname."""
    merchant = order.ad.merchant
    return merchant.display_name if merchant.user_id == author.pk else author.public_name


def feedback_leave(
    *, actor: User, public_id: str, rating: object, comment: object = ""
) -> OrderFeedback:
    """Rate the other party of a released order, once. A double submit leaves one feedback: the
    database's unique (order, author) refuses the second, which is told it was given already."""
    rating = _clean_rating(rating)
    text = _clean_comment(comment)
    try:
        with transaction.atomic(durable=True):
            order = (
                Order.objects.select_related("asset", "ad__merchant")
                .filter(Q(buyer_id=actor.pk) | Q(seller_id=actor.pk), public_id=public_id or "")
                .first()
            )
            if order is None:
                raise FeedbackNotFound(_("There is no such order."))
            if order.status != OrderStatus.RELEASED:
                raise FeedbackError(_("You can leave feedback once the order is released."))
            if OrderFeedback.objects.filter(order=order, author=actor).exists():
                raise FeedbackError(str(ALREADY_GIVEN))
            recipient_id = order.seller_id if order.buyer_id == actor.pk else order.buyer_id
            feedback = OrderFeedback.objects.create(
                order=order, author=actor, recipient_id=recipient_id, rating=rating, comment=text
            )
            _count(recipient_id, order, feedback.created_at, **{rating: 1})
            notify(
                user=recipient_id,
                kind="order.feedback",
                title=format_lazy(
                    gettext_lazy("{name} left you positive feedback")
                    if rating == FeedbackRating.POSITIVE
                    else gettext_lazy("{name} left you negative feedback"),
                    name=author_name(order, actor),
                ),
                body=text,
                url=reverse("orders:detail", args=[order.public_id]),
            )
    except IntegrityError:
        # a concurrent submit of the same form won the unique (order, author)
        if OrderFeedback.objects.filter(order__public_id=public_id, author=actor).exists():
            raise FeedbackError(str(ALREADY_GIVEN)) from None
        raise
    return feedback


def editable_until(feedback: OrderFeedback) -> datetime | None:
    """Until when the author may still change it; None when it cannot change (positive)."""
    if feedback.rating != FeedbackRating.NEGATIVE:
        return None
    return feedback.created_at + timedelta(days=config_value("FEEDBACK_EDIT_DAYS"))


def feedback_edit(
    *, actor: User, public_id: str, rating: object, comment: object = ""
) -> OrderFeedback:
    """Change one's own negative feedback while it is younger than FEEDBACK_EDIT_DAYS (by the
    database clock): to positive, and/or a new comment."""
    rating = _clean_rating(rating)
    text = _clean_comment(comment)
    with transaction.atomic(durable=True):
        feedback = lock_one(
            LockKind.ORDER_RECORD,
            OrderFeedback.objects.select_related("order__asset", "order__ad__merchant").filter(
                order__public_id=public_id or "", author_id=actor.pk
            ),
        )
        if feedback is None:
            raise FeedbackNotFound(_("You have not left feedback on this order."))
        if feedback.rating != FeedbackRating.NEGATIVE:
            raise FeedbackError(_("Positive feedback is final; it cannot be changed."))
        young = OrderFeedback.objects.filter(
            pk=feedback.pk,
            created_at__gt=Now() - timedelta(days=config_value("FEEDBACK_EDIT_DAYS")),
        ).exists()
        if not young:
            raise FeedbackError(
                ngettext(
                    "Feedback can be changed for %(days)d day; this one can no longer be changed.",
                    "Feedback can be changed for %(days)d days; this one can no longer be changed.",
                    config_value("FEEDBACK_EDIT_DAYS"),
                )
                % {"days": config_value("FEEDBACK_EDIT_DAYS")}
            )
        order = feedback.order
        if rating != feedback.rating:
            _move_to_positive(feedback)
        feedback.rating, feedback.comment, feedback.updated_at = rating, text, timezone.now()
        feedback.save(update_fields=["rating", "comment", "updated_at"])
        notify(
            user=feedback.recipient_id,
            kind="order.feedback",
            title=format_lazy(
                gettext_lazy("{name} changed their feedback to positive")
                if rating == FeedbackRating.POSITIVE
                else gettext_lazy("{name} changed their feedback to negative"),
                name=author_name(order, actor),
            ),
            body=text,
            url=reverse("orders:detail", args=[order.public_id]),
        )
    return feedback
