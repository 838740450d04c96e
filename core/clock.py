"""The database's clock. Deadlines (payment windows, cooling periods, appeal times) are
compared with it, not with the clock of whichever web process or worker runs the code, so every
process agrees on what has passed."""

from __future__ import annotations

from datetime import datetime

from django.db import connection


def database_now() -> datetime:
    """The database's time at the start of this statement (what `Now()` reads in a query)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement_timestamp()")
        value: datetime = cursor.fetchone()[0]
    return value
