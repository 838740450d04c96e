from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_again() -> Iterator[None]:
    """A page asked for in Chinese (a cookie read by LocaleMiddleware) leaves its language
    active on the thread; the next test starts in the platform's language."""
    yield
    translation.deactivate()
