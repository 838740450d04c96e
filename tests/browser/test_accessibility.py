"""axe-core (vendored in tests/browser/vendor/) checks the pages people use most, as the demo's
users see them, on a laptop, on a phone with the menu open and in Traditional Chinese: no
violation of impact serious or critical is allowed. The failure lists each one with the elements
it was found on.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from . import demo_site
from .demo_site import demo_path, log_in

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SEVERE = {"serious", "critical"}

LAPTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}

# name: (who, path, viewport, language); "order" is the demo's completed trade
PAGES = {
    "market": ("alice@demo.local", "/", LAPTOP, "en"),
    "market-visitor": (None, "/", LAPTOP, "en"),
    "sign-in": (None, "/accounts/login/", LAPTOP, "en"),
    "order": ("alice@demo.local", "order", LAPTOP, "en"),
    "wallet": ("alice@demo.local", "/wallet/", LAPTOP, "en"),
    "merchant-center": ("merchant.alpha@demo.local", "/merchant/", LAPTOP, "en"),
    "security": ("alice@demo.local", "/security/", LAPTOP, "en"),
    "deposit": ("alice@demo.local", "deposit", LAPTOP, "en"),
    "address-book": ("alice@demo.local", "/wallet/addresses/", LAPTOP, "en"),
    "withdraw": ("alice@demo.local", "/wallet/withdraw/", LAPTOP, "en"),
    "withdrawal": ("bob@demo.local", "withdrawal", LAPTOP, "zh-hant"),
    "order-phone-menu": ("alice@demo.local", "order", PHONE, "en"),
    "merchant-center-zh-hant": ("merchant.alpha@demo.local", "/merchant/", LAPTOP, "zh-hant"),
}

demo = demo_site.demo  # the app served with the demo data loaded


def severe_violations(page) -> list[dict]:
    page.add_script_tag(content=AXE.read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in SEVERE]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {json.dumps(node['target'])}: {node['html'][:160]}")
            summary = node.get("failureSummary", "").replace("\n", " ")[:240]
            lines.append(f"      {summary}")
    return "\n".join(lines)


def open_page(demo: str, browser, name: str):
    who, path, viewport, language = PAGES[name]
    context = browser.new_context(viewport=viewport)
    context.add_cookies([{"name": "django_language", "value": language, "url": demo}])
    page = context.new_page()
    if who:
        log_in(page, demo, who)
    page.goto(f"{demo}{demo_path(path)}")
    page.wait_for_load_state("networkidle")
    if viewport is PHONE:
        page.locator(".nav__toggle").click()
    return context, page


@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_accessibility_violation(demo, browser, name):
    context, page = open_page(demo, browser, name)
    found = severe_violations(page)
    context.close()
    assert not found, f"{name}:\n{describe(found)}"
