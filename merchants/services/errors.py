"""The errors every merchant service raises: a `MerchantError` whose message a person reads."""

from __future__ import annotations

from collections.abc import Mapping

from core.errors import DomainError


class MerchantError(DomainError):
    code = "merchant"


class MerchantNotAllowed(MerchantError):
    code = "merchant_not_allowed"


class RequirementsNotMet(MerchantError):
    code = "merchant_requirements"


class CollateralUnavailable(MerchantError):
    code = "merchant_collateral"


class MerchantInvalid(MerchantError):
    """Some fields were refused; `errors` maps each field name to its reason."""

    code = "merchant_invalid"

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = dict(errors)
