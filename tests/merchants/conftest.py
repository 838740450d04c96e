from __future__ import annotations

import pytest

from escrow.models import Asset
from merchants.models import MerchantProgram, MerchantTier

from . import helpers


@pytest.fixture
def asset(db: None) -> Asset:
    return helpers.usdt()


@pytest.fixture
def program(db: None) -> MerchantProgram:
    return helpers.program()


@pytest.fixture
def gold(asset: Asset, program: MerchantProgram) -> MerchantTier:
    return helpers.tier(asset, "1000", name="Gold")
