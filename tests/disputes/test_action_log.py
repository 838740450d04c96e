"""The dispute action log is permanent: the database refuses to change or delete a line, by
raw SQL or through the ORM."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import pytest
from django.db import IntegrityError, connection, transaction

from disputes.models import DisputeAction

from .factories import disputed_order

pytestmark = pytest.mark.django_db


def test_an_action_cannot_be_updated_or_deleted(market):
    dispute = disputed_order(market)
    action = dispute.actions.get()
    attempts: list[Callable[[], object]] = [
        lambda: DisputeAction.objects.filter(pk=action.pk).update(detail="edited"),
        lambda: DisputeAction.objects.filter(pk=action.pk).delete(),
        lambda: _save_edited(action),
    ]
    attempts.extend(
        partial(_raw, sql, action.pk)
        for sql in (
            "UPDATE disputes_disputeaction SET detail = 'edited' WHERE id = %s",
            "DELETE FROM disputes_disputeaction WHERE id = %s",
        )
    )
    for attempt in attempts:
        with pytest.raises(IntegrityError, match="permanent record"), transaction.atomic():
            attempt()
    action.refresh_from_db()
    assert action.detail.endswith(dispute.description)
    assert DisputeAction.objects.filter(pk=action.pk).exists()


def _save_edited(action: DisputeAction) -> None:
    action.detail = "edited"
    action.save()


def _raw(sql: str, pk: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
