"""The database's clock. Deadlines (payment windows, cooling periods, appeal times) are
compared with it, not with the clock of whichever web process or worker runs the code, so every
process agrees on what has passed."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from django.db import connection


def database_now() -> datetime:
    """The database's time at the start of this statement (what `Now()` reads in a query)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement_timestamp()")
        value: datetime = cursor.fetchone()[0]
    return value


def utc_day_bounds(day: date) -> tuple[datetime, datetime]:
    """The start of the UTC day `day` and of the next: the day the figures are counted in."""
    start = datetime.combine(day, time.min, tzinfo=UTC)
    return start, start + timedelta(days=1)
