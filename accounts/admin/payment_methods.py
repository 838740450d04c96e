"""Admin screens; see accounts/admin/__init__.py."""
