"""An announcement's body: Markdown rendered with raw HTML switched off, so whatever staff type
shows as text and only Markdown's own elements reach the page; links keep to safe schemes
(markdown-it refuses javascript:, vbscript: and data: links)."""

from __future__ import annotations

from functools import lru_cache

from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt


@lru_cache(maxsize=1)
def _renderer() -> MarkdownIt:
    # "js-default": CommonMark with raw HTML off and typographer off; tables and strikethrough on
    return MarkdownIt("js-default", {"html": False, "linkify": False}).enable(
        ["table", "strikethrough"]
    )


def render_body(body: str) -> SafeString:
    return mark_safe(_renderer().render(body or ""))  # noqa: S308 - html off: escaped above
