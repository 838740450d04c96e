"""The frame of every page in a browser: no page is wider than a phone, the header keeps a long
name on one line at laptop width, the phone menu opens without JavaScript, and the language
switcher changes the page's language."""

from __future__ import annotations

from tests.factories import make_user

from . import demo_site
from .conftest import screenshot
from .demo_site import demo_path, log_in

PHONE = {"width": 390, "height": 844}

# (who, path): the pages people use most, as the demo's users see them
PHONE_PAGES = [
    (None, "/"),
    (None, "/accounts/login/"),
    ("alice@demo.local", "/"),
    ("alice@demo.local", "/orders/"),
    ("alice@demo.local", "order"),
    ("alice@demo.local", "/wallet/"),
    ("alice@demo.local", "deposit"),
    ("alice@demo.local", "/wallet/addresses/"),
    ("alice@demo.local", "/wallet/withdraw/"),
    ("bob@demo.local", "withdrawal"),
    ("alice@demo.local", "/security/"),
    ("merchant.alpha@demo.local", "/merchant/"),
    ("merchant.alpha@demo.local", "/orders/"),
]

demo = demo_site.demo  # the app served with the demo data loaded


def page_width(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")


# the innermost elements that reach past the right edge: what to fix when a page is too wide
WIDEST = """(limit) => [...document.querySelectorAll('main *, header *')]
  .filter(el => el.checkVisibility() && el.getBoundingClientRect().right > limit + 1
    && ![...el.children].some(c => c.getBoundingClientRect().right > limit + 1))
  .slice(0, 5)
  .map(el => el.tagName.toLowerCase()
    + (el.className ? '.' + String(el.className).split(' ').join('.') : '')
    + ' ' + Math.round(el.getBoundingClientRect().right) + 'px')"""


def test_no_main_page_is_wider_than_a_phone(demo, browser):
    too_wide = []
    for who in sorted({w or "" for w, _ in PHONE_PAGES}):
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        if who:
            log_in(page, demo, who)
        for path in [p for w, p in PHONE_PAGES if (w or "") == who]:
            url = demo_path(path)
            page.goto(f"{demo}{url}")
            width = page_width(page)
            if width > PHONE["width"]:
                culprits = ", ".join(page.evaluate(WIDEST, PHONE["width"]))
                too_wide.append(f"{who or 'visitor'} {url}: {width}px ({culprits})")
                screenshot(page, f"too-wide{url.replace('/', '-')}")
        context.close()
    assert not too_wide, "pages wider than a 390 px phone:\n" + "\n".join(too_wide)


def test_the_phone_menu_opens_without_javascript_and_leads_to_the_wallet(demo, browser):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    log_in(page, demo, "alice@demo.local")
    nav = page.get_by_role("navigation", name="Main")
    assert not nav.get_by_role("link", name="Wallet").is_visible()
    page.locator("summary", has_text="Menu").click()
    screenshot(page, "phone-menu-open")
    assert page_width(page) <= PHONE["width"]
    menu = page.get_by_role("navigation", name="Menu")
    assert menu.get_by_text("alice", exact=True).is_visible()
    menu.get_by_role("link", name="Wallet").click()
    page.wait_for_url("**/wallet/")
    context.close()


def test_a_long_name_stays_on_one_cut_line_in_a_laptop_header(live_url, browser):
    # no nickname yet: the header shows the email, however long it is
    email = "maximilian.alexander.wolfeschlegelsteinhausen@example-company.test"
    make_user(email=email)
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    log_in(page, live_url, email, "a-long-test-password")
    name = page.locator(".nav__wide .nav__user")
    assert name.is_visible()
    assert name.get_attribute("title") == email
    cut = name.evaluate("el => el.scrollWidth > el.clientWidth")
    assert cut, "the nickname should end in an ellipsis"
    box = name.bounding_box()
    assert box
    assert box["height"] < 40  # one line
    assert page_width(page) <= 1366
    screenshot(page, "header-1366-long-name")
    context.close()


def test_the_language_switcher_changes_the_page_language(demo, page):
    page.goto(f"{demo}/accounts/login/")
    assert page.get_attribute("html", "lang") == "en"
    page.select_option("#language-wide", "zh-hant")
    page.locator(".nav__wide .lang-form button").click()
    page.wait_for_load_state()
    assert "/accounts/login/" in page.url  # back where the switch was made
    assert page.get_attribute("html", "lang") == "zh-hant"
    nav = page.get_by_role("navigation", name="主選單")
    assert nav.get_by_role("link", name="市場").is_visible()
    page.select_option("#language-wide", "zh-hans")
    page.locator(".nav__wide .lang-form button").click()
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "zh-hans"
    nav = page.get_by_role("navigation", name="主菜单")
    assert nav.get_by_role("link", name="市场").is_visible()
    screenshot(page, "language-zh-hans")
