"""Every read the order pages need. Orders are read only by their two parties: anyone else gets
None, which the views answer with 404 (staff access comes with the disputes app)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import PaymentMethodType, User, UserPaymentMethod
from accounts.selectors import payment_methods_for_user
from ads.models import Ad, PriceIndex, Side
from ads.pricing import ad_price
from ads.selectors import ad_hidden_reason, fiat_text
from core.errors import DomainError
from core.money import format_amount, format_fiat, quantum

from .models import Order, OrderEvent, OrderStatus, PaymentProof
from .services import Quote, quote

# Statuses in which the seller's crypto is (or was) frozen and the buyer needs where to pay.
PAYMENT_DETAILS_STATUSES = (
    OrderStatus.AWAITING_PAYMENT,
    OrderStatus.PAID,
    OrderStatus.DISPUTED,
)

ACTION_MARK_PAID = "mark_paid"
ACTION_CANCEL = "cancel"
ACTION_RELEASE = "release"
ACTION_APPEAL = "appeal"

SIDE_BOUGHT = "bought"
SIDE_SOLD = "sold"


def _is_user(user: object) -> bool:
    return isinstance(user, User) and bool(user.is_authenticated)


# --- the order form: the ad as a taker sees it -----------------------------------------------


@dataclass(frozen=True)
class AdOffer:
    """An ad as the order form shows it: its price now and whether it can be taken."""

    ad: Ad
    price: Decimal | None  # fiat per unit now; None when a floating ad has no fresh index
    available: bool  # listed on the market now
    payment_names: list[str]

    @property
    def user_buys(self) -> bool:
        """On a merchant's sell ad the user buys."""
        return self.ad.side == Side.SELL

    @property
    def headline(self) -> str:
        symbol, merchant = self.ad.asset.symbol, self.ad.merchant.display_name
        if self.user_buys:
            return f"You buy {symbol} from {merchant}"
        return f"You sell {symbol} to {merchant}"

    @property
    def price_display(self) -> str:
        return "" if self.price is None else format_fiat(self.price, self.ad.fiat.minor_units)

    @property
    def min_display(self) -> str:
        return format_fiat(self.ad.min_order_fiat, self.ad.fiat.minor_units)

    @property
    def max_display(self) -> str:
        """The ad's maximum, or what its remainder covers at today's price when that is less."""
        highest = self.ad.max_order_fiat
        if self.price is not None:
            covered = (self.ad.remaining_quantity * self.price).quantize(
                quantum(self.ad.fiat.minor_units)
            )
            highest = min(highest, covered)
        return format_fiat(highest, self.ad.fiat.minor_units)

    @property
    def available_display(self) -> str:
        return format_amount(self.ad.remaining_quantity)


def ad_for_order_form(*, public_id: str) -> AdOffer | None:
    """The ad behind an order form, with its price and whether the market lists it now."""
    if not public_id:
        return None
    ad = (
        Ad.objects.select_related("merchant", "merchant__user", "merchant__tier", "asset", "fiat")
        .prefetch_related(
            Prefetch(
                "payment_methods",
                queryset=UserPaymentMethod.objects.select_related("method_type"),
            ),
            Prefetch("payment_types", queryset=PaymentMethodType.objects.all()),
        )
        .filter(public_id=public_id)
        .first()
    )
    if ad is None:
        return None
    index = PriceIndex.objects.filter(asset=ad.asset, fiat=ad.fiat).first()
    price = ad_price(ad, index)
    hidden = ad_hidden_reason(ad, index=index, now=timezone.now())
    if ad.side == Side.SELL:
        names = [method.method_type.name for method in ad.payment_methods.all()]
    else:
        names = [kind.name for kind in ad.payment_types.all()]
    return AdOffer(
        ad=ad,
        price=price,
        available=hidden is None and price is not None,
        payment_names=list(dict.fromkeys(names)),
    )


def payment_methods_for_ad(*, user: User, ad: Ad) -> list[UserPaymentMethod]:
    """The user's own saved methods whose type a buy ad accepts (where the merchant will pay)."""
    if not _is_user(user) or ad.side != Side.BUY:
        return []
    accepted = [kind.pk for kind in ad.payment_types.all()]
    return list(payment_methods_for_user(user=user).filter(method_type_id__in=accepted))


@dataclass(frozen=True)
class QuoteView:
    """What the order form says about what the user typed."""

    quote: Quote | None
    message: str = ""  # why there is no quote
    warning: str = ""  # a quote, but the order would be refused (limits, quantity)
    fiat_total_display: str = ""
    amount_display: str = ""
    price_display: str = ""


