"""Demo data at district scale: apps.enterprises.demo.seed against a bare bulk insert.

Seeds BENCH_SEED_ENTERPRISES enterprises (default 20,000, each with up to 12 quarters of
ledger) end to end: generation, names and search keys, size class, then COPY (PostgreSQL)
or executemany (SQLite) of enterprises, ledger, tags and notes, then the data-quality
rules over the new rows. The baseline is the bare
insert of the very same ledger rows into the same indexed table (rows already in memory,
no generation, no other table). One run each: the seed cannot be repeated into the same
rows, and at this size a run lasts seconds. Prints rows/s, the ratio, and the time
extrapolated to the district scale (300,000 enterprises).
"""

import os
import random
import time

from _common import fmt_seconds, report, setup

ENTERPRISES = int(os.environ.get("BENCH_SEED_ENTERPRISES", "20000"))
DISTRICT = 300_000


def main() -> None:
    setup()
    from django.conf import settings
    from django.db import connection, transaction

    from apps.enterprises import demo
    from apps.enterprises.models import LedgerEntry
    from apps.registry.loaders import load_all

    load_all()
    settings.DEMO_ENTERPRISE_COUNTS = {"small": 300, "district": ENTERPRISES}

    start = time.perf_counter()
    with transaction.atomic():
        counts = demo.seed(scale="district", rng=random.Random(20261126))
    seed_seconds = time.perf_counter() - start
    rows = counts["ledger_entries"]

    # The baseline: the same ledger rows, already built, straight into the same table.
    columns = [
        "enterprise_id", "year", "quarter", "revenue", "profit", "tax", "rd_expense",
        "employees", "total_assets", "source", "updated_at",
    ]  # fmt: skip
    ledger = list(LedgerEntry.objects.order_by("id").values_list(*columns))
    LedgerEntry.objects.all().delete()
    table = connection.ops.quote_name(LedgerEntry._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    start = time.perf_counter()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with (
                connection.cursor() as cursor,
                cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
            ):
                for row in ledger:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(columns))
            sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
            connection.ensure_connection()
            connection.connection.executemany(sql, ledger)
    bare_seconds = time.perf_counter() - start
    assert LedgerEntry.objects.count() == rows

    print(f"-- {counts['enterprises']:,} enterprises, {rows:,} ledger rows, one run each")
    print(f"seed: {rows / seed_seconds:,.0f} ledger rows/s (everything included)")
    print(f"bare ledger insert: {rows / bare_seconds:,.0f} rows/s")
    report(
        f"seed of {counts['enterprises']:,} enterprises",
        seed_seconds,
        f"bare insert of its {rows:,} ledger rows",
        bare_seconds,
    )
    print(
        f"district scale ({DISTRICT:,} enterprises) extrapolated: "
        f"{fmt_seconds(seed_seconds * DISTRICT / counts['enterprises'])}"
    )


if __name__ == "__main__":
    main()
