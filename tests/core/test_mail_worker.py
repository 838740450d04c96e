"""Mail leaves through a real Celery worker after the commit: the request that causes it has
answered before anything is sent, and a change that rolls back sends nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core import mail
from django.db import transaction

from core.mail import send_after_commit
from tests.servers import celery_worker, server_env, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.servers]


def written(folder: Path) -> str:
    return "\n".join(path.read_text() for path in sorted(folder.glob("*")))


@pytest.fixture(scope="module")
def worker(django_db_setup: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One Celery worker for this module, writing mail to files; its folder is returned."""
    logs = tmp_path_factory.mktemp("mail-worker")
    folder = logs / "mail"
    folder.mkdir()
    env = server_env(
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(folder),
    )
    with celery_worker(env, logs):
        yield folder


@pytest.fixture
def outbox(worker: Path) -> Path:
    """The worker's outbox, empty at the start of each test."""
    for sent in worker.glob("*"):
        sent.unlink()
    return worker


def worker_log(outbox: Path) -> str:
    return (outbox.parent / "worker.log").read_text()[-3000:]


def test_the_signup_confirmation_is_sent_by_the_worker_not_the_request(client, outbox):
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
    assert wait_for(lambda: "confirm-email" in written(outbox), 30), worker_log(outbox)
    message = written(outbox)
    assert "To: newcomer@example.test" in message
    assert "/accounts/confirm-email/" in message


def _queue_then_fail() -> None:
    with transaction.atomic(durable=True):
        send_after_commit(subject="Never", body="rolled back", to=["a@example.test"])
        raise RuntimeError("the change fails")


def test_a_rolled_back_change_sends_nothing_and_a_committed_one_arrives_once(outbox):
    with pytest.raises(RuntimeError, match="the change fails"):
        _queue_then_fail()
    with transaction.atomic(durable=True):
        send_after_commit(subject="Your  order\n is paid", body="paid", to=["a@example.test"])
    # the worker takes its queue in order: had the rolled-back mail been queued, it came first
    assert wait_for(lambda: "paid" in written(outbox), 30), worker_log(outbox)
    message = written(outbox)
    assert "Subject: Your order is paid" in message
    assert "rolled back" not in message
    assert len(list(outbox.glob("*"))) == 1