def quote_for_form(*, offer: AdOffer, pay_in: str, value: str) -> QuoteView:
    """Turn the form's amount (in fiat or in crypto) into the order's figures, with a friendly
    message instead of an error. The service checks everything again when the order is placed."""
    ad = offer.ad
    if not offer.available or offer.price is None:
        return QuoteView(quote=None, message="This ad is not available right now.")
    value = (value or "").strip()
    if not value:
        unit = ad.asset.symbol if pay_in == "crypto" else ad.fiat.code
        return QuoteView(quote=None, message=f"Enter an amount in {unit} to see the total.")
    try:
        figures = quote(
            ad,
            price=offer.price,
            fiat_amount=value if pay_in != "crypto" else None,
            amount=value if pay_in == "crypto" else None,
        )
    except DomainError as error:
        return QuoteView(quote=None, message=error.message)
    warning = ""
    fiat = ad.fiat.code
    if not ad.min_order_fiat <= figures.fiat_total <= ad.max_order_fiat:
        warning = f"This ad takes orders from {offer.min_display} to {offer.max_display} {fiat}."
    elif ad.side == Side.SELL and figures.amount + figures.fee > ad.remaining_quantity:
        warning = f"Only {offer.available_display} {ad.asset.symbol} is available on this ad."
    elif ad.side == Side.BUY and figures.amount > ad.remaining_quantity:
        warning = f"This ad buys at most {offer.available_display} {ad.asset.symbol} now."
    minor = ad.fiat.minor_units
    return QuoteView(
        quote=figures,
        warning=warning,
        fiat_total_display=format_fiat(figures.fiat_total, minor),
        amount_display=format_amount(figures.amount),
        price_display=format_fiat(figures.price, minor),
    )


# --- one order, for its two parties ------------------------------------------------------------


def order_for_party(*, user: User, public_id: str) -> Order | None:
    """The order if `user` is its buyer or seller, with what its page shows; None otherwise."""
    if not _is_user(user) or not public_id:
        return None
    events = OrderEvent.objects.select_related("actor").order_by("at", "id")
    return (
        Order.objects.filter(Q(buyer_id=user.pk) | Q(seller_id=user.pk), public_id=public_id)
        .select_related(
            "ad", "ad__merchant", "asset", "fiat", "buyer", "seller", "taker", "canceled_by"
        )
        .prefetch_related(Prefetch("events", queryset=events), "proofs")
        .first()
    )


def counterparty_name(*, order: Order, user: User) -> str:
    """The other party's public name: the merchant's display name, else the nickname (never
    the email address)."""
    other = order.seller if order.buyer_id == user.pk else order.buyer
    merchant = order.ad.merchant
    return merchant.display_name if merchant.user_id == other.pk else other.public_name


def proof_for_party(*, user: User, public_id: str, proof_id: int) -> PaymentProof | None:
    """One payment proof of an order, if `user` is its buyer or seller; None otherwise."""
    if not _is_user(user) or not public_id:
        return None
    return (
        PaymentProof.objects.filter(
            Q(order__buyer_id=user.pk) | Q(order__seller_id=user.pk),
            order__public_id=public_id,
            pk=proof_id,
        )
        .only("pk", "file", "content_type", "order_id")
        .first()
    )


def order_actions(*, order: Order, user: User) -> set[str]:
    """What `user` may do to the order now: the buyer pays or cancels while it awaits payment,
    the seller releases once it is paid, either appeals a paid order after `appeal_after`. The
    services check all of it again under a lock."""
    role = order.role_of(user.pk if _is_user(user) else None)
    if role == "buyer" and order.status == OrderStatus.AWAITING_PAYMENT:
        return {ACTION_MARK_PAID, ACTION_CANCEL}
    actions = set()
    if role == "seller" and order.status == OrderStatus.PAID:
        actions.add(ACTION_RELEASE)
    if role is not None and order.status == OrderStatus.PAID and appeal_open(order=order):
        actions.add(ACTION_APPEAL)
    return actions


def appeal_open(*, order: Order) -> bool:
    """Whether a party of this paid order may appeal now (the service checks the database
    clock again)."""
    return order.appeal_after is not None and order.appeal_after <= timezone.now()


def order_shows_payment_details(*, order: Order, user: User) -> bool:
    """The seller's accounts are shown to the buyer, and only once the escrow is frozen."""
    return (
        order.role_of(user.pk) == "buyer"
        and order.status in PAYMENT_DETAILS_STATUSES
        and bool(order.seller_payment_details)
    )


def seller_payment_types(*, order: Order) -> list[str]:
    """The ways the buyer may pay: the types among the seller's copied payment details."""
    names = [
        str(detail.get("type") or "")
        for detail in order.seller_payment_details or []
        if isinstance(detail, dict)
    ]
    return list(dict.fromkeys(name for name in names if name))


@dataclass(frozen=True)
class OrderFigures:
    """An order's figures as text: fiat with its minor units, crypto without trailing zeros."""

    price: str
    fiat_total: str
    amount: str
    fee: str
    escrow_amount: str
    buyer_receives: str


