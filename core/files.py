"""Serving private uploads: only through views that checked who is asking."""

from __future__ import annotations

from typing import IO

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy


def private_file_response(handle: IO[bytes], *, content_type: str, filename: str) -> FileResponse:
    """An inline response a browser will neither sniff, cache, nor run as a page."""
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


NO_SUCH_FILE = gettext_lazy("There is no such file.")


def serve_private(
    stored: FieldFile | None,
    *,
    content_type: str,
    filename: str,
    download: bool = False,
    missing: str | Promise = NO_SUCH_FILE,
) -> FileResponse:
    """A stored upload the caller has checked the asker may see: 404 when there is none (or
    its file is gone from storage); `download` makes documents save instead of open."""
    if not stored:
        raise Http404(missing)
    try:
        handle = stored.open("rb")
    except FileNotFoundError as error:
        raise Http404(missing) from error
    response = private_file_response(handle, content_type=content_type, filename=filename)
    if download:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
