"""One notice to many people at once (an announcement): inserted in bulk, at most once per
person for its key. In the list only: no email, no live badge push, since a notice to every
user must not become every user's email or a burst of socket messages."""

from __future__ import annotations

from ..models import Notification


def notify_many(*, user_ids: list[int], kind: str, title: str, url: str, dedupe_key: str) -> int:
    """Add the notice for each of `user_ids` who does not have it yet; how many of them have
    it now (a repeated call adds nothing and counts the same)."""
    rows = [
        Notification(
            user_id=pk, kind=kind, title=title[:200], url=url[:300], dedupe_key=dedupe_key[:120]
        )
        for pk in user_ids
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return Notification.objects.filter(user_id__in=user_ids, dedupe_key=dedupe_key[:120]).count()
