"""The operations admin: announcements and the analytics dashboard."""

from . import announcements, dashboard

__all__ = ["announcements", "dashboard"]
