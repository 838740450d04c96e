"""The operations app's records: announcements (operations/announcements)."""

from operations.announcements.models import Announcement, AnnouncementDismissal

__all__ = ["Announcement", "AnnouncementDismissal"]
