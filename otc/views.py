from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import health


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database, Redis, the worker and beat are all alive; 503 otherwise."""
    parts = health.check()
    healthy = all(part["ok"] for part in parts.values())
    return JsonResponse(
        {"status": "ok" if healthy else "degraded", "checks": parts},
        status=200 if healthy else 503,
    )
