"""Orders: one trade against an ad, its state machine, and its record of events.

The state lives in a django-fsm-2 field: transitions only change the object in memory; the
services in orders/services.py save them under a row lock, write an OrderEvent, and move the
escrow in the same transaction. The database also refuses unknown states (a CHECK), since
`protected=True` does not stop a QuerySet.update().
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from ads.models import Ad
from core.fields import AmountField, FiatField, PriceField
from core.models import FiatCurrency
from core.uploads import extension_for, private_name
from escrow.models import Asset


class OrderStatus(models.TextChoices):
    PENDING = "pending", _("Pending review")
    AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
    PAID = "paid", _("Paid, awaiting release")
    RELEASED = "released", _("Released")
    CANCELED = "canceled", _("Canceled")
    DISPUTED = "disputed", _("In dispute")


OPEN_STATUSES = (
    OrderStatus.PENDING,
    OrderStatus.AWAITING_PAYMENT,
    OrderStatus.PAID,
    OrderStatus.DISPUTED,
)
CLOSED_STATUSES = (OrderStatus.RELEASED, OrderStatus.CANCELED)


class Order(ConcurrentTransitionMixin, models.Model):
    public_id = models.CharField(max_length=20, unique=True, editable=False)
    ad = models.ForeignKey(Ad, on_delete=models.PROTECT, related_name="orders")
    taker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders_taken"
    )
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders_bought"
    )
    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders_sold"
    )
    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="+")
    fiat = models.ForeignKey(FiatCurrency, on_delete=models.PROTECT, related_name="+")
    price = PriceField(help_text=_("Fiat per unit, locked when the order opened."))
    amount = AmountField(help_text=_("The crypto traded: what the fiat total pays for."))
    fiat_total = FiatField(help_text=_("What the buyer pays, rounded once."))
    fee = AmountField(help_text=_("Maker fee, in the asset, to the platform."))
    escrow_amount = AmountField(
        help_text=_(
            "Frozen from the seller: the amount, plus the fee when the seller is the maker."
        )
    )
    buyer_receives = AmountField(
        help_text=_("Posted to the buyer: the amount, less the fee when the buyer is the maker.")
    )
    status = FSMField(
        max_length=20, choices=OrderStatus.choices, default=OrderStatus.PENDING, protected=True
    )
    hold_id = models.BigIntegerField(null=True, blank=True, help_text=_("The escrow hold."))
    payment_window_minutes = models.PositiveSmallIntegerField()
    seller_payment_details = models.JSONField(
        default=list, help_text=_("The seller's payment methods, copied when the order opened.")
    )
    idempotency_key = models.CharField(max_length=64)
    review_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)
    pay_by = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    paid_method = models.CharField(max_length=80, blank=True)
    paid_note = models.CharField(max_length=500, blank=True)
    paid_from_name = models.CharField(
        max_length=120,
        blank=True,
        help_text=_("The holder of the account the buyer says they paid from, as they typed it."),
    )
    payment_check = models.CharField(
        max_length=200,
        blank=True,
        help_text=_(
            "Set when a risk rule held the payment for staff to check: what the rule saw. "
            "The seller is told not to release until the platform confirms the payment."
        ),
    )
    appeal_after = models.DateTimeField(
        null=True, blank=True, help_text=_("From when either party may appeal a paid order.")
    )
    payment_reminded_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the buyer was reminded the deadline is near.")
    )
    release_reminded_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the seller was reminded to release.")
    )
    assigned_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The staff member handling this order's dispute: may read and join its chat."),
    )
    released_at = models.DateTimeField(null=True, blank=True)
    canceled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True)
    canceled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [
            ("review_held_order", _("Can approve or reject orders held by the risk rule")),
        ]
        indexes = [
            models.Index(fields=["status", "pay_by"], name="orders_deadline_sweep"),
            models.Index(fields=["buyer", "status"], name="orders_buyer_status"),
            models.Index(fields=["seller", "status"], name="orders_seller_status"),
            # the daily analytics rollup reads one day of orders at a time
            models.Index(fields=["created_at"], name="orders_created_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=OrderStatus.values), name="orders_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0, fee__gte=0, escrow_amount__gte=F("amount"))
                & Q(fiat_total__gt=0, price__gt=0, buyer_receives__gt=0)
                & Q(escrow_amount=F("buyer_receives") + F("fee")),
                name="orders_amounts_positive",
            ),
            models.CheckConstraint(
                condition=~Q(buyer=F("seller")), name="orders_two_different_parties"
            ),
            models.UniqueConstraint(
                fields=["taker", "idempotency_key"], name="orders_one_per_form_submit"
            ),
            models.CheckConstraint(
                condition=Q(status="pending")
                | Q(hold_id__isnull=False)
                | Q(status="canceled", pay_by__isnull=True),
                name="orders_escrow_frozen_once_open",
            ),
        ]

    def __str__(self) -> str:
        return f"Order {self.public_id}"

    def role_of(self, user_id: int | None) -> str | None:
        if user_id == self.buyer_id:
            return "buyer"
        if user_id == self.seller_id:
            return "seller"
        return None

    # --- transitions: they only change fields; services save them under a lock -------------

    @transition(field=status, source=OrderStatus.PENDING, target=OrderStatus.AWAITING_PAYMENT)
    def open_escrow(self) -> None:
        pass

    @transition(field=status, source=OrderStatus.AWAITING_PAYMENT, target=OrderStatus.PAID)
    def mark_paid(self) -> None:
        pass

    @transition(
        field=status,
        source=[OrderStatus.PENDING, OrderStatus.AWAITING_PAYMENT],
        target=OrderStatus.CANCELED,
    )
    def cancel(self) -> None:
        pass

    @transition(field=status, source=OrderStatus.PAID, target=OrderStatus.RELEASED)
    def release(self) -> None:
        pass

    @transition(field=status, source=OrderStatus.PAID, target=OrderStatus.DISPUTED)
    def open_dispute(self) -> None:
        pass

    @transition(field=status, source=OrderStatus.DISPUTED, target=OrderStatus.RELEASED)
    def resolve_release(self) -> None:
        pass

    @transition(field=status, source=OrderStatus.DISPUTED, target=OrderStatus.CANCELED)
    def resolve_refund(self) -> None:
        pass

    @transition(field=status, source=OrderStatus.DISPUTED, target=OrderStatus.PAID)
    def withdraw_dispute(self) -> None:
        pass


class OrderEvent(models.Model):
    """Every transition: who, from, to, when, and why."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty when the system acted (timeouts)."),
    )
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    at = models.DateTimeField(db_default=Now(), editable=False)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.order} {self.from_status or '-'} -> {self.to_status}"


