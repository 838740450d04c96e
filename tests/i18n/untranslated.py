"""Finds what a template shows people without passing it through the catalogue.

The template is read with Django's own lexer: text inside `{% translate %}` and
`{% blocktranslate %}`, comments, and every variable or tag become a neutral mark, and what is
left is HTML written by hand. An HTML parser then collects the visible text and the attributes
people read (placeholder, title, aria-label, alt, a button's value); any of them with a word in
Latin letters is a string a Chinese reader would meet in English."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from django.template.base import DebugLexer, Token, TokenType

MARK = " "  # neutral: keeps words apart and leaves a tag a tag
# Read by people, so translated; other attributes (class, href, name, id...) are not text.
READ_ATTRIBUTES = {"placeholder", "title", "aria-label", "alt", "aria-description"}
BUTTON_TYPES = {"submit", "button", "reset"}
# What needs no translation: the product's name, codes (USDT, HKD, KYC, 2FA, UTC), numbers and
# punctuation.
BRAND = "OTC Exchange"
WORD = re.compile(r"[A-Za-z]{2,}")
CODE = re.compile(r"^[A-Z0-9]{2,6}$")
OPENERS = ("blocktranslate", "blocktrans")
CLOSERS = ("endblocktranslate", "endblocktrans")


@dataclass(frozen=True)
class Finding:
    template: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.template}:{self.line}: {self.text!r}"


def hand_written_source(source: str) -> str:
    """The template with everything Django renders or translates replaced by MARK; the line
    breaks stay, so a finding's line is the template's line."""
    parts: list[str] = []
    inside_translation = inside_comment = inside_class_block = False
    for token in DebugLexer(source).tokenize():
        contents = token.contents.strip()
        first = contents.split(" ", 1)[0] if token.token_type == TokenType.BLOCK else ""
        if token.token_type == TokenType.BLOCK and first == "comment":
            inside_comment = True
        if token.token_type == TokenType.BLOCK and first in OPENERS:
            inside_translation = True
        if token.token_type == TokenType.BLOCK and first == "block":
            # a child's `{% block main_class %}` fills a class attribute of its parent
            inside_class_block = contents.endswith("class")
        skipped = inside_translation or inside_comment or inside_class_block
        keep = token.token_type == TokenType.TEXT and not skipped
        parts.append(token.contents if keep else MARK + "\n" * _line_breaks(token, source))
        if token.token_type == TokenType.BLOCK and first == "endcomment":
            inside_comment = False
        if token.token_type == TokenType.BLOCK and first == "endblock":
            inside_class_block = False
        if token.token_type == TokenType.BLOCK and first in CLOSERS:
            inside_translation = False
    return "".join(parts)


def _line_breaks(token: Token, source: str) -> int:
    """How many line breaks a replaced token held (so line numbers stay right)."""
    start, end = token.position or (0, 0)
    return source[start:end].count("\n")


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._skip_depth += 1
        values = dict(attrs)
        for name, value in attrs:
            if value and name in READ_ATTRIBUTES:
                self._check(value)
        if tag == "input" and values.get("type") in BUTTON_TYPES and values.get("value"):
            self._check(values["value"] or "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in {"script", "style"}:
            self._skip_depth -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"} and self._skip_depth:
            self._skip_depth -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self._check(data)

    def _check(self, text: str) -> None:
        visible = " ".join(text.replace(BRAND, " ").split())
        words = [word for word in WORD.findall(visible) if not CODE.match(word)]
        if words:
            self.found.append((self.getpos()[0], visible))


INCLUDE_TEXT = re.compile(r"""\b(label|title|text|heading|empty)=(["'])([^"']*)\2""")


def untranslated_arguments(source: str) -> list[tuple[int, str]]:
    """Text handed to an included template (`with label="Order pages"`); `label=_("...")` is
    the translated form."""
    found = []
    for token in DebugLexer(source).tokenize():
        if token.token_type != TokenType.BLOCK or not token.contents.startswith("include"):
            continue
        for _name, _quote, text in INCLUDE_TEXT.findall(token.contents):
            if [word for word in WORD.findall(text) if not CODE.match(word)]:
                found.append((token.lineno or 0, text))
    return found


def untranslated_in(path: Path, root: Path) -> list[Finding]:
    source = path.read_text(encoding="utf-8")
    name = str(path.relative_to(root))
    arguments = [Finding(name, line, text) for line, text in untranslated_arguments(source)]
    if path.suffix == ".txt":  # mail text: every word outside a translation is English
        return arguments + [
            Finding(name, number, line.strip())
            for number, line in enumerate(hand_written_source(source).splitlines(), start=1)
            if [w for w in WORD.findall(line.replace(BRAND, " ")) if not CODE.match(w)]
        ]
    collector = _TextCollector()
    collector.feed(hand_written_source(source))
    collector.close()
    return arguments + [Finding(name, line, text) for line, text in collector.found]
