"""The errors every ad service raises: a `DomainError` whose message a person reads."""

from __future__ import annotations

from core.errors import DomainError


class AdError(DomainError):
    code = "ad"


class AdNotFound(AdError):
    code = "not_found"


class NotAMerchant(AdError):
    code = "not_merchant"


class AdInvalid(AdError):
    """A value the merchant entered is refused; `field` names it (a form field name)."""

    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
