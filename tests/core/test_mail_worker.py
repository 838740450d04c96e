"""Mail leaves through a real Celery worker after the commit: the request that causes it has
answered before anything is sent, and a change that rolls back sends nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core import mail
from django.db import transaction

from core.mail import send_after_commit
from tests.servers import celery_worker, server_env, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.servers]


def written(folder: Path) -> str:
    return "\n".join(path.read_text() for path in sorted(folder.glob("*")))


@pytest.fixture
def outbox(tmp_path: Path) -> Path:
    folder = tmp_path / "mail"
    folder.mkdir()
    return folder


def worker_env(outbox: Path) -> dict[str, str]:
    return server_env(
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(outbox),
    )


def test_the_signup_confirmation_is_sent_by_the_worker_not_the_request(client, outbox, tmp_path):
    with celery_worker(worker_env(outbox), tmp_path):
        response = client.post(
            "/accounts/signup/",
            {
                "email": "newcomer@example.test",
                "password1": "a long pass 42!",
                "password2": "a long pass 42!",
            },
        )
        assert response.status_code == 302
        assert mail.outbox == []  # the web process sent nothing itself
        arrived = wait_for(lambda: "confirm-email" in written(outbox), 30)
        assert arrived, (tmp_path / "worker.log").read_text()[-3000:]
    message = written(outbox)
    assert "To: newcomer@example.test" in message
    assert "/accounts/confirm-email/" in message


def _queue_then_fail() -> None:
    with transaction.atomic(durable=True):
        send_after_commit(subject="Never", body="rolled back", to=["a@example.test"])
        raise RuntimeError("the change fails")


def test_a_rolled_back_change_sends_nothing_and_a_committed_one_arrives_once(outbox, tmp_path):
    with celery_worker(worker_env(outbox), tmp_path):
        with pytest.raises(RuntimeError, match="the change fails"):
            _queue_then_fail()
        with transaction.atomic(durable=True):
            send_after_commit(subject="Your  order\n is paid", body="paid", to=["a@example.test"])
        assert wait_for(lambda: "paid" in written(outbox), 30), (
            tmp_path / "worker.log"
        ).read_text()
    message = written(outbox)
    assert "Subject: Your order is paid" in message
    assert "rolled back" not in message
    assert len(list(outbox.glob("*"))) == 1
