"""The operations app's records: announcements and the analytics rollups."""

from operations.analytics.models import OrderDay, PlatformDay
from operations.announcements.models import Announcement, AnnouncementDismissal

__all__ = ["Announcement", "AnnouncementDismissal", "OrderDay", "PlatformDay"]
