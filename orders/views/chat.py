"""Images in the order chat: the upload the page's script posts, and the checked download.

Text messages travel over the order's socket (orders/consumers.py); an image is a file, so it
comes as a form POST, and is then broadcast to the open pages like any message."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from core.files import serve_private

from .. import selectors, services


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@never_cache
@login_required
@require_POST
def chat_image_upload(request: HttpRequest, public_id: str) -> JsonResponse:
    """Answers 201 with the message id; 400 with the reason (bad file, chat closed, too
    fast); 404 for an order whose chat the user may not use."""
    try:
        message = services.chat_post_image(
            actor=_user(request), public_id=public_id, upload=request.FILES.get("image")
        )
    except services.ChatNotFound as error:
        return JsonResponse({"error": error.message}, status=404)
    except services.ChatError as error:
        return JsonResponse({"error": error.message}, status=400)
    return JsonResponse({"id": message.pk}, status=201)


@never_cache
@login_required
@require_GET
def chat_image(request: HttpRequest, public_id: str, message_id: int) -> FileResponse:
    """An image of the chat, to those who may read it (the parties, the assigned staff)."""
    message = selectors.chat_image_for(
        user=_user(request), public_id=public_id, message_id=message_id
    )
    if message is None:
        raise Http404("There is no such image.")
    return serve_private(
        message.image,
        content_type=message.image_content_type,
        filename=f"chat-{public_id}-{message.pk}.{message.image.name.rsplit('.', 1)[-1]}",
        missing="There is no such image.",
    )
