"""Evidence files a party attaches to an appeal: JPEG, PNG or WebP images, and PDFs.

Images go through `core.uploads.clean_image` (opened as one of three formats, pixel-capped,
re-encoded: EXIF and trailing bytes never reach storage). Evidence must also be the file the
party says it is, so an image carrying extra data after its end (a page or script appended to
a screenshot) is refused rather than silently trimmed.

A PDF cannot be re-encoded here, so it is stored as sent, under a random name, and is only
ever served as a download (`Content-Disposition: attachment`). It must start with `%PDF-`, end
with `%%EOF`, and name none of the features that run or carry content on opening (JavaScript,
launch actions, embedded files). Names are compared after undoing PDF `#xx` escapes
(`/J#61vaScript`). A marker hidden inside a compressed object stream is not seen: the download
and the staff's viewer are the remaining guards.

Everything is checked before anything is stored; one bad file refuses the whole submission,
naming it.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile

from core.errors import DomainError
from core.uploads import UploadRejected, clean_image

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_FILES_PER_PARTY = 10
TEXT_MAX = 4000
PDF_CONTENT_TYPE = "application/pdf"
PDF_FORBIDDEN = (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile")
PDF_TRAILER_WINDOW = 2048  # %%EOF sits at the very end, give or take line ends and padding
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


class EvidenceRejected(DomainError):
    code = "evidence_rejected"


@dataclass(frozen=True)
class CleanFile:
    content: ContentFile
    content_type: str
    original_name: str
    size: int


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


def _name(upload: UploadedFile) -> str:
    raw = str(getattr(upload, "name", "") or "the file")
    # only the base name, never a path a browser sent, and nothing that breaks a header
    base = raw.replace("\\", "/").rsplit("/", 1)[-1]
    return re.sub(r"[^\w .()-]", "_", base)[:120] or "the file"


def _read(upload: UploadedFile, name: str) -> bytes:
    if upload.size is None or upload.size > MAX_FILE_BYTES:
        raise EvidenceRejected(f"{name} is larger than {_mb(MAX_FILE_BYTES)}.", field="files")
    upload.seek(0)
    raw = upload.read(MAX_FILE_BYTES + 1)
    upload.seek(0)
    if len(raw) > MAX_FILE_BYTES:
        raise EvidenceRejected(f"{name} is larger than {_mb(MAX_FILE_BYTES)}.", field="files")
    if not raw:
        raise EvidenceRejected(f"{name} is empty.", field="files")
    return raw


# --- PDF ---------------------------------------------------------------------------------------


def _clean_pdf(raw: bytes, name: str) -> CleanFile:
    if not raw.rstrip(b"\r\n\t \x00")[-PDF_TRAILER_WINDOW:].endswith(b"%%EOF"):
        raise EvidenceRejected(
            f"{name} is not a complete PDF (it does not end with %%EOF).", field="files"
        )
    unescaped = _PDF_NAME_ESCAPE.sub(lambda match: bytes([int(match.group(1), 16)]), raw)
    for marker in PDF_FORBIDDEN:
        if marker in unescaped:
            raise EvidenceRejected(
                f"{name} contains active content ({marker.decode()[1:]}); save or print it "
                "again as a plain PDF and attach that.",
                field="files",
            )
    return CleanFile(
        content=ContentFile(raw), content_type=PDF_CONTENT_TYPE, original_name=name, size=len(raw)
    )


# --- images ------------------------------------------------------------------------------------


def _png_end(raw: bytes) -> int | None:
    position = 8
    while position + 12 <= len(raw):
        (length,) = struct.unpack(">I", raw[position : position + 4])
        chunk = raw[position + 4 : position + 8]
        position += 12 + length
        if chunk == b"IEND":
            return position
    return None


def _jpeg_end(raw: bytes) -> int | None:
    end = raw.rfind(b"\xff\xd9")
    return None if end < 0 else end + 2


def _webp_end(raw: bytes) -> int | None:
    if len(raw) < 12:
        return None
    (size,) = struct.unpack("<I", raw[4:8])
    return 8 + size + (size & 1)


def _has_trailing_data(raw: bytes) -> bool:
    """Bytes after the image's own end marker (zero padding some cameras add is fine)."""
    if raw.startswith(b"\x89PNG\r\n\x1a\n"):
        end = _png_end(raw)
    elif raw.startswith(b"\xff\xd8"):
        end = _jpeg_end(raw)
    elif raw[:4] == b"RIFF" and raw[8:12] == b"WEBP":
        end = _webp_end(raw)
    else:
        return False  # not one of ours: clean_image refuses it with the right message
    return end is not None and bool(raw[end:].strip(b"\x00"))


def _clean_picture(upload: UploadedFile, raw: bytes, name: str) -> CleanFile:
    if _has_trailing_data(raw):
        raise EvidenceRejected(
            f"{name} carries extra data after the image; attach a plain screenshot or photo.",
            field="files",
        )
    try:
        image = clean_image(upload, max_bytes=MAX_FILE_BYTES)
    except UploadRejected as error:
        message = error.message
        if "is not a JPEG, PNG or WebP image" in message:
            message = f"{name} is not a JPEG, PNG or WebP image, nor a PDF."
        raise EvidenceRejected(message, field="files") from error
    size = image.content.size
    return CleanFile(
        content=image.content, content_type=image.content_type, original_name=name, size=size
    )


def clean_evidence_file(upload: UploadedFile) -> CleanFile:
    """One file, validated: a PDF by its header, otherwise it must be an image."""
    name = _name(upload)
    raw = _read(upload, name)
    if raw.startswith(b"%PDF-"):
        return _clean_pdf(raw, name)
    if name.lower().endswith(".pdf") or upload.content_type == PDF_CONTENT_TYPE:
        raise EvidenceRejected(
            f"{name} is not a PDF (it does not start with %PDF-).", field="files"
        )
    return _clean_picture(upload, raw, name)


def clean_evidence_files(uploads: Iterable[UploadedFile], *, already: int = 0) -> list[CleanFile]:
    """Every file validated before anything is stored. `already`: the files this party has
    attached to the dispute so far (the cap counts them too)."""
    files = list(uploads)
    if already + len(files) > MAX_FILES_PER_PARTY:
        left = max(MAX_FILES_PER_PARTY - already, 0)
        raise EvidenceRejected(
            f"Each party may attach at most {MAX_FILES_PER_PARTY} files to an appeal; you can "
            f"add {left} more.",
            field="files",
        )
    return [clean_evidence_file(upload) for upload in files]
