"""Image uploads people send us (identity documents, payment QR codes, payment proofs).

Django's ImageField accepts a PNG with HTML appended and about seventy formats. Here an upload
is accepted only if Pillow opens it as JPEG, PNG or WebP, it is within the byte and pixel caps,
and it decodes completely; it is then re-encoded from its pixels, which drops EXIF (GPS, camera),
trailing bytes and anything else the file carried. The caller stores the re-encoded bytes under
a random name: the person's file name is never used.
"""

from __future__ import annotations

import io
import uuid
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import DomainError

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


# What a stored upload is named with: its type decides, never the name it was sent under.
STORED_EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "application/pdf": "pdf",
}


def extension_for(content_type: str) -> str:
    """The extension of a stored upload of this type (JPEG, the most common, otherwise)."""
    return STORED_EXTENSIONS.get(content_type, "jpg")


def private_name(folder: str, content_type: str) -> str:
    """A random storage name in `folder`: nothing about the person or the file's own name."""
    return f"{folder}/{uuid.uuid4().hex}.{extension_for(content_type)}"


class UploadRejected(DomainError):
    code = "upload_rejected"


@dataclass(frozen=True)
class CleanImage:
    content: ContentFile
    content_type: str
    extension: str
    width: int
    height: int


def _mb(size: int) -> str:
    return _("%(size)s MB") % {"size": f"{size / (1024 * 1024):.0f}"}


def clean_image(
    upload: UploadedFile, *, max_bytes: int | None = None, max_pixels: int | None = None
) -> CleanImage:
    """Validate and re-encode an uploaded image, or raise UploadRejected with a clear reason."""
    max_bytes = max_bytes or settings.UPLOAD_MAX_BYTES
    max_pixels = max_pixels or settings.UPLOAD_MAX_PIXELS
    name = getattr(upload, "name", "") or _("The file")
    too_large = _("%(name)s is larger than %(size)s.") % {"name": name, "size": _mb(max_bytes)}
    if upload.size is None or upload.size > max_bytes:
        raise UploadRejected(too_large)
    upload.seek(0)
    raw = upload.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise UploadRejected(too_large)
    try:
        with warnings.catch_warnings():
            # Pillow only warns between 1x and 2x its own pixel cap: make every excess an error
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw), formats=ACCEPTED_FORMATS) as image:
                image_format = image.format or ""
                if image.width * image.height > max_pixels:
                    raise UploadRejected(
                        _(
                            "%(name)s is %(width)sx%(height)s pixels; the most allowed is "
                            "%(most)s pixels."
                        )
                        % {
                            "name": name,
                            "width": image.width,
                            "height": image.height,
                            "most": number_format(max_pixels, force_grouping=True),
                        }
                    )
                image.load()  # decodes everything: a truncated file fails here
                upright = ImageOps.exif_transpose(image)
                return _reencode(upright, image_format)
    except UploadRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise UploadRejected(_("%(name)s has too many pixels.") % {"name": name}) from exc
    except UnidentifiedImageError as exc:
        raise UploadRejected(
            _("%(name)s is not a JPEG, PNG or WebP image.") % {"name": name}
        ) from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise UploadRejected(
            _("%(name)s is damaged or incomplete and could not be read.") % {"name": name}
        ) from exc


def _reencode(image: Image.Image, image_format: str) -> CleanImage:
    if image_format not in ACCEPTED_FORMATS:
        raise UploadRejected(_("Only JPEG, PNG and WebP images are accepted."))
    if image_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    if image_format == "PNG" and image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        image = image.convert("RGBA")
    buffer = io.BytesIO()
    options: dict[str, dict[str, int | bool]] = {
        "JPEG": {"quality": 90},
        "WEBP": {"quality": 90},
        "PNG": {"optimize": True},
    }
    # no exif=, no info: only pixels go out
    image.save(buffer, format=image_format, **options[image_format])
    return CleanImage(
        content=ContentFile(buffer.getvalue()),
        content_type=CONTENT_TYPES[image_format],
        extension=EXTENSIONS[image_format],
        width=image.width,
        height=image.height,
    )
