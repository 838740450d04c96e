"""Who is in an audience the platform writes to: ids only, in chunks, for announcements."""

from __future__ import annotations

from collections.abc import Iterator

from ..models import User
from ..models.kyc import KycLevel, KycStatus, KycSubmission

CHUNK = 2000


def active_user_ids(*, language: str = "") -> Iterator[list[int]]:
    """Every active person's id (those who chose `language`, when given), in chunks."""
    people = User.objects.filter(is_active=True)
    if language:
        people = people.filter(language__iexact=language)
    yield from _chunks(people.order_by("pk").values_list("pk", flat=True))


def user_ids_verified_in(*, country: str) -> Iterator[list[int]]:
    """Active people whose approved identity check names `country`, in chunks."""
    ids = (
        KycSubmission.objects.filter(
            status=KycStatus.APPROVED,
            level=KycLevel.IDENTITY,
            country=country.upper(),
            user__is_active=True,
        )
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()
    )
    yield from _chunks(ids)


def _chunks(ids: object) -> Iterator[list[int]]:
    batch: list[int] = []
    for pk in ids.iterator(chunk_size=CHUNK):  # type: ignore[attr-defined]
        batch.append(pk)
        if len(batch) == CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch
