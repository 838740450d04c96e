"""Changing a knob: the value checked against the knob's type and bounds (a bad one is refused
with a message and nothing is stored), written through django-constance, and recorded with
before, after, who and why. Reverting writes an earlier value back as a new change."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..locks import lock_name
from ..models import ConfigChange
from . import config_value, forget_stored
from .knobs import BY_KEY, Kind, Knob

MIN_REASON = 5
PERMISSION = "core.change_configuration"


def _int(knob: Knob, raw: object) -> int:
    try:
        value = int(str(raw).strip())
    except ValueError as error:
        raise ValidationError(_("Enter a whole number.")) from error
    if (knob.min is not None and value < knob.min) or (knob.max is not None and value > knob.max):
        raise ValidationError(
            _("Enter a number from %(min)s to %(max)s.") % {"min": knob.min, "max": knob.max}
        )
    return value


def clean(knob: Knob, raw: object) -> Any:
    """The typed value of what staff typed, or ValidationError saying what is wrong."""
    if knob.kind is Kind.INT:
        return _int(knob, raw)
    if knob.kind is Kind.BOOL:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text not in ("true", "false", "on", "off", "1", "0", ""):
            raise ValidationError(_("Choose on or off."))
        return text in ("true", "on", "1")
    if knob.kind is Kind.INT_LIST:
        parts = [part.strip() for part in str(raw).split(",") if part.strip()]
        if not parts:
            raise ValidationError(_("Give at least one number, separated by commas."))
        values = [_int(knob, part) for part in parts]
        return sorted(set(values)) if knob.key == "AD_PAYMENT_WINDOWS" else values
    text = str(raw).strip()
    if knob.max is not None and len(text) > knob.max:
        raise ValidationError(_("Keep it to %(count)d characters.") % {"count": knob.max})
    return text


def stored(knob: Knob, value: Any) -> Any:
    """How constance keeps the typed value (lists as text)."""
    return ",".join(str(part) for part in value) if knob.kind is Kind.INT_LIST else value


def _require(actor: Any, reason: str) -> str:
    if not (actor.is_active and actor.is_staff and actor.has_perm(PERMISSION)):
        raise ValidationError(_("You may not change the configuration."))
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise ValidationError(
            _("Give the reason (at least %(count)d characters).") % {"count": MIN_REASON}
        )
    return reason


def config_set(
    *, actor: Any, key: str, value: object, reason: str, reverts: ConfigChange | None = None
) -> ConfigChange:
    knob = BY_KEY.get(key)
    if knob is None:
        raise ValidationError(_("There is no setting %(key)s.") % {"key": key})
    reason = _require(actor, reason)
    typed = clean(knob, value)
    from constance import config

    with transaction.atomic(durable=True):
        lock_name("config", key)  # one change of a knob at a time: before is what was there
        before = config_value(key)
        if before == typed:
            raise ValidationError(_("That is the value already."))
        setattr(config, key, stored(knob, typed))
        # forgotten now for this transaction's own reads, and again at the commit, in case
        # another process cached the old value in between
        forget_stored()
        transaction.on_commit(forget_stored)
        return ConfigChange.objects.create(
            key=key, before=before, after=typed, reason=reason, changed_by=actor, reverts=reverts
        )


def config_revert(*, actor: Any, change_id: int, reason: str) -> ConfigChange:
    """Put back the value a change replaced."""
    change = ConfigChange.objects.filter(pk=change_id).first()
    if change is None:
        raise ValidationError(_("There is no such change."))
    if change.before is None:
        raise ValidationError(_("This change has no earlier value to go back to."))
    return config_set(
        actor=actor,
        key=change.key,
        value=stored(BY_KEY[change.key], change.before),
        reason=reason,
        reverts=change,
    )
