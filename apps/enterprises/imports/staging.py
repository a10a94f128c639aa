"""A temporary staging table for validated rows, on PostgreSQL (COPY) or SQLite.

Rows go into the staging table as they are validated, so nothing in Python
holds the whole file; duplicates, 累计 conversion, preview counts and the final
upsert are set operations on it. The table lives in the import's transaction
and is dropped at the end either way.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connection

SQLITE_CHUNK = 5000


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


class Stage:
    def __init__(self, name: str, columns: list[tuple[str, str, str]]):
        self.name = name
        self.columns = columns  # (name, PostgreSQL type, SQLite type)

    @property
    def column_names(self) -> list[str]:
        return [c[0] for c in self.columns]

    def create(self) -> None:
        with connection.cursor() as cursor:
            self.drop(cursor)
            if is_postgres():
                cols = ", ".join(f"{n} {pg}" for n, pg, _s in self.columns)
                cursor.execute(f"CREATE TEMP TABLE {self.name} ({cols})")
            else:
                cols = ", ".join(f"{n} {lite}" for n, _p, lite in self.columns)
                cursor.execute(f"CREATE TEMP TABLE {self.name} ({cols})")

    def drop(self, cursor=None) -> None:
        if cursor is None:
            with connection.cursor() as own:
                own.execute(f"DROP TABLE IF EXISTS {self.name}")
        else:
            cursor.execute(f"DROP TABLE IF EXISTS {self.name}")

    def index(self, *columns: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE INDEX {self.name}_{'_'.join(columns)}"
                f" ON {self.name} ({', '.join(columns)})"
            )

    def analyze(self) -> None:
        """Statistics for the joins to come (a temporary table has none of its own)."""
        if is_postgres():
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {self.name}")

    @contextmanager
    def writer(self):
        """Yield add(row_tuple). Values: None, int, float, str or Decimal."""
        if is_postgres():
            with connection.cursor() as cursor:
                names = ", ".join(self.column_names)
                # psycopg formats each row in C and sends the data in blocks (escaping
                # any tab or newline in a value); a float goes out as its shortest text.
                with cursor.cursor.copy(f"COPY {self.name} ({names}) FROM STDIN") as copy:
                    yield copy.write_row
        else:
            placeholders = ", ".join(["%s"] * len(self.columns))
            sql = (
                f"INSERT INTO {self.name} ({', '.join(self.column_names)}) VALUES ({placeholders})"  # noqa: S608
            )
            batch: list[tuple] = []
            with connection.cursor() as cursor:

                def add(row):
                    batch.append(tuple(None if v is None else _lite(v) for v in row))
                    if len(batch) >= SQLITE_CHUNK:
                        cursor.executemany(sql, batch)
                        batch.clear()

                yield add
                if batch:
                    cursor.executemany(sql, batch)


def _lite(value):
    return value if isinstance(value, int | str) else str(value)


def fetch(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def execute(sql: str, params=()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def executemany(sql: str, rows: list[tuple]) -> None:
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)


def distinct(a: str, b: str) -> str:
    """SQL: the two values differ (NULL-safe) on either backend."""
    return f"({a} IS DISTINCT FROM {b})" if is_postgres() else f"({a} IS NOT {b})"
