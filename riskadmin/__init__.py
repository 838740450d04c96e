"""Risk rules and alerts, staff roles, operations and analytics."""
