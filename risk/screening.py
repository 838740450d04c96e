"""Risk's screen of a payment method being added, or edited to another account
(`Point.PAYMENT_METHOD_ADD`). Accounts sits below risk and cannot ask it, so accounts' add and
update services take a screen, and the project's URLs hand them this one: it runs inside the
service's transaction, after accounts' own checks and before the write, so its alerts stand or
fall with the method.

Outcomes: block refuses, with nothing stored, and the person is told only that the account
cannot be used; review saves the method and leaves an alert for staff; hold has nothing to
wait on here (a saved method moves no money by itself), so it is treated as review: saved,
with the alert for staff to act on."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors.linked import users_with_fingerprint
from accounts.services.payment_method_rules import PaymentMethodCandidate
from core.errors import DomainError

from .engine import Point, decide
from .engine.facts_more import PaymentMethodFacts
from .engine.identity import identity_of
from .rules import Outcome


class PaymentMethodRefused(DomainError):
    code = "payment_method_refused"


def payment_method_facts(candidate: PaymentMethodCandidate) -> PaymentMethodFacts:
    user = candidate.user
    others = users_with_fingerprint(fingerprint=candidate.fingerprint, exclude_user_id=user.pk)
    extra = (candidate.fingerprint,) if candidate.fingerprint else ()
    return PaymentMethodFacts(
        user_id=user.pk,
        subject=f"payment_method:{candidate.method_type.code}:{candidate.fingerprint[-16:]}",
        now=timezone.now(),
        joined_at=user.date_joined,
        identity=identity_of(user=user, extra_fingerprints=extra),
        method_type=candidate.method_type.code,
        fingerprint=candidate.fingerprint,
        holder_name=candidate.holder_name,
        others_with_fingerprint=len(others),
    )


def screen_payment_method(candidate: PaymentMethodCandidate) -> None:
    """Refuses (PaymentMethodRefused) when a rule blocks; anything milder lets it be saved."""
    decision = decide(point=Point.PAYMENT_METHOD_ADD, facts=payment_method_facts(candidate))
    if decision.outcome == Outcome.BLOCK:
        raise PaymentMethodRefused(
            _("This payment account cannot be used. Contact support if you think it should.")
        )
