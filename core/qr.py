"""QR codes drawn on the server as inline SVG (nothing loads from elsewhere): a deposit address
a phone wallet can scan."""

from __future__ import annotations

import io

import qrcode
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from qrcode.image.svg import SvgPathImage


def qr_svg(text: str, *, label: str) -> SafeString:
    """`text` as an SVG QR code with `label` as its accessible name."""
    code = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(text)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image(image_factory=SvgPathImage).save(buffer)
    svg = buffer.getvalue().decode()
    svg = svg[svg.index("<svg") :]  # the XML declaration has no place inside HTML
    return mark_safe(  # noqa: S308 - SVG drawn by qrcode from our own data
        svg.replace("<svg", f'<svg role="img" aria-label="{escape(label)}" class="qr"', 1)
    )
