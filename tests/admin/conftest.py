from __future__ import annotations

import pytest

from tests.factories import make_user


@pytest.fixture
def admin_client(client):
    client.force_login(make_user(superuser=True))
    return client
