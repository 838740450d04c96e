"""The base of every refusal a service raises: a message a person can read."""


class DomainError(Exception):
    """A refused action. Views show `str(error)` to the user; nothing was changed."""

    code = "refused"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field  # the form field the message belongs next to, if any


def form_field_for(error: DomainError, field_names: object) -> str | None:
    """Where a form should show the error: its field when the form has it, else on top."""
    return error.field if error.field and error.field in field_names else None  # type: ignore[operator]
