"""Payment proofs: good images are stored re-encoded; every bad upload is refused with a
clear message and nothing is stored or changed."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from PIL import Image

from orders import services
from orders.models import Order, OrderStatus, PaymentProof

from .factories import Market, place

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def order(settings, media):
    settings.MAKER_FEE_RATES = {}
    market = Market()
    return place(market.buyer(), market.online_ad(), fiat="100")


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (60, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, fmt)
    return buffer.getvalue()


def upload(name: str, data: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def mark_paid(order: Order, proofs: list[UploadedFile]) -> Order:
    return services.order_mark_paid(
        actor=order.buyer, public_id=order.public_id, method="FPS", proofs=proofs
    )


def stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()]


def test_proofs_are_stored_re_encoded(order, media):
    html = b"<html><script>alert(1)</script></html>"
    mark_paid(
        order,
        [upload("my-transfer.png", image_bytes() + html), upload("b.jpg", image_bytes("JPEG"))],
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    proofs = list(PaymentProof.objects.filter(order=order))
    assert [p.content_type for p in proofs] == ["image/png", "image/jpeg"]
    for proof in proofs:
        data = Path(proof.file.path).read_bytes()
        assert b"<script>" not in data
        assert "my-transfer" not in proof.file.name  # a random name, not the user's
    assert "2 proof images" in order.events.last().note


def pixel_flood() -> bytes:
    """A tiny PNG whose header claims 20000 x 20000 pixels (a decompression bomb)."""
    data = bytearray(image_bytes("PNG", (1, 1)))
    ihdr = data.index(b"IHDR")
    data[ihdr + 4 : ihdr + 12] = struct.pack(">II", 20000, 20000)
    crc = zlib.crc32(bytes(data[ihdr : ihdr + 17]))
    data[ihdr + 17 : ihdr + 21] = struct.pack(">I", crc)
    return bytes(data)


def truncated_jpeg() -> bytes:
    return image_bytes("JPEG", (400, 300))[:200]


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([("flood.png", "flood")], "pixels"),
        ([("invoice.jpg", b"%PDF-1.7\n1 0 obj <<>> endobj\n")], "not a JPEG, PNG or WebP"),
        ([("cut.jpg", "truncated")], "damaged or incomplete"),
        ([("huge.png", "huge")], "larger than 5 MB"),
        ([(f"p{i}.png", "png") for i in range(6)], "at most 5 proof images"),
        ([("anim.gif", "gif")], "not a JPEG, PNG or WebP"),
    ],
)
def test_bad_uploads_are_refused_and_nothing_is_stored(order, media, files, message, settings):
    makers: dict[str, Callable[[], bytes]] = {
        "flood": pixel_flood,
        "truncated": truncated_jpeg,
        "huge": lambda: image_bytes() + b"\0" * (5 * 1024 * 1024),
        "png": image_bytes,
        "gif": lambda: image_bytes("GIF"),
    }
    uploads: list[UploadedFile] = [
        upload(name, makers[data]() if isinstance(data, str) else data) for name, data in files
    ]
    with pytest.raises(services.OrderError, match=message):
        mark_paid(order, uploads)
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_PAYMENT
    assert PaymentProof.objects.count() == 0
    assert stored_files(media) == []
