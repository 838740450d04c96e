"""Rules about who is acting: someone on the blacklist (their legal name, a browser, a login
IP, a payment account), a payment account other people saved too, and browsers or IPs shared
with several other accounts. They read the `Identity` the caller put in the facts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.selectors.linked import LINK_LOOKBACK_DAYS

from ...blacklist import first_listed
from ...models import BlacklistKind
from ...rules import Outcome
from ..base import Hit, Point, Rule, register
from ..facts import Facts
from ..facts_more import PaymentMethodFacts
from ..params import Kind, Param


def _pairs(facts: Facts) -> list[tuple[str, str]]:
    """Every (kind, value) of the person the blacklist is asked about."""
    pairs: list[tuple[str, str]] = []
    identity = facts.identity
    if identity is not None:
        pairs.append((BlacklistKind.LEGAL_NAME, identity.legal_name))
        pairs += [(BlacklistKind.DEVICE, device) for device in identity.device_ids]
        pairs += [(BlacklistKind.IP_RANGE, ip) for ip in identity.ips]
        pairs += [(BlacklistKind.PAYMENT_ACCOUNT, fp) for fp in identity.payment_fingerprints]
    if isinstance(facts, PaymentMethodFacts):
        pairs.append((BlacklistKind.PAYMENT_ACCOUNT, facts.fingerprint))
        pairs.append((BlacklistKind.LEGAL_NAME, facts.holder_name))
    return pairs


@register
class OnBlacklist(Rule):
    """A value of the person's on the blacklist: by default the action is refused, and the
    person is told only that it cannot be done."""

    code = "blacklisted"
    title = gettext_lazy("On the blacklist")
    points = frozenset({Point.PAYMENT_METHOD_ADD, Point.ORDER_PLACE, Point.WITHDRAWAL_REQUEST})

    def evaluate(self, facts: Facts, params: dict[str, Any]) -> Hit | None:
        entry = first_listed(_pairs(facts))
        if entry is None:
            return None
        return Hit(
            Outcome.BLOCK,
            _("%(kind)s on the blacklist (entry %(id)d, %(source)s: %(reason)s)")
            % {
                "kind": entry.get_kind_display(),
                "id": entry.pk,
                "source": entry.source,
                "reason": entry.reason,
            },
        )


@register
class SharedPaymentAccount(Rule):
    code = "shared_payment_account"
    title = gettext_lazy("Payment account saved by other users")
    points = frozenset({Point.PAYMENT_METHOD_ADD})
    params = (
        Param(
            "min_others",
            Kind.INT,
            1,
            gettext_lazy("Reviewed when at least this many other users saved the same account."),
            min=1,
            max=100,
        ),
    )

    def evaluate(self, facts: Facts, params: dict[str, Any]) -> Hit | None:
        assert isinstance(facts, PaymentMethodFacts)
        if not facts.fingerprint or facts.others_with_fingerprint < params["min_others"]:
            return None
        return Hit(
            Outcome.REVIEW,
            _("The same payment account is saved by %(count)d other users (threshold %(min)d)")
            % {"count": facts.others_with_fingerprint, "min": params["min_others"]},
        )


@register
class SharedDeviceOrIp(Rule):
    code = "shared_device_or_ip"
    title = gettext_lazy("Browser or IP shared with other accounts")
    points = frozenset({Point.ORDER_PLACE, Point.WITHDRAWAL_REQUEST})
    params = (
        Param(
            "days",
            Kind.INT,
            30,
            gettext_lazy("Logins from the last this many days count."),
            min=1,
            max=LINK_LOOKBACK_DAYS,
        ),
        Param(
            "min_others",
            Kind.INT,
            3,
            gettext_lazy("Reviewed when at least this many other accounts used them."),
            min=1,
            max=1000,
        ),
    )

    def evaluate(self, facts: Facts, params: dict[str, Any]) -> Hit | None:
        if facts.identity is None:
            return None
        since = facts.now - timedelta(days=params["days"])
        others = {other for other, seen in facts.identity.neighbours if seen >= since}
        if len(others) < params["min_others"]:
            return None
        return Hit(
            Outcome.REVIEW,
            _(
                "%(count)d other accounts logged in from this user's browsers or IPs in the "
                "last %(days)d days (threshold %(min)d)"
            )
            % {"count": len(others), "days": params["days"], "min": params["min_others"]},
        )
