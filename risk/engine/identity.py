"""Who is acting, as far as linking accounts goes: the legal name from the identity check, the
browsers and IPs they log in from, the payment accounts they saved, and the other accounts
seen on those browsers and IPs. Facts carry it (`Facts.identity`); the callers fill it with
`identity_of`, from accounts' selectors, and the blacklist and sharing rules read it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from accounts.models import User
from accounts.selectors.kyc import kyc_legal_name
from accounts.selectors.linked import (
    LINK_LOOKBACK_DAYS,
    device_ids_of,
    device_or_ip_neighbours,
    last_login_ip,
    payment_fingerprints_of,
)


@dataclass(frozen=True, kw_only=True)
class Identity:
    legal_name: str = ""
    device_ids: tuple[str, ...] = ()
    ips: tuple[str, ...] = ()
    payment_fingerprints: tuple[str, ...] = ()
    # other accounts on the person's browsers or login IPs over LINK_LOOKBACK_DAYS, each with
    # when it was last seen there: rules narrow the window with their own parameter
    neighbours: tuple[tuple[int, datetime], ...] = ()


def identity_of(*, user: User, extra_fingerprints: tuple[str, ...] = ()) -> Identity:
    """The person's identity as the rules read it: their devices over the lookback window, the
    IP of their last login, and their saved payment accounts (plus any being added)."""
    ip = last_login_ip(user_id=user.pk)
    saved = payment_fingerprints_of(user_id=user.pk)
    return Identity(
        legal_name=kyc_legal_name(user=user) or "",
        device_ids=tuple(device_ids_of(user_id=user.pk, days=LINK_LOOKBACK_DAYS)),
        ips=(ip,) if ip else (),
        payment_fingerprints=tuple(dict.fromkeys([*saved, *extra_fingerprints])),
        neighbours=tuple(device_or_ip_neighbours(user_id=user.pk, days=LINK_LOOKBACK_DAYS)),
    )
