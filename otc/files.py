"""Serving private uploads: only through views that checked who is asking."""

from __future__ import annotations

from typing import IO

from django.http import FileResponse


def private_file_response(handle: IO[bytes], *, content_type: str, filename: str) -> FileResponse:
    """An inline response a browser will neither sniff, cache, nor run as a page."""
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
