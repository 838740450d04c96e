"""The benches' baseline: the contention of one hot row without the application, a one-row
`UPDATE` plus one `INSERT` per transaction through psycopg, on scratch tables named for the run.
Needs Django set up: it connects to the default database."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import psycopg
from django.conf import settings
from django.db import connection
from harness import Result, hammer
from psycopg import sql

HOT_ROW_BALANCE = Decimal(10) ** 9


def postgres_version() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        row = cursor.fetchone()
    return str(row[0]) if row else "unknown"


def psycopg_params() -> dict[str, Any]:
    """Connection parameters of Django's default database, for psycopg directly."""
    db = settings.DATABASES["default"]
    names = {
        "NAME": "dbname",
        "USER": "user",
        "HOST": "host",
        "PORT": "port",
        "PASSWORD": "password",
    }
    return {param: str(db[key]) for key, param in names.items() if db.get(key)}


@dataclass
class RawTables:
    hot: sql.Identifier
    log: sql.Identifier


def create_raw_tables(suffix: str) -> RawTables:
    tables = RawTables(
        hot=sql.Identifier(f"bench_hot_{suffix.lower()}"),
        log=sql.Identifier(f"bench_log_{suffix.lower()}"),
    )
    with psycopg.connect(**psycopg_params(), autocommit=True) as conn:
        conn.execute(
            sql.SQL(
                "CREATE TABLE {} (id int PRIMARY KEY, balance numeric(38, 18) NOT NULL)"
            ).format(tables.hot)
        )
        conn.execute(
            sql.SQL(
                "CREATE TABLE {} (id bigserial PRIMARY KEY, amount numeric(38, 18) NOT NULL, "
                "at timestamptz NOT NULL DEFAULT now())"
            ).format(tables.log)
        )
        conn.execute(sql.SQL("INSERT INTO {} VALUES (1, %s)").format(tables.hot), [HOT_ROW_BALANCE])
    return tables


def drop_raw_tables(tables: RawTables) -> None:
    with psycopg.connect(**psycopg_params(), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP TABLE IF EXISTS {}, {}").format(tables.hot, tables.log))


class RawWorker:
    """One transaction per call: debit the hot row by 1, log the amount, commit."""

    def __init__(self, tables: RawTables) -> None:
        self.conn = psycopg.connect(**psycopg_params())
        self.update = sql.SQL("UPDATE {} SET balance = balance - 1 WHERE id = 1").format(tables.hot)
        self.insert = sql.SQL("INSERT INTO {} (amount) VALUES (1)").format(tables.log)

    def call(self, seq: int) -> None:
        try:
            self.conn.execute(self.update)
            self.conn.execute(self.insert)
            self.conn.commit()
        except Exception:
            self.conn.rollback()
            raise

    def close(self) -> None:
        self.conn.close()


def measure_raw(suffix: str, threads: int, seconds: float) -> Result:
    """`threads` threads on one hot row for `seconds`; the scratch tables are dropped after."""
    tables = create_raw_tables(suffix)
    try:
        return hammer("raw UPDATE+INSERT", lambda _index: RawWorker(tables), threads, seconds)
    finally:
        drop_raw_tables(tables)
