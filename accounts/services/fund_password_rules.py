"""The fund password's rules and how it is stored: the errors every fund password service
raises, the Argon2 hashing (the hasher is used directly, so it does not depend on
``PASSWORD_HASHERS``, which the tests set to MD5 for login passwords) and the rules a new fund
password must meet (RULES_TEXT)."""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher, make_password
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import DomainError

from ..models import User

MIN_LENGTH = 8
MAX_LENGTH = 64
DIGITS_ONLY_MIN_LENGTH = 10
RULES_TEXT = format_lazy(
    gettext_lazy(
        "{low} to {high} characters, different from your login password, not one character "
        "repeated, and not only digits unless it is at least {digits} long."
    ),
    low=MIN_LENGTH,
    high=MAX_LENGTH,
    digits=DIGITS_ONLY_MIN_LENGTH,
)

_HASHER = Argon2PasswordHasher()


class FundPasswordError(DomainError):
    code = "fund_password"


class FundPasswordNotSet(FundPasswordError):
    code = "fund_password_not_set"


class FundPasswordAlreadySet(FundPasswordError):
    code = "fund_password_already_set"


class FundPasswordRuleError(FundPasswordError):
    """The new fund password breaks a rule (see RULES_TEXT)."""

    code = "fund_password_rule"


class FundPasswordLocked(FundPasswordError):
    code = "fund_password_locked"


class WrongFundPassword(FundPasswordError):
    code = "fund_password_wrong"


class TwoFactorRequired(FundPasswordError):
    code = "fund_password_2fa_required"


class WrongTwoFactorCode(FundPasswordError):
    code = "fund_password_2fa_wrong"


class ResetLinkInvalid(FundPasswordError):
    code = "fund_password_reset_invalid"


class ResetTooSoon(FundPasswordError):
    code = "fund_password_reset_too_soon"


class NotStaff(FundPasswordError):
    code = "not_staff"


def _hash(raw: str) -> str:
    return make_password(raw, hasher=_HASHER)


def _matches(raw: str, encoded: str) -> bool:
    # django.contrib.auth.hashers.check_password() identifies the hasher from PASSWORD_HASHERS
    # and quietly answers False for an algorithm not listed there, so ask Argon2 directly.
    if not raw or not encoded.startswith(f"{_HASHER.algorithm}$"):
        return False
    return _HASHER.verify(raw, encoded)


def check_rules(*, user: User, raw: str) -> None:
    """Raise FundPasswordRuleError when `raw` may not be a fund password."""
    if not isinstance(raw, str) or not MIN_LENGTH <= len(raw) <= MAX_LENGTH:
        raise FundPasswordRuleError(
            _("The fund password must be %(low)d to %(high)d characters long.")
            % {"low": MIN_LENGTH, "high": MAX_LENGTH}
        )
    if len(set(raw)) == 1:
        raise FundPasswordRuleError(_("The fund password may not be one character repeated."))
    if raw.isdigit() and len(raw) < DIGITS_ONLY_MIN_LENGTH:
        raise FundPasswordRuleError(
            _("A fund password of only digits must be at least %(digits)d long.")
            % {"digits": DIGITS_ONLY_MIN_LENGTH}
        )
    if user.has_usable_password() and user.check_password(raw):
        raise FundPasswordRuleError(_("The fund password must differ from your login password."))
