"""What the trade walks in the browser share: people, a merchant's sell ad on the market, and
the steps that wait for the other browser."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.utils import timezone
from PIL import Image

from accounts.models import KycLimit, KycSubmission, PaymentMethodType, User
from accounts.services.fund_password import fund_password_set
from accounts.services.payment_methods import (
    ensure_default_payment_method_types,
    payment_method_add,
)
from ads import services as ad_services
from ads.models import Ad, Side
from core.models import FiatCurrency
from escrow.models import Asset
from tests.ads import market_factories as market
from tests.ads.factories import ad_terms, make_merchant
from tests.factories import funded_account, make_asset, make_user
from tests.orders.factories import FUND_PASSWORD

PASSWORD = "a-long-test-password"  # what tests.factories.make_user sets
WAIT = 15_000  # ms: the longest any step waits for the other browser's effect
AUTO_REPLY = "Hi, I am online: pay within 15 minutes by FPS, please."


def log_in(page, live_url: str, email: str, button: str = "Sign In") -> None:
    """Sign in on the login page; `button` is its submit button's name in the page's language."""
    page.goto(f"{live_url}/accounts/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, page.locator("main").inner_text()


def person(email: str, nickname: str) -> User:
    user = make_user(email=email)
    user.nickname = nickname
    user.save(update_fields=["nickname"])
    return user


def verified(user: User, legal_name: str) -> None:
    KycSubmission.objects.create(
        user=user,
        level=1,
        status="approved",
        legal_name=legal_name,
        country="HK",
        id_type="passport",
        id_number="X",
    )


def wait_for_text(page, selector: str, text: str, timeout: int = WAIT) -> None:
    """Wait until the element's text contains `text`, saying what it shows when it never does."""
    try:
        page.wait_for_function(
            """([selector, text]) => {
                 const el = document.querySelector(selector);
                 return !!el && el.innerText.includes(text);
               }""",
            arg=[selector, text],
            timeout=timeout,
        )
    except Exception as error:
        found = page.locator(selector)
        shown = found.first.inner_text() if found.count() else "(no such element)"
        wanted = f"wanted {text!r} in {selector} at {page.url}"
        raise AssertionError(f"{wanted}; got {shown!r}") from error


def wait_live(page) -> None:
    """The order page's socket is open (the chat says so)."""
    wait_for_text(page, "[data-chat-state]", "live")


def chat_bodies(page) -> list[str]:
    return page.locator("[data-chat-list] .order-chat__body").all_inner_texts()


def send_chat(page, text: str) -> None:
    wait_live(page)
    page.fill("#chat-body", text)
    page.locator("[data-chat-form]").get_by_role("button", name="Send", exact=True).click()
    wait_for_text(page, "[data-chat-list]", text)


def assert_flash_if_shown(page, text: str) -> None:
    """The confirmation after a form, when the page shows it. The acting party's own page also
    gets the order's status event over its socket and reloads itself (order_live.js), racing the
    form's POST-redirect-GET: now and then that reload wins and the one-time message is lost."""
    flash = page.locator(".messages")
    if flash.count():
        assert text in flash.inner_text(), flash.inner_text()


def status_badge(page) -> str:
    return page.locator(".order-status").inner_text().strip()


def proof_png(folder: Path) -> Path:
    path = folder / "transfer.png"
    image = Image.new("RGB", (320, 200), (30, 120, 200))
    for x in range(40, 280):
        for y in range(80, 120):
            image.putpixel((x, y), (250, 250, 250))
    image.save(path, "PNG")
    return path


@dataclass(frozen=True)
class SellAd:
    usdt: Asset
    mia: User
    ad: Ad
    ben: User


def mia_sells_to_ben() -> SellAd:
    """USDT, HKD, FPS; Mia sells 1000 USDT at 7.80 HKD by FPS; Ben is verified."""
    usdt = make_asset(symbol="USDT", precision=6)
    ensure_default_payment_method_types()
    hkd = FiatCurrency.objects.get(code="HKD")
    fps = PaymentMethodType.objects.get(code="fps")

    mia = person("mia@example.test", "Mia")
    merchant = make_merchant(mia, tier=market.tier(label="Gold"))
    merchant.display_name = "MiaDesk"
    merchant.save(update_fields=["display_name"])
    verified(mia, "Mia Merchant")
    fps_account = payment_method_add(
        actor=mia,
        method_type=fps,
        holder_name="Mia Merchant",
        details={"fps_id": "+852 5555 0101"},
    )
    funded_account(mia, usdt, "5000")
    fund_password_set(actor=mia, raw=FUND_PASSWORD)
    terms = ad_terms(
        total_quantity=Decimal(1000),
        min_order_fiat=Decimal(100),
        max_order_fiat=Decimal(7800),
        auto_reply=AUTO_REPLY,
        terms="Pay by FPS from an account in your own name.",
    )
    ad = ad_services.ad_create(
        actor=mia,
        side=Side.SELL,
        asset=usdt,
        fiat=hkd,
        payment_method_ids=[fps_account.pk],
        **terms,
    )
    ad = ad_services.ad_go_online(actor=mia, ad_id=ad.pk)

    ben = person("ben@example.test", "Ben")
    User.objects.filter(pk=ben.pk).update(date_joined=timezone.now() - timedelta(days=30))
    verified(ben, "Ben Buyer")
    # no KycLimit rows means no daily limit; if some exist, level 1 must allow this trade
    limit = KycLimit.objects.filter(level=1, fiat=hkd).first()
    assert limit is None or limit.daily_limit >= Decimal(780), limit
    return SellAd(usdt=usdt, mia=mia, ad=ad, ben=ben)
