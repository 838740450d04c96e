"""Writes to a user's activity: notifications and daily trade figures. Both run inside the
caller's transaction, so a notice or a figure exists exactly when the change behind it does.
After the commit, the user's open pages hear the new unread count (accounts/consumers.py), and
signing out closes the sockets of the session (or of every session, after a password change)."""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal
from functools import partial

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.i18n import speaking_to

from ..consumers import notices_group, send_to_group, session_group, user_group
from ..models import Notification, TradeDay, User
from ..models.activity import TRADE_COUNTERS
from ..selectors import unread_count

logger = logging.getLogger(__name__)


class NotificationNotFound(DomainError):
    code = "not_found"


def notify(
    *,
    user: User | int,
    kind: str,
    title: str | Promise,
    body: str | Promise = "",
    url: str = "",
    dedupe_key: str = "",
    email: bool = True,
) -> Notification | None:
    """Add a notice to the user's list and, after the commit, email it. With a `dedupe_key`
    the same notice is sent at most once (None when it was sent already). A lazy title or body
    (`format_lazy(gettext_lazy(...), ...)`) is kept in the recipient's language, not the
    language of whoever caused the notice."""
    if isinstance(title, Promise) or isinstance(body, Promise):
        recipient = User.objects.get(pk=user) if isinstance(user, int) else user
        with speaking_to(recipient):
            title, body = str(title), str(body)
    fields = {
        "user_id": user if isinstance(user, int) else user.pk,
        "kind": kind,
        "title": str(title)[:200],
        "body": str(body),
        "url": url[:300],
        "dedupe_key": dedupe_key[:120],
    }
    if not dedupe_key:
        notice = Notification.objects.create(**fields)
    else:
        try:
            with transaction.atomic(
                savepoint=True
            ):  # a savepoint: a duplicate leaves the caller's work
                notice = Notification.objects.create(**fields)
        except IntegrityError:
            return None  # sent already
    if email:
        notice_id = notice.pk
        transaction.on_commit(lambda: _queue_email(notice_id), robust=True)
    push_unread_count_on_commit(notice.user_id)
    return notice


def mark_read(*, actor: User, notification_id: int) -> Notification:
    """Mark one of the user's own notices read (again: no change); another's is not found."""
    with transaction.atomic(durable=True):
        notice = Notification.objects.filter(pk=notification_id, user=actor).first()
        if notice is None:
            raise NotificationNotFound(_("There is no such notification."))
        if notice.read_at is None:
            Notification.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=Now())
            notice.refresh_from_db(fields=["read_at"])
            push_unread_count_on_commit(actor.pk)
    return notice


def mark_all_read(*, actor: User) -> int:
    """Mark every unread notice of the user read; returns how many were."""
    with transaction.atomic(durable=True):
        marked = Notification.objects.filter(user=actor, read_at__isnull=True).update(read_at=Now())
        if marked:
            push_unread_count_on_commit(actor.pk)
    return marked


def push_unread_count(user_id: int) -> None:
    """Tell the user's open pages their unread count (counted now, after the commit)."""
    try:
        unread = unread_count(user=user_id)
    except Exception:  # the notice is committed; a stale badge is fixed by the next page
        logger.exception("Counting unread notices of user %s failed", user_id)
        return
    send_to_group(notices_group(user_id), {"type": "notice.count", "unread": unread})


def push_unread_count_on_commit(user_id: int) -> None:
    transaction.on_commit(partial(push_unread_count, user_id), robust=True)


def close_session_sockets(*, session_key: str | None) -> None:
    """After a logout: close the sockets of that browser session, once committed."""
    if session_key:
        event = {"type": "session.end", "reason": "logged_out"}
        transaction.on_commit(partial(send_to_group, session_group(session_key), event))


def close_user_sockets(*, user: User, reason: str) -> None:
    """After a password change or reset: close every socket of the user, once committed. The
    session that made the change is still signed in, and its pages reconnect."""
    event = {"type": "session.end", "reason": reason}
    transaction.on_commit(partial(send_to_group, user_group(user.pk), event))


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


def move_trade_count(
    *, user: User | int, asset_symbol: str, day: date, from_counter: str, to_counter: str
) -> None:
    """Move one count between two counters of a day's figures (a feedback edited from negative
    to positive). An UPDATE, since the upsert of `record_trade` only adds: PostgreSQL checks an
    INSERT's proposed row (a -1) before it sees the conflict. Raises when there is nothing to
    move, so a caller's bug never goes unseen."""
    if {from_counter, to_counter} - set(TRADE_COUNTERS) or from_counter == to_counter:
        raise ValueError(f"Cannot move a count from {from_counter} to {to_counter}.")
    moved = TradeDay.objects.filter(
        user_id=user if isinstance(user, int) else user.pk,
        day=day,
        asset_symbol=asset_symbol,
        **{f"{from_counter}__gt": 0},
    ).update(**{from_counter: F(from_counter) - 1, to_counter: F(to_counter) + 1})
    if moved != 1:
        raise RuntimeError(f"No {from_counter} count to move on {day} for {asset_symbol}.")
