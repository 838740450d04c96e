"""The bad-upload table for otc/uploads.clean_image: what is refused, what a person reads, and
what is left of an accepted file after re-encoding."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.uploads import UploadRejected, clean_image

FIVE_MB = 5 * 1024 * 1024


def image_bytes(
    fmt: str = "JPEG", size: tuple[int, int] = (64, 48), noise: bool = False, **options: object
) -> bytes:
    """A small image in `fmt`; `noise` makes it incompressible (so truncation cuts real data)."""
    if noise:
        image = Image.frombytes(
            "RGB", size, bytes((i * 7919) % 251 for i in range(3 * size[0] * size[1]))
        )
    else:
        image = Image.new("RGB", size, (200, 30, 90))
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def upload(name: str, data: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims `width` x `height` pixels but carries almost no data (a pixel flood)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def test_png_with_html_appended_is_accepted_without_the_html():
    data = image_bytes("PNG") + b"<html><script>alert('owned')</script></html>"
    clean = clean_image(upload("proof.png", data, "image/png"))
    stored = clean.content.read()
    assert (clean.content_type, clean.extension, clean.width, clean.height) == (
        "image/png",
        "png",
        64,
        48,
    )
    assert b"<script" not in stored
    assert b"<html>" not in stored
    assert Image.open(io.BytesIO(stored)).format == "PNG"


def test_valid_webp_is_accepted():
    clean = clean_image(upload("selfie.webp", image_bytes("WEBP"), "image/webp"))
    assert (clean.content_type, clean.extension) == ("image/webp", "webp")
    assert Image.open(io.BytesIO(clean.content.read())).format == "WEBP"


def test_jpeg_is_re_encoded_without_exif():
    exif = Image.Exif()
    exif[0x010F] = "SpyCam-Maker-1234"  # Make
    data = image_bytes("JPEG", exif=exif.tobytes())
    assert b"SpyCam-Maker-1234" in data
    clean = clean_image(upload("id.jpg", data))
    stored = clean.content.read()
    assert b"SpyCam-Maker-1234" not in stored
    assert b"Exif" not in stored
    assert not Image.open(io.BytesIO(stored)).getexif()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        pytest.param(
            "flood.png",
            png_header_only(20_000, 20_000),
            "flood.png has too many pixels.",
            id="pixel-flood",
        ),
        pytest.param(
            "passport.jpg",
            b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n",
            "passport.jpg is not a JPEG, PNG or WebP image.",
            id="pdf-renamed-jpg",
        ),
        pytest.param(
            "cut.jpg",
            image_bytes("JPEG", (200, 200), noise=True)[:4000],
            "cut.jpg is damaged or incomplete and could not be read.",
            id="truncated-jpeg",
        ),
        pytest.param(
            "huge.jpg",
            image_bytes("JPEG") + b"\0" * FIVE_MB,
            "huge.jpg is larger than 5 MB.",
            id="oversize",
        ),
        pytest.param(
            "anim.gif",
            image_bytes("GIF"),
            "anim.gif is not a JPEG, PNG or WebP image.",
            id="gif",
        ),
        pytest.param(
            "scan.bmp",
            image_bytes("BMP"),
            "scan.bmp is not a JPEG, PNG or WebP image.",
            id="bmp",
        ),
    ],
)
def test_bad_uploads_are_refused_with_a_readable_reason(name: str, data: bytes, message: str):
    with pytest.raises(UploadRejected) as refused:
        clean_image(upload(name, data))
    assert refused.value.message == message


def test_pixel_cap_below_pillows_own_names_the_size():
    """Below Pillow's bomb threshold, our own cap refuses and says how many pixels."""
    data = png_header_only(8_000, 6_000)
    with pytest.raises(UploadRejected) as refused:
        clean_image(upload("big.png", data, "image/png"), max_pixels=1_000_000)
    assert refused.value.message == (
        "big.png is 8000x6000 pixels; the most allowed is 1,000,000 pixels."
    )


def test_size_cap_is_the_setting(settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    data = image_bytes("PNG") + b"\0" * (1024 * 1024)
    with pytest.raises(UploadRejected) as refused:
        clean_image(upload("photo.png", data, "image/png"))
    assert refused.value.message == "photo.png is larger than 1 MB."
