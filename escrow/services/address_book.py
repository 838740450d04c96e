"""The address book's writes: add, change and remove the addresses a user withdraws to. Each
address is checked against its network's pattern; a new address, or a changed one, waits out
the cooling period before a withdrawal may use it."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.locks import LockKind, lock_one
from risk.blacklist import Blacklisted, require_address_not_listed

from ..models import Network, WithdrawalAddress
from .errors import LedgerError


class AddressRefused(LedgerError):
    code = "address_refused"


def _checked(network: Network, address: str, memo: str) -> tuple[str, str]:
    address, memo = (address or "").strip(), (memo or "").strip()
    if not re.fullmatch(network.address_pattern, address):
        raise AddressRefused(
            _("That is not a %(network)s address.") % {"network": network.name}, field="address"
        )
    if network.memo_required and not memo:
        raise AddressRefused(_("This network needs the memo as well."), field="memo")
    return address, memo


def _cooled() -> datetime:
    return timezone.now() + timedelta(hours=settings.WITHDRAWAL_ADDRESS_COOLING_HOURS)


def address_add(
    *, actor: User, network_id: int, label: str, address: str, memo: str = ""
) -> WithdrawalAddress:
    with transaction.atomic(durable=True):
        network = Network.objects.filter(pk=network_id, asset__enabled=True).first()
        if network is None:
            raise AddressRefused(_("Choose a network."), field="network")
        label = (label or "").strip()
        if not label:
            raise AddressRefused(_("Give the address a label."), field="label")
        address, memo = _checked(network, address, memo)
        try:
            require_address_not_listed(address)
        except Blacklisted as error:
            raise AddressRefused(error.message, field="address") from error
        try:
            with transaction.atomic(savepoint=True):
                return WithdrawalAddress.objects.create(
                    user=actor,
                    network=network,
                    label=label[:60],
                    address=address,
                    memo=memo,
                    usable_from=_cooled(),
                )
        except IntegrityError as error:
            raise AddressRefused(
                _("This address is in your address book already."), field="address"
            ) from error


def address_change(
    *, actor: User, entry_id: int, label: str, address: str, memo: str = ""
) -> WithdrawalAddress:
    """Change one of the actor's entries. A new label takes effect at once; a new address or
    memo is a new destination, so the entry cools again from now."""
    with transaction.atomic(durable=True):
        entry = lock_one(
            LockKind.USER_RECORD,
            WithdrawalAddress.objects.select_related("network").filter(
                pk=entry_id, user=actor, removed_at__isnull=True
            ),
        )
        if entry is None:
            raise AddressRefused(_("There is no such address in your address book."))
        label = (label or "").strip()
        if not label:
            raise AddressRefused(_("Give the address a label."), field="label")
        address, memo = _checked(entry.network, address, memo)
        fields = ["label"]
        if (address, memo) != (entry.address, entry.memo):
            try:
                require_address_not_listed(address)
            except Blacklisted as error:
                raise AddressRefused(error.message, field="address") from error
            entry.address, entry.memo, entry.usable_from = address, memo, _cooled()
            fields += ["address", "memo", "usable_from"]
        entry.label = label[:60]
        try:
            with transaction.atomic(savepoint=True):
                entry.save(update_fields=fields)
        except IntegrityError as error:
            raise AddressRefused(
                _("This address is in your address book already."), field="address"
            ) from error
        return entry


def address_remove(*, actor: User, entry_id: int) -> None:
    """Remove one of the actor's own entries (another's is not found: nothing changes)."""
    with transaction.atomic(durable=True):
        removed = WithdrawalAddress.objects.filter(
            pk=entry_id, user=actor, removed_at__isnull=True
        ).update(removed_at=timezone.now())
        if not removed:
            raise AddressRefused(_("There is no such address in your address book."))
