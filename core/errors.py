"""The base of every refusal a service raises: a message a person can read."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


class DomainError(Exception):
    """A refused action. Views show `str(error)` to the user; nothing was changed. The message
    may be lazy (gettext_lazy, format_lazy): it is put into words in the language active when
    it is shown, not when it was raised."""

    code = "refused"

    def __init__(self, message: str | _StrPromise, *, field: str | None = None) -> None:
        super().__init__(message)
        # a lazy string stands in for a str everywhere (it is one once put into words)
        self.message = cast("str", message)
        self.field = field  # the form field the message belongs next to, if any


def form_field_for(error: DomainError, field_names: object) -> str | None:
    """Where a form should show the error: its field when the form has it, else on top."""
    return error.field if error.field and error.field in field_names else None  # type: ignore[operator]
