"""Every template speaks through the catalogue: a page, a mail or an admin screen with
hand-written English would stay English for a reader who chose Chinese."""

from __future__ import annotations

from pathlib import Path

import pytest

from .untranslated import hand_written_source, untranslated_in

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(
    path
    for path in (ROOT / "templates").rglob("*")
    if path.suffix in {".html", ".txt"} and path.is_file()
)


def test_the_checker_finds_hand_written_text() -> None:
    source = (
        '<p>Pay now</p><input placeholder="Amount"><b>{% translate "Done" %}</b>'
        '{% include "_pagination.html" with label="Order pages" %}'
        '{% include "_pagination.html" with label=_("Feedback pages") %}'
    )
    template = ROOT / "templates" / "_checker_sample.html"
    template.write_text(source, encoding="utf-8")
    try:
        found = [finding.text for finding in untranslated_in(template, ROOT)]
    finally:
        template.unlink()
    assert found == ["Order pages", "Pay now", "Amount"]


def test_the_checker_leaves_translations_codes_and_markup_alone() -> None:
    source = (
        '{% load i18n %}<a class="btn primary" href="/x">{% translate "Open" %}</a>'
        "{% blocktranslate trimmed with n=count %}{{ n }} orders{% endblocktranslate %}"
        "{# a note #}<span>USDT · HKD 2FA</span><script>const ready = true;</script>"
        "{% comment %}Left out{% endcomment %}{{ order.ref }}"
    )
    assert "orders" not in hand_written_source(source)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: str(path.relative_to(ROOT)))
def test_template_has_no_untranslated_text(template: Path) -> None:
    findings = untranslated_in(template, ROOT)
    assert not findings, "Wrap in {% translate %} / {% blocktranslate %}:\n" + "\n".join(
        str(finding) for finding in findings
    )
