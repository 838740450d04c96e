"""Demo of the risk rules at the trade's own steps: PayPal rated a high-risk (reversible)
payment method, bob's payment from an account in another name held for checking (the seller
is warned not to release, an open payer-name alert waits for the risk officer), and alice's
proof that is the same picture as bob's, resized (an open duplicate-proof alert). Created once
(the orders' form keys mark them); every step goes through the real services."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from accounts.models import PaymentMethodType, PaymentRiskClass, User
from ads.models import Ad, AdStatus, Side
from orders import services as orders
from orders.models import Order

HIGH_RISK_TYPES = ("paypal",)  # payments the payer can reverse weeks later


def _sell_ad(merchant_email: str) -> Ad | None:
    return (
        Ad.objects.filter(
            merchant__user__email=merchant_email,
            side=Side.SELL,
            status=AdStatus.ONLINE,
            asset__symbol="USDT",
            fiat__code="HKD",
        )
        .order_by("created_at")
        .first()
    )


def _screenshot(fmt: str, size: tuple[int, int]) -> SimpleUploadedFile:
    """A bank app's confirmation screen, drawn: the same picture in every format and size."""
    image = Image.new("RGB", (360, 640), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 360, 110), fill=(0, 70, 140))
    draw.ellipse((130, 170, 230, 270), fill=(30, 150, 80))
    draw.rectangle((40, 330, 320, 360), fill=(90, 90, 90))
    draw.rectangle((40, 400, 250, 420), fill=(160, 160, 160))
    draw.text((40, 40), "Transfer sent: HKD 500.00", fill="white")
    buffer = io.BytesIO()
    image.resize(size).save(buffer, fmt, quality=80)
    kind = "image/jpeg" if fmt == "JPEG" else "image/png"
    return SimpleUploadedFile(f"transfer.{fmt.lower()}", buffer.getvalue(), content_type=kind)


def _paid_order(
    *, buyer: User, ad: Ad, key: str, paid_from: str, proof: SimpleUploadedFile
) -> None:
    if Order.objects.filter(taker=buyer, idempotency_key=key).exists():
        return
    order = orders.order_place(
        actor=buyer,
        ad_public_id=ad.public_id,
        idempotency_key=key,
        fiat_amount=str(max(ad.min_order_fiat, 500)),
    )
    orders.order_mark_paid(
        actor=buyer,
        public_id=order.public_id,
        method="FPS",
        paid_from_name=paid_from,
        proofs=[proof],
    )


def seed_trade_risk(*, people: dict[str, User]) -> None:
    PaymentMethodType.objects.filter(code__in=HIGH_RISK_TYPES).update(
        risk_class=PaymentRiskClass.HIGH
    )
    gamma = _sell_ad("merchant.gamma@demo.local")
    beta = _sell_ad("merchant.beta@demo.local")
    if gamma is None or beta is None:
        return
    # bob (verified as Bob Wong) says he paid from someone else's account
    _paid_order(
        buyer=people["bob@demo.local"],
        ad=gamma,
        key="demo-trade-payer-name",
        paid_from="Wong Ka Ho",
        proof=_screenshot("JPEG", (360, 640)),
    )
    # alice pays from her own account, but shows bob's screenshot, smaller
    _paid_order(
        buyer=people["alice@demo.local"],
        ad=beta,
        key="demo-trade-duplicate-proof",
        paid_from="Alice Chan",
        proof=_screenshot("PNG", (270, 480)),
    )
