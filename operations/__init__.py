"""Running the platform: announcements to users (and, beside them, what operators change and
watch while it runs)."""
