"""A rule's parameters, declared: a name, a type, bounds, a default and a line of help for the
staff who edit them. Stored values are JSON (decimals as strings); `clean` refuses a bad value
with a message naming the parameter, so nothing out of bounds is ever stored, and `resolve`
gives the rule its typed values, a default for whatever staff have not set."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _


class Kind(Enum):
    DECIMAL = "decimal"
    INT = "int"
    STR = "str"
    PER_FIAT = "per_fiat"  # {"HKD": Decimal, ...}: one threshold per fiat currency


@dataclass(frozen=True)
class Param:
    name: str
    kind: Kind
    # a value, or a callable read at evaluation time (a default that follows the settings)
    default: Any
    help: str | Promise = ""
    min: Decimal | int | None = None
    max: Decimal | int | None = None

    def default_value(self) -> Any:
        raw = self.default() if callable(self.default) else self.default
        return self.to_python(raw)

    def to_python(self, raw: Any) -> Any:
        """The typed value of `raw` within the bounds; ValueError with the reason if not."""
        if self.kind is Kind.PER_FIAT:
            if not isinstance(raw, Mapping):
                raise ValueError(_("a table of currency codes and amounts"))
            return {self._fiat(code): self._number(value) for code, value in raw.items()}
        if self.kind is Kind.STR:
            if not isinstance(raw, str):
                raise ValueError(_("text"))
            return raw.strip()
        return self._number(raw)

    def to_json(self, value: Any) -> Any:
        if self.kind is Kind.PER_FIAT:
            return {code: str(amount) for code, amount in value.items()}
        if self.kind is Kind.DECIMAL:
            return str(value)
        return value

    def bounds_text(self) -> str:
        if self.min is not None and self.max is not None:
            return _("from %(min)s to %(max)s") % {"min": self.min, "max": self.max}
        if self.min is not None:
            return _("at least %(min)s") % {"min": self.min}
        if self.max is not None:
            return _("at most %(max)s") % {"max": self.max}
        return ""

    @staticmethod
    def _fiat(code: object) -> str:
        text = str(code).strip().upper()
        if not (len(text) == 3 and text.isalpha()):
            raise ValueError(_("currency codes of three letters, such as HKD"))
        return text

    def _number(self, raw: Any) -> Decimal | int:
        if isinstance(raw, bool) or raw is None:
            raise ValueError(_("a number"))
        if self.kind is Kind.INT:
            try:
                number: Decimal | int = int(str(raw).strip())
            except ValueError as error:
                raise ValueError(_("a whole number")) from error
        else:
            try:
                number = Decimal(str(raw).strip())
            except InvalidOperation as error:
                raise ValueError(_("a number")) from error
            if not number.is_finite():
                raise ValueError(_("a number"))
        if self.min is not None and number < self.min:
            raise ValueError(self.bounds_text())
        if self.max is not None and number > self.max:
            raise ValueError(self.bounds_text())
        return number


def clean(spec: tuple[Param, ...], raw: object) -> dict[str, Any]:
    """The JSON to store for `raw` (a mapping of parameter names to values), or ValidationError
    with one message per bad parameter. Parameters left out keep their defaults."""
    if not isinstance(raw, Mapping):
        raise ValidationError(_("The parameters must be a table of names and values."))
    known = {param.name: param for param in spec}
    errors = [
        _("There is no parameter %(name)s.") % {"name": name} for name in raw if name not in known
    ]
    stored: dict[str, Any] = {}
    for name, value in raw.items():
        param = known.get(name)
        if param is None:
            continue
        try:
            stored[name] = param.to_json(param.to_python(value))
        except ValueError as error:
            errors.append(_("%(name)s must be %(what)s.") % {"name": name, "what": error.args[0]})
    if errors:
        raise ValidationError(errors)
    return stored


def resolve(spec: tuple[Param, ...], stored: Mapping[str, Any]) -> dict[str, Any]:
    """Typed values for every parameter: the stored one, or the default."""
    return {
        param.name: param.to_python(stored[param.name])
        if param.name in stored
        else param.default_value()
        for param in spec
    }