def order_figures(*, order: Order) -> OrderFigures:
    minor = order.fiat.minor_units
    return OrderFigures(
        price=format_fiat(order.price, minor),
        fiat_total=format_fiat(order.fiat_total, minor),
        amount=format_amount(order.amount),
        fee=format_amount(order.fee),
        escrow_amount=format_amount(order.escrow_amount),
        buyer_receives=format_amount(order.buyer_receives),
    )


def _status_words(status: str, *, reviewed: bool = False) -> str:
    """A state in words. `pending` is only "review" for an order the risk rule held: most
    orders pass through it within the request that placed them."""
    if not status:
        return "Placed"
    if status == OrderStatus.PENDING:
        return "Held for review" if reviewed else "Placed"
    try:
        return str(OrderStatus(status).label)
    except ValueError:
        return status


@dataclass(frozen=True)
class TimelineLine:
    at: datetime
    actor: str  # a public name (never an email), "You", "Support team" or "System"
    from_words: str
    to_words: str
    note: str


def _actor_name(event: OrderEvent, order: Order, viewer: User) -> str:
    actor = event.actor
    if actor is None:
        return "System"
    if actor.pk == viewer.pk:
        return "You"
    if order.role_of(actor.pk) is None:
        return "Support team"  # staff reviewing a held order: no name is shown
    merchant = order.ad.merchant
    return merchant.display_name if merchant.user_id == actor.pk else actor.public_name


def order_timeline(*, order: Order, viewer: User) -> list[TimelineLine]:
    """The order's events, oldest first, in words. The first one reads "Placed"; an event that
    did not change the state (held for review) names the state once."""
    lines = []
    reviewed = bool(order.review_reason)
    for event in order.events.all():
        moved = bool(event.from_status) and event.from_status != event.to_status
        lines.append(
            TimelineLine(
                at=event.at,
                actor=_actor_name(event, order, viewer),
                from_words=_status_words(event.from_status, reviewed=reviewed) if moved else "",
                to_words=(
                    _status_words(event.to_status, reviewed=reviewed)
                    if event.from_status
                    else "Placed"
                ),
                note=event.note,
            )
        )
    return lines


# --- the user's orders ---------------------------------------------------------------------


@dataclass(frozen=True)
class OrderFilters:
    status: str = ""
    asset: str = ""  # asset symbol
    side: str = ""  # SIDE_BOUGHT or SIDE_SOLD, from the user's side
    date_from: date | None = None
    date_to: date | None = None


def orders_for_user(*, user: User, filters: OrderFilters | None = None) -> QuerySet[Order]:
    """The user's orders, as buyer or seller, newest first."""
    if not _is_user(user):
        return Order.objects.none()
    filters = filters or OrderFilters()
    orders = Order.objects.filter(Q(buyer_id=user.pk) | Q(seller_id=user.pk))
    if filters.status:
        orders = orders.filter(status=filters.status)
    if filters.asset:
        orders = orders.filter(asset__symbol=filters.asset)
    if filters.side == SIDE_BOUGHT:
        orders = orders.filter(buyer_id=user.pk)
    elif filters.side == SIDE_SOLD:
        orders = orders.filter(seller_id=user.pk)
    if filters.date_from:
        orders = orders.filter(created_at__date__gte=filters.date_from)
    if filters.date_to:
        orders = orders.filter(created_at__date__lte=filters.date_to)
    return orders.select_related("asset", "fiat", "buyer", "seller", "ad__merchant").order_by(
        "-created_at", "-id"
    )


@dataclass(frozen=True)
class OrderRow:
    """One line of the user's order list."""

    order: Order
    side: str  # SIDE_BOUGHT or SIDE_SOLD, from the user's side
    counterparty: str
    figures: OrderFigures


def order_rows(*, orders: Iterable[Order], user: User) -> list[OrderRow]:
    rows = []
    for order in orders:
        rows.append(
            OrderRow(
                order=order,
                side=SIDE_BOUGHT if order.buyer_id == user.pk else SIDE_SOLD,
                counterparty=counterparty_name(order=order, user=user),
                figures=order_figures(order=order),
            )
        )
    return rows


EXPORT_HEADER = [
    "public_id",
    "created",
    "side",
    "asset",
    "amount",
    "fiat",
    "price",
    "total",
    "status",
]


def order_export_rows(*, user: User, filters: OrderFilters) -> Iterator[list[str]]:
    """The CSV rows of the user's filtered orders: every figure a Decimal written as text."""
    for order in orders_for_user(user=user, filters=filters).iterator(chunk_size=500):
        yield [
            order.public_id,
            order.created_at.isoformat(),
            SIDE_BOUGHT if order.buyer_id == user.pk else SIDE_SOLD,
            order.asset.symbol,
            format_amount(order.amount),
            order.fiat.code,
            fiat_text(order.price, order.fiat.minor_units),
            fiat_text(order.fiat_total, order.fiat.minor_units),
            order.status,
        ]
