"""The custody provider's webhook endpoint. The provider is a machine, so it is answered in
JSON: 200 when the delivery was taken, 400 when it is not the provider's, 409 for a replay and
422 for a stale signature; each refusal has changed nothing."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from ..custody import WebhookRefused
from ..services.webhooks import WebhookReplayed, WebhookStale, webhook_receive

REFUSALS: dict[type[Exception], tuple[int, str]] = {
    WebhookRefused: (400, "refused"),
    WebhookReplayed: (409, "replayed"),
    WebhookStale: (422, "stale"),
}


@csrf_exempt  # signed by the provider instead; it has no session or CSRF cookie
def custody_webhook(request: HttpRequest) -> JsonResponse:
    if request.method != "POST":
        response = JsonResponse({"ok": False, "error": "method_not_allowed"}, status=405)
        response["Allow"] = "POST"
        return response
    try:
        # the raw bytes: the signature is over them, not over any re-encoding of the JSON
        webhook_receive(headers=request.headers, body=request.body)
    except (WebhookRefused, WebhookReplayed, WebhookStale) as error:
        status, code = next(v for kind, v in REFUSALS.items() if isinstance(error, kind))
        return JsonResponse({"ok": False, "error": code, "detail": str(error)}, status=status)
    return JsonResponse({"ok": True})
