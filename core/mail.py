"""Mail leaves through the worker, after the commit that caused it.

A web request never waits on an SMTP server: services render their message and hand it to
`send_after_commit`, which queues `core.tasks.send_email` once the transaction commits (at
once outside one). A rolled-back change sends nothing; the worker retries a mail server that
is down."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction


@dataclass(frozen=True)
class OutgoingMail:
    """What the worker needs to send one message (plain data, so it travels as JSON)."""

    subject: str
    body: str
    to: list[str]
    from_email: str | None = None
    html: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def as_message(self) -> EmailMultiAlternatives:
        message = EmailMultiAlternatives(
            subject=self.subject,
            body=self.body,
            from_email=self.from_email,
            to=self.to,
            headers=self.headers or None,
        )
        if self.html:
            message.attach_alternative(self.html, "text/html")
        return message


def send_after_commit(*, subject: str, body: str, to: list[str], html: str | None = None) -> None:
    """Queue one message; a subject rendered from a template is folded onto one line."""
    mail = OutgoingMail(subject=" ".join(subject.split()), body=body, to=list(to), html=html)
    _queue(mail)


def send_message_after_commit(message: EmailMessage) -> None:
    """Queue a message a library built (allauth's confirmation and security mails)."""
    html = next(
        (
            str(content)
            for content, mimetype in getattr(message, "alternatives", [])
            if mimetype == "text/html"
        ),
        None,
    )
    mail = OutgoingMail(
        subject=str(message.subject),
        body=str(message.body),
        to=[str(address) for address in message.to],
        from_email=message.from_email,
        html=html,
        headers={str(k): str(v) for k, v in (message.extra_headers or {}).items()},
    )
    _queue(mail)


def _queue(mail: OutgoingMail) -> None:
    if not mail.to:
        return
    from .tasks import send_email

    payload: dict[str, Any] = asdict(mail)
    transaction.on_commit(lambda: send_email.delay(payload), robust=True)
