"""Size classes after an import: derived data, refreshed after the import commits.

The size class (大/中/小/微) follows from the ledger, so the import does not compute
it inside its transaction: the import writes the ledger, learns from the upsert
(RETURNING) which enterprises had a row inserted or changed, and registers a
transaction.on_commit hook that enqueues `tasks.size_class_refresh` for exactly
those. A rolled-back import enqueues nothing; a re-import that changes nothing
enqueues nothing. Until the task has run, the list shows the previous size class
of those enterprises.

The refresh reads each enterprise's latest four quarters a chunk at a time,
classifies in Python (sizing.classify, thresholds cached) and writes only the
classes that differ: on PostgreSQL by COPY into a temporary table and one
UPDATE … FROM … WHERE size_class IS DISTINCT FROM, one short transaction per
chunk so user edits of those enterprises never wait long on the row locks.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction

from .. import hooks, sizing
from .staging import fetch, is_postgres

# Enterprise ids per enqueued task. Ids travel as ranges ([first, last]); an import's
# new enterprises are usually consecutive ids, so a task's arguments stay small.
IDS_PER_TASK = 50_000
CHUNK_PG = 20_000
CHUNK_SQLITE = 5_000  # SQLite binds at most 32,766 parameters per statement
TABLE = "imp_sizes"


def pack(ids: Iterable[int]) -> list[list[int]]:
    """Sorted ids as [first, last] ranges: [1, 2, 3, 7] → [[1, 3], [7, 7]]."""
    ranges: list[list[int]] = []
    for pk in sorted(set(ids)):
        if ranges and pk == ranges[-1][1] + 1:
            ranges[-1][1] = pk
        else:
            ranges.append([pk, pk])
    return ranges


def unpack(ranges: Iterable[Iterable[int]]) -> list[int]:
    return [pk for first, last in ranges for pk in range(first, last + 1)]


def refresh_after_commit(enterprise_ids: Iterable[int]) -> int:
    """Enqueue the refresh for these enterprises once the current transaction commits.

    Returns the number of enterprises queued (0: nothing is enqueued at all).
    """
    ids = sorted(set(enterprise_ids))
    if not ids:
        return 0
    batches = [pack(ids[i : i + IDS_PER_TASK]) for i in range(0, len(ids), IDS_PER_TASK)]

    def enqueue() -> None:
        from .tasks import size_class_refresh

        for ranges in batches:
            size_class_refresh.enqueue(ranges)

    transaction.on_commit(enqueue)
    return len(ids)


def refresh(enterprise_ids: Iterable[int]) -> int:
    """Recompute the size classes of these enterprises; returns how many changed."""
    ids = sorted(set(enterprise_ids))
    chunk = CHUNK_PG if is_postgres() else CHUNK_SQLITE
    changed = 0
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        updates = _compute(part)
        if updates:
            with transaction.atomic():
                changed += _write(updates)
                hooks.ledger_changed([pk for pk, _size in updates], periods=())
    return changed


def _compute(ids: list[int]) -> list[tuple[int, str]]:
    """(id, new size class) for the enterprises of `ids` whose class differs."""
    if is_postgres():
        where, params = "= ANY(%s)", [ids]
    else:
        where, params = f"IN ({', '.join(['%s'] * len(ids))})", ids
    info = fetch(
        f"SELECT e.id, i.code, e.size_class FROM enterprises_enterprise e"  # noqa: S608
        f" JOIN registry_industry i ON i.id = e.industry_id WHERE e.id {where}",
        params,
    )
    # Only the latest four quarters of each enterprise leave the database.
    latest: dict[int, list[tuple]] = {}
    for row in fetch(
        f"SELECT enterprise_id, year, quarter, revenue, employees, total_assets FROM ("  # noqa: S608
        f" SELECT enterprise_id, year, quarter, revenue, employees, total_assets,"
        f" ROW_NUMBER() OVER (PARTITION BY enterprise_id ORDER BY year DESC, quarter DESC)"
        f" AS n FROM enterprises_ledgerentry WHERE enterprise_id {where}) t"
        f" WHERE n <= 4 ORDER BY enterprise_id, n",
        params,
    ):
        latest.setdefault(row[0], []).append(row[1:])
    classify, figures = sizing.classify, sizing.figures_from_rows
    updates = []
    for pk, code, size in info:
        new_size = classify(code, figures(latest.get(pk, ())))
        if new_size != size:
            updates.append((pk, str(new_size)))
    return updates


def _write(updates: list[tuple[int, str]]) -> int:
    with connection.cursor() as cursor:
        if is_postgres():
            cursor.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS {TABLE} (id bigint, size_class varchar(10))"
                f" ON COMMIT DELETE ROWS"
            )
            with cursor.cursor.copy(f"COPY {TABLE} (id, size_class) FROM STDIN") as copy:
                copy.write("".join(f"{pk}\t{size}\n" for pk, size in updates))
            # The DISTINCT check makes a repeated or late task a no-op for rows already right.
            cursor.execute(
                f"UPDATE enterprises_enterprise e SET size_class = t.size_class"  # noqa: S608
                f" FROM {TABLE} t WHERE e.id = t.id"
                f" AND e.size_class IS DISTINCT FROM t.size_class"
            )
            return cursor.rowcount
        cursor.executemany(
            "UPDATE enterprises_enterprise SET size_class = %s WHERE id = %s"
            " AND size_class IS NOT %s",
            [(size, pk, size) for pk, size in updates],
        )
        return len(updates)
