"""A blocked action leaves its alerts behind. The alerts of a decision are written in the
action's transaction, so a block, which refuses the action and rolls it back, would take them
with it; around the action's transaction `alerts_outlive_refusal()` writes them again once the
refusal has rolled back, so staff see what was refused and why."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

from .models import Alert

_kept: ContextVar[list[Alert] | None] = ContextVar("risk_alerts_kept_on_refusal", default=None)
_FIELDS = ("code", "user_id", "point", "outcome", "mode", "explanation", "subject", "errored")


def keep_on_refusal(alerts: list[Alert]) -> None:
    """Called by `decide` when its outcome blocks: copies of all the decision's alerts (the
    block's and the milder ones beside it, which explain what was seen), to write should the
    action be refused."""
    kept = _kept.get()
    if kept is not None:
        kept.extend(Alert(**{name: getattr(alert, name) for name in _FIELDS}) for alert in alerts)


@contextmanager
def alerts_outlive_refusal() -> Iterator[None]:
    """Wrap an action's transaction (outside it): a refused action's block alerts are kept."""
    kept: list[Alert] = []
    token = _kept.set(kept)
    try:
        yield
    except Exception:
        if kept:
            from ..cases.services import case_attach_alerts

            # the action's own transaction has rolled back: this is the outermost now
            with transaction.atomic(durable=True):
                Alert.objects.bulk_create(kept)
                case_attach_alerts(alerts=kept)
        raise
    finally:
        _kept.reset(token)