def proof_path(instance: PaymentProof, filename: str) -> str:
    return private_name("proofs", instance.content_type)


class PaymentProof(models.Model):
    """A screenshot of the buyer's payment, re-encoded on upload, shown only to the parties
    (and staff handling a dispute) through a checked view."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="proofs")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(upload_to=proof_path, max_length=200)
    content_type = models.CharField(max_length=40)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    image_hash = models.BigIntegerField(
        null=True,
        blank=True,
        db_index=True,
        help_text=_("A perceptual hash of the picture (64 bits): the same proof on two orders."),
    )
    uploaded_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"Proof {self.pk} of {self.order}"

    @property
    def extension(self) -> str:
        return extension_for(self.content_type)


def chat_image_path(instance: ChatMessage, filename: str) -> str:
    return private_name("chat", instance.image_content_type)


class ChatMessageKind(models.TextChoices):
    TEXT = "text", _("Message")
    IMAGE = "image", _("Image")
    SYSTEM = "system", _("System")


CHAT_MESSAGE_MAX = 2000


class ChatMessage(models.Model):
    """One line of an order's chat: a party's text, or a system note written on a transition
    (`sender` empty). Persisted first, then broadcast to the order's Channels group."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="chat_messages")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty for system messages."),
    )
    kind = models.CharField(
        max_length=10, choices=ChatMessageKind.choices, default=ChatMessageKind.TEXT
    )
    body = models.TextField(max_length=CHAT_MESSAGE_MAX, blank=True)
    image = models.FileField(
        upload_to=chat_image_path,
        max_length=200,
        blank=True,
        help_text=_("An image message: validated and re-encoded like payment proofs."),
    )
    image_content_type = models.CharField(max_length=40, blank=True)
    image_width = models.PositiveIntegerField(null=True, blank=True)
    image_height = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["order", "created_at", "id"], name="orders_chat_history")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ChatMessageKind.values), name="orders_chat_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind="system", sender__isnull=True)
                | Q(kind__in=["text", "image"], sender__isnull=False),
                name="orders_chat_system_has_no_sender",
            ),
            models.CheckConstraint(
                condition=Q(kind="image", image__gt="") | (~Q(kind="image") & Q(image="")),
                name="orders_chat_image_only_on_image_messages",
            ),
        ]

    def __str__(self) -> str:
        return f"Chat {self.pk} on {self.order}"


class FeedbackRating(models.TextChoices):
    POSITIVE = "positive", _("Positive")
    NEGATIVE = "negative", _("Negative")


FEEDBACK_COMMENT_MAX = 500


class OrderFeedback(models.Model):
    """What one party of a released order says about the other: once per order and author; a
    negative one stays editable for a while (settings.FEEDBACK_EDIT_DAYS)."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="feedback")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="feedback_received"
    )
    rating = models.CharField(max_length=10, choices=FeedbackRating.choices)
    comment = models.CharField(max_length=FEEDBACK_COMMENT_MAX, blank=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="orders_feedback_recipient")
        ]
        constraints = [
            models.UniqueConstraint(fields=["order", "author"], name="orders_feedback_once"),
            models.CheckConstraint(
                condition=Q(rating__in=FeedbackRating.values), name="orders_feedback_rating_valid"
            ),
            models.CheckConstraint(
                condition=~Q(author=F("recipient")), name="orders_feedback_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_rating_display()} feedback on {self.order}"
