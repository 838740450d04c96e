"""The custody provider's webhooks. A webhook is a hint, never a fact: once its signature over
the raw body is verified, it is fresh and it has not been seen before, the services ask the
provider again about what it names, and only the provider's answer moves anything. Its amounts,
addresses and statuses are never read."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction

from core.clock import database_now

from .. import custody
from ..custody import HintKind, WebhookHint, WebhookRefused
from ..models import Deposit, Network, WebhookDelivery, Withdrawal
from .deposits import deposit_observe
from .withdrawals import withdrawal_observe

logger = logging.getLogger(__name__)

DELIVERY_ID_LENGTH = WebhookDelivery._meta.get_field("delivery_id").max_length or 200


class WebhookStale(Exception):
    """Signed too long ago, or too far ahead: a recorded delivery replayed past our memory of
    it, or a sender whose clock cannot be trusted."""


class WebhookReplayed(Exception):
    """A delivery already accepted once."""


@dataclass(frozen=True)
class WebhookAccepted:
    hints: tuple[WebhookHint, ...]
    deposits: tuple[Deposit, ...]  # as observed from the provider after the hint


def webhook_receive(*, headers: Mapping[str, str], body: bytes) -> WebhookAccepted:
    """Take one delivery from the custody provider. Raises `WebhookRefused` (not the
    provider's), `WebhookStale` or `WebhookReplayed`, having changed nothing."""
    chain = custody.provider()
    hints = chain.parse_webhook(headers=headers, body=body)
    for hint in hints:
        if not hint.delivery_id or len(hint.delivery_id) > DELIVERY_ID_LENGTH:
            raise WebhookRefused("The delivery id is missing or too long.")
    _check_fresh(hints)
    delivery_ids = sorted({hint.delivery_id for hint in hints})
    _claim(provider=chain.code, delivery_ids=delivery_ids)
    try:
        deposits: list[Deposit] = []
        for hint in hints:
            if hint.kind == HintKind.DEPOSIT:
                deposits += _deposit_hint(hint)
            else:
                _withdrawal_hint(hint)
    except Exception:
        # Not handled, so not seen: the provider's retry of this delivery must get through.
        _release(provider=chain.code, delivery_ids=delivery_ids)
        raise
    return WebhookAccepted(hints=tuple(hints), deposits=tuple(deposits))


def _check_fresh(hints: list[WebhookHint]) -> None:
    # The signed time bounds how long a captured delivery stays usable, and means seen ids
    # need only be remembered for the window: anything older is refused whatever its id.
    now = database_now()
    window = timedelta(seconds=settings.CUSTODY_WEBHOOK_MAX_AGE_SECONDS)
    for hint in hints:
        if not now - window <= hint.sent_at <= now + window:
            raise WebhookStale(
                f"Signed at {hint.sent_at.isoformat()}, outside {window} of {now.isoformat()}."
            )


def _claim(*, provider: str, delivery_ids: list[str]) -> None:
    """Record the deliveries as seen, or refuse them all as a replay. Two copies arriving
    together both insert; the unique key makes the second wait for the first and then fail.
    Ids are claimed in sorted order so that two deliveries sharing ids cannot deadlock."""
    with transaction.atomic(durable=True):
        for delivery_id in delivery_ids:
            try:
                with transaction.atomic(savepoint=True):
                    WebhookDelivery.objects.create(provider=provider, delivery_id=delivery_id)
            except IntegrityError as error:
                raise WebhookReplayed(f"Delivery {delivery_id!r} was accepted before.") from error


def _release(*, provider: str, delivery_ids: list[str]) -> None:
    with transaction.atomic(durable=True):
        WebhookDelivery.objects.filter(provider=provider, delivery_id__in=delivery_ids).delete()


def _deposit_hint(hint: WebhookHint) -> list[Deposit]:
    """Something arrived on a network: re-fetch the transaction for each of our networks with
    that code. The hint names the chain, not the asset (USDT and another token may share
    TRON), and `deposit_observe` passes over outputs that are not to that network's
    addresses, so asking on every one of them credits exactly what is ours."""
    network_ids = list(
        Network.objects.filter(code=hint.network_code).order_by("pk").values_list("pk", flat=True)
    )
    if not network_ids:
        logger.warning("Deposit hint for unknown network %r (%s)", hint.network_code, hint.txid)
    observed: list[Deposit] = []
    for network_id in network_ids:
        observed += deposit_observe(network_id=network_id, txid=hint.txid)
    return observed


def _withdrawal_hint(hint: WebhookHint) -> None:
    """A send moved on at the provider: each withdrawal sent under that reference asks the
    provider where it stands (`withdrawal_observe`), never the webhook."""
    sent = Withdrawal.objects.filter(provider_ref=hint.provider_ref).values_list(
        "public_id", flat=True
    )
    for public_id in list(sent) if hint.provider_ref else []:
        withdrawal_observe(public_id=public_id)
    logger.info("Withdrawal hint for %r (delivery %s)", hint.provider_ref, hint.delivery_id)
