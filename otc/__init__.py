"""The composition root: settings, URLs, ASGI/WSGI routing, the Celery app, the dev runner and
the demo data. It may import every app; no app imports it."""

from .celery import app as celery_app

__all__ = ["celery_app"]
