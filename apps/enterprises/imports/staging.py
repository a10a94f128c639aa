"""A temporary staging table for validated rows, on PostgreSQL (COPY) or SQLite.

Rows go into the staging table a block at a time as they are validated (Feed), so
nothing in Python holds the whole file; duplicates, 累计 conversion, preview counts
and the upsert are set operations on it. On PostgreSQL a ledger apply also writes
each block into the ledger as it goes (ledger.LiveWriter, pipelined statements).
The table is dropped at the end either way.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import ExitStack, suppress

from django.db import connection

SQLITE_CHUNK = 5000
# Binary COPY: PostgreSQL type of each column type a binary stage may have.
_BINARY_TYPES = {"integer": "int4", "bigint": "int8", "smallint": "int2", "boolean": "bool"}
# Rows per block on PostgreSQL: small enough that the server starts early and the last
# block's statements are a short wait; large enough that per-statement costs don't count.
BLOCK_ROWS = 10_000
MIN_BLOCK_ROWS = 2_000


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


class Stage:
    """A temporary staging table.

    `cents` names numeric(…, 2) columns that a binary stage (PostgreSQL, create(binary=
    True)) holds as whole cents: rows then go in by binary COPY of plain integers, which
    costs Python and the server a third of formatting and parsing text numbers. The
    table is then `<name>_raw` with `<column>_cents` columns, and `<name>` is a view
    giving every column as the text layout would (cents × 0.01, exact), so the
    statements that read the stage are the same for both layouts. Only the writers
    differ: the feed (COPY) and `table`/`column` for an UPDATE.
    """

    def __init__(
        self,
        name: str,
        columns: list[tuple[str, str, str]],
        *,
        numeric: bool = False,
        cents: tuple[str, ...] = (),
    ):
        self.name = name
        self.columns = columns  # (name, PostgreSQL type, SQLite type)
        # Every staged value is None, a number, a bool as "t"/"f" or ASCII text of a
        # number: COPY text can then be written without escaping (see _copy_text).
        self.numeric = numeric
        self.cents = cents
        # The layout of this connection's stage (Django connections are per thread).
        self._layout = threading.local()

    @property
    def column_names(self) -> list[str]:
        return [c[0] for c in self.columns]

    @property
    def binary(self) -> bool:
        return getattr(self._layout, "binary", False)

    @property
    def table(self) -> str:
        """The table the rows are in (for COPY, UPDATE and indexes)."""
        return f"{self.name}_raw" if self.binary else self.name

    def column(self, name: str) -> str:
        """The stored column of `name` (its cents column in a binary stage)."""
        return f"{name}_cents" if self.binary and name in self.cents else name

    def create(self, *, binary: bool = False) -> None:
        with connection.cursor() as cursor:
            self.drop(cursor)
            self._layout.binary = binary = binary and is_postgres() and bool(self.cents)
            if binary:
                cols = ", ".join(
                    f"{self.column(n)} {'bigint' if n in self.cents else pg}"
                    for n, pg, _s in self.columns
                )
                shown = ", ".join(
                    f"{self.column(n)} * 0.01 AS {n}" if n in self.cents else n
                    for n in self.column_names
                )
                cursor.execute(f"CREATE TEMP TABLE {self.table} ({cols})")
                cursor.execute(f"CREATE TEMP VIEW {self.name} AS SELECT {shown} FROM {self.table}")  # noqa: S608
            elif is_postgres():
                cols = ", ".join(f"{n} {pg}" for n, pg, _s in self.columns)
                cursor.execute(f"CREATE TEMP TABLE {self.name} ({cols})")
            else:
                cols = ", ".join(f"{n} {lite}" for n, _p, lite in self.columns)
                cursor.execute(f"CREATE TEMP TABLE {self.name} ({cols})")

    def drop(self, cursor=None) -> None:
        if cursor is None:
            with connection.cursor() as own:
                self._drop(own)
        else:
            self._drop(cursor)

    def _drop(self, cursor) -> None:
        if is_postgres():
            # Either layout may be left from an earlier run on this connection.
            cursor.execute(
                "SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)",
                [f"pg_temp.{self.name}"],
            )
            found = cursor.fetchone()
            if found and found[0] == "v":
                cursor.execute(f"DROP VIEW {self.name}")
            cursor.execute(f"DROP TABLE IF EXISTS {self.name}_raw")
        cursor.execute(f"DROP TABLE IF EXISTS {self.name}")

    def index(self, *columns: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE INDEX {self.name}_{'_'.join(columns)}"
                f" ON {self.table} ({', '.join(self.column(c) for c in columns)})"
            )

    def analyze(self) -> None:
        """Statistics for the joins to come (a temporary table has none of its own)."""
        if is_postgres():
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {self.table}")

    def feed(self, **options) -> Feed:
        return Feed(self, **options)


class Feed:
    """Rows into a staging table, a block at a time; `add(row)` takes a tuple of values.

    At the end of each block, `between(last_rownum)` may run (a progress update: the
    connection is free then; a COPY in progress holds it), then the block goes in (COPY
    on PostgreSQL, executemany on SQLite), then `statements(first_rownum, last_rownum)`
    gives the statements to run on that block, if any. On PostgreSQL they are sent in
    pipeline mode and run on the server while Python prepares the next block; their
    results (a list of rows per statement, or the row count of one that answers none) go
    to `absorb` once that block is ready, or at close. A failure on the server is raised
    there, inside the caller's transaction.
    """

    def __init__(
        self,
        stage: Stage,
        *,
        block_rows: int = BLOCK_ROWS,
        statements: Callable[[int, int], list[tuple[str, list]]] | None = None,
        absorb: Callable[[list[list[tuple]]], None] | None = None,
        between: Callable[[int], None] | None = None,
    ):
        self.stage = stage
        self.block_rows = block_rows if is_postgres() else min(block_rows, SQLITE_CHUNK)
        self.statements = statements
        self.absorb = absorb
        self.between = between
        self.count = 0  # rows written so far
        # Rows waiting for the end of their block; a hot loop may append to it directly
        # and call end_block() where its own blocks end.
        self.rows: list[tuple] = []
        self._sending: ExitStack | None = None
        self._sent: list = []
        names = ", ".join(stage.column(n) for n in stage.column_names)
        self._types = None
        if is_postgres():
            connection.ensure_connection()
            self._raw = connection.connection
            self._copy_sql = f"COPY {stage.table} ({names}) FROM STDIN"
            if stage.binary:
                self._copy_sql += " (FORMAT BINARY)"
                self._types = [
                    "int8" if n in stage.cents else _BINARY_TYPES[pg] for n, pg, _s in stage.columns
                ]
        else:
            marks = ", ".join(["%s"] * len(stage.columns))
            self._insert_sql = f"INSERT INTO {stage.name} ({names}) VALUES ({marks})"  # noqa: S608

    def __enter__(self) -> Feed:
        return self

    def __exit__(self, exc_type, exc, traceback) -> None:
        if exc_type is None:
            self.close()
        elif self._sending is not None:
            # Leave pipeline mode; the error on the way out is the one that matters.
            with suppress(Exception):
                self._sending.close()
            self._sending = None

    def add(self, row: tuple) -> None:
        self.rows.append(row)
        if len(self.rows) >= self.block_rows:
            self._flush()

    def end_block(self) -> None:
        """The caller's block ends here: flush unless too few rows wait (tiny blocks merge)."""
        if len(self.rows) >= MIN_BLOCK_ROWS:
            self._flush()

    def close(self) -> None:
        self._flush()
        self._settle()

    def _flush(self) -> None:
        rows = self.rows[:]
        del self.rows[:]
        text = None
        if rows and self.stage.numeric and is_postgres() and self._types is None:
            # Made while the server still runs the last block's statements.
            text = _copy_text(rows, len(self.stage.columns))
        self._settle()
        if not rows:
            return
        if self.between is not None:
            self.between(rows[-1][0])
        if text is not None:
            with self._raw.cursor() as cursor, cursor.copy(self._copy_sql) as copy:
                copy.write(text)
        elif self._types is not None:
            with self._raw.cursor() as cursor, cursor.copy(self._copy_sql) as copy:
                # Binary: each value must be of its column's Python type (int, bool).
                copy.set_types(self._types)
                write = copy.write_row
                for row in rows:
                    write(row)
        elif is_postgres():
            with self._raw.cursor() as cursor, cursor.copy(self._copy_sql) as copy:
                # psycopg formats each row in C (escaping any tab or newline in a
                # value); a float goes out as its shortest text.
                write = copy.write_row
                for row in rows:
                    write(row)
        else:
            with connection.cursor() as cursor:
                cursor.executemany(
                    self._insert_sql,
                    [tuple(None if v is None else _lite(v) for v in r) for r in rows],
                )
        self.count += len(rows)
        statements = self.statements(rows[0][0], rows[-1][0]) if self.statements else []
        if not statements:
            return
        if not is_postgres():
            results = [fetch(sql, params) for sql, params in statements]
            if self.absorb is not None:
                self.absorb(results)
            return
        self._sending = ExitStack()
        self._sending.enter_context(self._raw.pipeline())
        for sql, params in statements:
            cursor = self._raw.cursor()
            cursor.execute(sql, params)
            self._sent.append(cursor)

    def _settle(self) -> None:
        """Wait for the statements sent with the last block and hand over their results."""
        if self._sending is None:
            return
        sending, self._sending = self._sending, None
        sent, self._sent = self._sent, []
        sending.close()  # sync: waits for the server, raises its error if any
        # Rows for a statement that answers with rows, else the number of rows it wrote.
        results = [cursor.fetchall() if cursor.description else cursor.rowcount for cursor in sent]
        for cursor in sent:
            cursor.close()
        if self.absorb is not None:
            self.absorb(results)


def _copy_text(rows: list, width: int) -> str:
    """COPY text of rows whose values are None, numbers, "t"/"f" or ASCII numerals.

    str() of such a value is its COPY text (a float's shortest repr, as psycopg writes
    it), no value holds a tab, newline or backslash, and none spells "None": that word
    can only be an empty value.
    """
    line = "\t".join(["%s"] * width) + "\n"
    return "".join([line % tuple(row) for row in rows]).replace("None", "\\N")


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
