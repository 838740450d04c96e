"""The operations admin: configuration, announcements and the analytics dashboard."""

from . import announcements, configuration, dashboard

__all__ = ["announcements", "configuration", "dashboard"]
