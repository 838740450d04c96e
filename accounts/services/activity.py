"""Writes to a user's activity: notifications and daily trade figures. Both run inside the
caller's transaction, so a notice or a figure exists exactly when the change behind it does."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from ..models import Notification, TradeDay, User

TRADE_COUNTERS = (
    "completed",
    "canceled",
    "volume",
    "paid_count",
    "pay_seconds",
    "released_count",
    "release_seconds",
    "positive",
    "negative",
    "appeals",
    "disputes_lost",
)


def notify(
    *,
    user: User | int,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    dedupe_key: str = "",
    email: bool = True,
) -> Notification | None:
    """Add a notice to the user's list and, after the commit, email it. With a `dedupe_key`
    the same notice is sent at most once (None when it was sent already)."""
    fields = {
        "user_id": user if isinstance(user, int) else user.pk,
        "kind": kind,
        "title": title[:200],
        "body": body,
        "url": url[:300],
        "dedupe_key": dedupe_key[:120],
    }
    if not dedupe_key:
        notice = Notification.objects.create(**fields)
    else:
        try:
            with transaction.atomic():  # a savepoint: a duplicate leaves the caller's work
                notice = Notification.objects.create(**fields)
        except IntegrityError:
            return None  # sent already
    if email:
        notice_id = notice.pk
        transaction.on_commit(lambda: _queue_email(notice_id), robust=True)
    return notice


def _queue_email(notification_id: int) -> None:
    from ..tasks import send_notification_email

    send_notification_email.delay(notification_id)


def record_trade(
    *, user: User | int, asset_symbol: str, day: date | None = None, **counts: int | Decimal
) -> None:
    """Add to one user's figures for a day and asset (today, UTC, by default); one upsert, so
    concurrent trades of one merchant add up instead of overwriting each other."""
    unknown = set(counts) - set(TRADE_COUNTERS)
    if unknown:
        raise ValueError(f"Unknown trade figures: {', '.join(sorted(unknown))}")
    if not counts:
        return
    user_id = user if isinstance(user, int) else user.pk
    columns = list(counts)
    table = TradeDay._meta.db_table
    names = ", ".join(columns)
    placeholders = ", ".join(["%s"] * len(columns))
    updates = ", ".join(f"{name} = {table}.{name} + EXCLUDED.{name}" for name in columns)
    defaults = [name for name in TRADE_COUNTERS if name not in counts]
    default_names = "".join(f", {name}" for name in defaults)
    default_values = "".join(", 0" for _ in defaults)
    # every name interpolated here is a TRADE_COUNTERS entry (checked above); values are bound
    sql = (
        f"INSERT INTO {table} (user_id, day, asset_symbol, {names}{default_names}) "  # noqa: S608
        f"VALUES (%s, %s, %s, {placeholders}{default_values}) "
        f"ON CONFLICT (user_id, day, asset_symbol) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [user_id, day or timezone.now().date(), asset_symbol, *counts.values()],
        )
