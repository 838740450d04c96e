"""The Celery app, and the worker heartbeat that /healthz reads."""

from __future__ import annotations

import os
import time
from typing import Any

from celery import Celery, bootsteps

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "otc.settings.dev")

app = Celery("otc")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

WORKER_HEARTBEAT_KEY = "health:worker"
BEAT_HEARTBEAT_KEY = "health:beat"


def write_heartbeat(key: str) -> None:
    """Record "alive now" in the shared cache; /healthz compares it with the clock."""
    from django.core.cache import cache

    cache.set(key, time.time(), timeout=None)


class WorkerHeartbeat(bootsteps.StartStopStep):
    """Writes a heartbeat every few seconds while the worker consumes tasks."""

    requires = ("celery.worker.components:Timer",)

    def __init__(self, parent: Any, **kwargs: Any) -> None:
        super().__init__(parent, **kwargs)
        self.timer_ref: Any = None

    def start(self, parent: Any) -> None:
        from django.conf import settings

        write_heartbeat(WORKER_HEARTBEAT_KEY)
        self.timer_ref = parent.timer.call_repeatedly(
            settings.WORKER_HEARTBEAT_SECONDS, write_heartbeat, (WORKER_HEARTBEAT_KEY,)
        )

    def stop(self, parent: Any) -> None:
        if self.timer_ref is not None:
            self.timer_ref.cancel()
        from django.core.cache import cache

        cache.delete(WORKER_HEARTBEAT_KEY)


app.steps["worker"].add(WorkerHeartbeat)
