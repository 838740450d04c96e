from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_healthz_is_503_when_no_worker_has_written_a_heartbeat(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["database"]["ok"]
    assert body["checks"]["redis"]["ok"]
    assert body["checks"]["worker"] == {"ok": False, "detail": "no heartbeat"}


def test_home_page_renders(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "OTC Exchange" in response.content.decode()
