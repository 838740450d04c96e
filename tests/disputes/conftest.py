from __future__ import annotations

from pathlib import Path

import pytest

from .factories import Trades


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def market(settings, media) -> Trades:
    settings.MAKER_FEE_RATES = {}
    return Trades()
