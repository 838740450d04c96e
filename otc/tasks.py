from celery import shared_task

from .celery import BEAT_HEARTBEAT_KEY, write_heartbeat


@shared_task(ignore_result=True)
def beat_heartbeat() -> None:
    """Scheduled by beat and run by a worker: a fresh value proves both are alive."""
    write_heartbeat(BEAT_HEARTBEAT_KEY)
