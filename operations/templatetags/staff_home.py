from __future__ import annotations

from typing import Any

from django import template

from ..staff_home import Queue, queues_for

register = template.Library()


@register.simple_tag(takes_context=True)
def staff_queues(context: dict[str, Any]) -> list[Queue]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_staff:
        return []
    return queues_for(staff=user)
