"""The fund password's rules and how it is stored: the errors every fund password service
raises, the Argon2 hashing (the hasher is used directly, so it does not depend on
``PASSWORD_HASHERS``, which the tests set to MD5 for login passwords) and the rules a new fund
password must meet (RULES_TEXT)."""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher, make_password

from core.errors import DomainError

from ..models import User

MIN_LENGTH = 8
MAX_LENGTH = 64
DIGITS_ONLY_MIN_LENGTH = 10
RULES_TEXT = (
    f"{MIN_LENGTH} to {MAX_LENGTH} characters, different from your login password, not one "
    f"character repeated, and not only digits unless it is at least {DIGITS_ONLY_MIN_LENGTH} long."
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
            f"The fund password must be {MIN_LENGTH} to {MAX_LENGTH} characters long."
        )
    if len(set(raw)) == 1:
        raise FundPasswordRuleError("The fund password may not be one character repeated.")
    if raw.isdigit() and len(raw) < DIGITS_ONLY_MIN_LENGTH:
        raise FundPasswordRuleError(
            f"A fund password of only digits must be at least {DIGITS_ONLY_MIN_LENGTH} long."
        )
    if user.has_usable_password() and user.check_password(raw):
        raise FundPasswordRuleError("The fund password must differ from your login password.")
