"""An upload refused is explained in the language of the page it was sent from."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from core.uploads import UploadRejected, clean_image


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", "notes.txt is not a JPEG, PNG or WebP image."),
        ("zh-hans", "notes.txt 不是 JPEG、PNG 或 WebP 图片。"),
    ],
)
def test_a_file_that_is_no_image_is_refused_in_the_pages_language(language, words):
    upload = SimpleUploadedFile("notes.txt", b"hello, not an image", content_type="image/png")
    with translation.override(language), pytest.raises(UploadRejected) as refused:
        clean_image(upload)
    assert words in str(refused.value)


def test_a_file_too_large_is_refused_in_traditional_chinese():
    megabyte = 1024 * 1024
    upload = SimpleUploadedFile("scan.png", b"x" * (megabyte + 1), content_type="image/png")
    with translation.override("zh-hant"), pytest.raises(UploadRejected) as refused:
        clean_image(upload, max_bytes=megabyte)
    assert str(refused.value) == "scan.png 超過 1 MB。"
