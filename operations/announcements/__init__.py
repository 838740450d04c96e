"""Announcements staff write for users: a banner on every page or a line in the list, for
everyone, merchants, one language or one country, between a start and an end."""
