"""A person appeals against one of their restrictions; staff answer. What staff work from (the
risk case the appeal lands in) lies above accounts: it listens here (installed when risk
starts, risk/apps.py) and writes in the same transaction, so an appeal never goes missing from
the case."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.locks import LockKind, lock_one

from ..models import Restriction, User
from ..models.appeals import AppealStatus, RestrictionAppeal

APPEAL_MIN = 20
APPEAL_MAX = 2000
ANSWER_MAX = 2000


class AppealError(DomainError):
    code = "appeal"


# called with (appeal, event, actor) inside the write's transaction; event: "sent" or "answered"
AppealListener = Callable[[RestrictionAppeal, str, User], None]
_listener: AppealListener | None = None


def install_appeal_listener(listener: AppealListener) -> None:
    global _listener
    _listener = listener


def _tell(appeal: RestrictionAppeal, event: str, actor: User) -> None:
    if _listener is None:
        raise ImproperlyConfigured("No appeal listener is installed (risk).")
    _listener(appeal, event, actor)


def clean_appeal_text(text: str) -> str:
    text = (text or "").strip()
    if not APPEAL_MIN <= len(text) <= APPEAL_MAX:
        raise AppealError(
            _("Write between %(least)d and %(most)d characters.")
            % {"least": APPEAL_MIN, "most": APPEAL_MAX},
            field="text",
        )
    return text


def restriction_appeal_send(*, actor: User, restriction_id: int, text: str) -> RestrictionAppeal:
    """`actor` appeals against their own restriction; one open appeal per restriction."""
    text = clean_appeal_text(text)
    with transaction.atomic(durable=True):
        restriction = lock_one(
            LockKind.USER_RECORD, Restriction.objects.filter(pk=restriction_id, user=actor)
        )
        if restriction is None:
            raise AppealError(_("There is no such restriction on your account."))
        if restriction.appeals.filter(status=AppealStatus.OPEN).exists():
            raise AppealError(_("Your appeal against this restriction is waiting for an answer."))
        # under the restriction's lock: a second appeal sent at once waits and sees this one
        appeal = RestrictionAppeal.objects.create(restriction=restriction, user=actor, text=text)
        _tell(appeal, "sent", actor)
    return appeal


def restriction_appeal_answer(*, actor: User, appeal_id: int, answer: str) -> RestrictionAppeal:
    """Staff answer an open appeal; the person reads the answer beside their restriction. Not
    durable: the case console answers inside its own transaction."""
    if not (actor.is_active and actor.is_staff):
        raise AppealError(_("Only staff may answer appeals."))
    answer = (answer or "").strip()
    if not answer:
        raise AppealError(_("Write the answer the user will read."), field="answer")
    if len(answer) > ANSWER_MAX:
        raise AppealError(
            _("The answer must be at most %(most)d characters.") % {"most": ANSWER_MAX},
            field="answer",
        )
    with transaction.atomic(savepoint=False):
        appeal = RestrictionAppeal.objects.filter(pk=appeal_id).first()
        if appeal is None:
            raise AppealError(_("There is no such appeal."))
        if appeal.user_id == actor.pk:
            raise AppealError(_("You may not answer an appeal about your own account."))
        updated = RestrictionAppeal.objects.filter(pk=appeal_id, status=AppealStatus.OPEN).update(
            status=AppealStatus.ANSWERED,
            answer=answer,
            answered_by=actor,
            answered_at=timezone.now(),
        )
        if not updated:
            raise AppealError(_("This appeal is answered already."))
        appeal.refresh_from_db()
        _tell(appeal, "answered", actor)
    return appeal
