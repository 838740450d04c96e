"""`{{ message.body|order_note }}`: a note the order services wrote, in the reader's language."""

from __future__ import annotations

from django import template

from ..selectors.words import note_words

register = template.Library()


@register.filter
def order_note(value: object) -> str:
    return note_words(str(value or ""))
