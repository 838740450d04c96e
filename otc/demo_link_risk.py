"""The demo's linked accounts and blacklist: alice and bob saved the same FPS account (bob's
add left an open alert for the risk officer, and the 360 view links them), one IP range and
one legal name on the blacklist."""

from __future__ import annotations

from accounts.models import PaymentMethodType, User, UserPaymentMethod
from accounts.selectors import kyc_legal_name
from accounts.services.payment_methods import fingerprint_for, payment_method_add
from risk.blacklist import blacklist_add
from risk.models import BlacklistEntry, BlacklistKind
from risk.screening import screen_payment_method

SHARED_FPS = {"fps_id": "+852 6666 0202"}
BLACKLIST = [
    (
        BlacklistKind.IP_RANGE,
        "198.51.100.0/24",
        "Proxy network behind the account takeovers of the demo case",
        "demo case 1",
    ),
    (
        BlacklistKind.LEGAL_NAME,
        "WONG, Siu Ming",
        "Money mule named by a partner bank",
        "partner list, demo",
    ),
]


def _shared_account(user: User, fps: PaymentMethodType) -> None:
    fingerprint = fingerprint_for(fps, SHARED_FPS)
    if UserPaymentMethod.objects.filter(user=user, fingerprint=fingerprint).exists():
        return
    payment_method_add(
        actor=user,
        method_type=fps,
        holder_name=kyc_legal_name(user=user) or "",
        details=SHARED_FPS,
        screen=screen_payment_method,
    )


def seed_link_risk(*, people: dict[str, User], admin: User) -> None:
    fps = PaymentMethodType.objects.filter(code="fps").first()
    if fps is not None:
        # alice first, so bob's add is the one that finds the account taken
        for email in ("alice@demo.local", "bob@demo.local"):
            _shared_account(people[email], fps)
    for kind, value, reason, source in BLACKLIST:
        if not BlacklistEntry.objects.filter(kind=kind, source=source).exists():
            blacklist_add(actor=admin, kind=kind, value=value, reason=reason, source=source)
