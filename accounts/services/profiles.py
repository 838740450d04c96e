"""The public side of an account: the nickname, and whom a user refuses to trade with."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import DomainError
from core.locks import LockKind, lock_name, lock_one

from ..models import Block, User
from ..selectors import nickname_next_change_at

NICKNAME_PATTERN = re.compile(r"^[A-Za-z0-9_-]{3,24}$")
NICKNAME_FORMAT = gettext_lazy(
    "3 to 24 characters: letters, digits, underscores (_) and hyphens (-)"
)
# names that would let someone pass for the platform or its staff
RESERVED_NICKNAMES = {
    "admin",
    "administrator",
    "staff",
    "support",
    "help",
    "helpdesk",
    "system",
    "official",
    "moderator",
    "mod",
    "root",
    "otc",
    "otc-exchange",
    "otc_exchange",
    "escrow",
    "security",
    "arbitration",
    "arbitrator",
}


class ProfileError(DomainError):
    code = "profile"


class NicknameError(ProfileError):
    code = "nickname"


class BlockError(ProfileError):
    code = "block"


def _lock_nickname(nickname: str) -> None:
    """Two people asking for "Alice" and "alice" at once: the second waits for the first, then
    sees it taken. (The unique index alone is case-sensitive.)"""
    lock_name("nickname", nickname)


def nickname_set(*, actor: User, nickname: str) -> User:
    """Set or change the public nickname. The first one is set at once; after that it may
    change once every NICKNAME_CHANGE_DAYS days."""
    wanted = (nickname or "").strip() if isinstance(nickname, str) else ""
    if not NICKNAME_PATTERN.fullmatch(wanted):
        raise NicknameError(_("A nickname has %(format)s.") % {"format": NICKNAME_FORMAT})
    if wanted.lower() in RESERVED_NICKNAMES:
        raise NicknameError(
            _("The nickname %(name)s is reserved; choose another.") % {"name": wanted}
        )
    with transaction.atomic(durable=True):
        locked = lock_one(LockKind.USER, User.objects.filter(pk=actor.pk))
        assert locked is not None
        if locked.nickname == wanted:
            return locked  # nothing to change, and the waiting time is not started again
        next_change = nickname_next_change_at(user=locked)
        now = timezone.now()
        if next_change is not None and now < next_change:
            raise NicknameError(
                _(
                    "You can change your nickname once every %(days)d days; the next change "
                    "is possible on %(date)s."
                )
                % {
                    "days": settings.NICKNAME_CHANGE_DAYS,
                    "date": date_format(timezone.localtime(next_change), "DATE_FORMAT"),
                }
            )
        _lock_nickname(wanted.lower())
        taken = User.objects.filter(nickname__iexact=wanted).exclude(pk=locked.pk).exists()
        if taken:
            raise NicknameError(
                _("The nickname %(name)s is taken; choose another.") % {"name": wanted}
            )
        locked.nickname, locked.nickname_changed_at = wanted, now
        try:
            with transaction.atomic(savepoint=True):
                locked.save(update_fields=["nickname", "nickname_changed_at"])
        except IntegrityError as exc:  # pragma: no cover - the advisory lock prevents it
            raise NicknameError(
                _("The nickname %(name)s is taken; choose another.") % {"name": wanted}
            ) from exc
    actor.nickname, actor.nickname_changed_at = locked.nickname, locked.nickname_changed_at
    return locked


def nickname_rule() -> str:
    """The rule as the profile page explains it."""
    return _(
        "%(format)s. The first nickname is set at once; after that you can change it once "
        "every %(days)d days."
    ) % {"format": NICKNAME_FORMAT, "days": settings.NICKNAME_CHANGE_DAYS}


def block_user(*, actor: User, other: User) -> Block:
    """`actor` stops trading with `other`. Blocking someone already blocked changes nothing."""
    if actor.pk == other.pk:
        raise BlockError(_("You cannot block yourself."))
    with transaction.atomic(durable=True):
        block, _created = Block.objects.get_or_create(blocker=actor, blocked=other)
    return block


def unblock_user(*, actor: User, other: User) -> bool:
    """Lift `actor`'s block on `other`. Returns whether there was one."""
    if actor.pk == other.pk:
        raise BlockError(_("You cannot block or unblock yourself."))
    with transaction.atomic(durable=True):
        deleted, _counts = Block.objects.filter(blocker=actor, blocked=other).delete()
    return deleted > 0
