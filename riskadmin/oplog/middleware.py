"""Every request's writes carry who made them, from where and on which page: pghistory's
middleware puts the signed-in user and the path into the context its triggers copy into each
event; this adds the client's address."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from pghistory.middleware import HistoryMiddleware

from accounts.services.security import client_ip


class OperationContextMiddleware(HistoryMiddleware):
    def get_context(self, request: HttpRequest) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context(request)
        context["ip"] = client_ip(request)
        return context
