"""The base of every refusal a service raises: a message a person can read."""


class DomainError(Exception):
    """A refused action. Views show `str(error)` to the user; nothing was changed."""

    code = "refused"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
