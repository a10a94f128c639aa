"""Keeping the summary in step with the ledger: a full rebuild, and a refresh of the
enterprises a change touched.

Three tables, written only here (models.py):
- ``SummarizedEnterprise``: the key (街乡, section, division, size class, non-public,
  member status) each enterprise is counted under;
- ``Fact``: each ledger row under that key, with year-to-date revenue and tax;
- ``Summary``: the facts summed by (quarter, key).

The full rebuild is three INSERT … SELECT statements (the facts with a window function,
the summary with GROUP BY), the same SQL on PostgreSQL and SQLite. The refresh of a set of
enterprises reads their old facts and their ledger rows as they are now, adds the
difference to the summary rows concerned (an upsert that increments) and replaces their
facts: its cost follows the enterprises touched, not the size of the district, and it
needs no knowledge of which quarters changed or what the enterprise looked like before.

Refreshes and rebuilds take the lock on the single RefreshState row, so they never
interleave; readers are not blocked (they see the summary as of the last commit).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from apps.enterprises.models import NON_PUBLIC_TYPES, Enterprise, LedgerEntry

from .models import FIGURES, Fact, RefreshState, SummarizedEnterprise, Summary

log = logging.getLogger(__name__)

ENTERPRISE = Enterprise._meta.db_table
LEDGER = LedgerEntry._meta.db_table
KEYS = SummarizedEnterprise._meta.db_table
FACT = Fact._meta.db_table
SUMMARY = Summary._meta.db_table

KEY_COLUMNS = ("street_id", "section", "division", "size_class", "non_public", "member_status")
FACT_COLUMNS = (
    "enterprise_id",
    "year",
    "quarter",
    *KEY_COLUMNS,
    *FIGURES,
    "revenue_ytd",
    "tax_ytd",
)
SUMMARY_KEY = ("year", "quarter", *KEY_COLUMNS)
CENT = Decimal("0.01")
# Enterprises per statement on SQLite (it binds at most 32,766 parameters).
CHUNK = 500


def _non_public_sql(alias: str) -> str:
    # Constants from the model, not user input.
    types = ", ".join(f"'{t}'" for t in sorted(NON_PUBLIC_TYPES))
    return f"({alias}.registration_type IN ({types}))"


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _in(column: str, values: Sequence) -> tuple[str, list]:
    """`column IN values` for either backend."""
    if _postgres():
        return f"{column} = ANY(%s)", [list(values)]
    return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)


def _lock() -> RefreshState:
    RefreshState.objects.get_or_create(pk=1)
    return RefreshState.objects.select_for_update().get(pk=1)


def data_version() -> str:
    """The enterprise module's data version where it keeps one (PostgreSQL), else ""."""
    from apps.enterprises.listcache import data_version as version

    return version() or ""


# --- Full rebuild ---------------------------------------------------------------------


REBUILD_KEYS = f"""
INSERT INTO {KEYS} (enterprise_id, {", ".join(KEY_COLUMNS)})
SELECT e.id, e.street_id, e.section, e.division, e.size_class, {_non_public_sql("e")},
       e.member_status
FROM {ENTERPRISE} e
"""  # noqa: S608 (table names from the models)

REBUILD_FACTS = f"""
INSERT INTO {FACT} ({", ".join(FACT_COLUMNS)})
SELECT l.enterprise_id, l.year, l.quarter, {", ".join("k." + c for c in KEY_COLUMNS)},
       {", ".join("l." + f for f in FIGURES)},
       SUM(l.revenue) OVER ytd, SUM(l.tax) OVER ytd
FROM {LEDGER} l JOIN {KEYS} k ON k.enterprise_id = l.enterprise_id
WINDOW ytd AS (PARTITION BY l.enterprise_id, l.year ORDER BY l.quarter)
"""  # noqa: S608

_SUMS = ", ".join(f"COALESCE(SUM({f}), 0)" for f in FIGURES)
REBUILD_SUMMARY = f"""
INSERT INTO {SUMMARY} ({", ".join(SUMMARY_KEY)}, enterprises, {", ".join(FIGURES)})
SELECT {", ".join(SUMMARY_KEY)}, COUNT(*), {_SUMS}
FROM {FACT} GROUP BY {", ".join(SUMMARY_KEY)}
"""  # noqa: S608


def rebuild() -> dict[str, int]:
    """Rebuild the three tables from the ledger in one transaction; returns row counts."""
    with transaction.atomic():
        state = _lock()
        version = data_version()
        with connection.cursor() as cursor:
            for table, insert in ((KEYS, REBUILD_KEYS), (FACT, REBUILD_FACTS)):
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608
                cursor.execute(insert)
            if _postgres():
                cursor.execute(f"ANALYZE {FACT}")
            cursor.execute(f"DELETE FROM {SUMMARY}")  # noqa: S608
            cursor.execute(REBUILD_SUMMARY)
            if _postgres():
                cursor.execute(f"ANALYZE {SUMMARY}")
        now = timezone.now()
        state.rebuilt_at = state.refreshed_at = now
        state.data_version = version
        state.dirty = False
        state.save()
        counts = {
            "enterprises": SummarizedEnterprise.objects.count(),
            "facts": Fact.objects.count(),
            "summary": Summary.objects.count(),
        }
    log.info("insights summary rebuilt: %s", counts)
    return counts


# --- Refresh of some enterprises ------------------------------------------------------


def _money(value) -> Decimal | None:
    """A figure as read by a raw cursor (SQLite gives floats) as an exact Decimal."""
    if value is None:
        return None
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    return value.quantize(CENT)


def _int(value) -> int | None:
    return None if value is None else int(value)


def _fact(row: Sequence) -> tuple:
    """Normalise a fact row (FACT_COLUMNS order) so old and new compare equal."""
    out = list(row)
    out[0], out[1], out[2], out[3] = int(out[0]), int(out[1]), int(out[2]), int(out[3])
    out[7] = bool(out[7])
    first = 3 + len(KEY_COLUMNS)
    for i, name in enumerate(FIGURES, start=first):
        out[i] = _int(out[i]) if name == "employees" else _money(out[i])
    out[-2], out[-1] = _money(out[-2]), _money(out[-1])
    return tuple(out)


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _current(ids: list[int]) -> tuple[dict[int, tuple], dict[int, tuple], list[tuple]]:
    """(new keys, old keys, old facts) of these enterprises."""
    where, params = _in("id", ids)
    keys = {
        int(row[0]): (int(row[1]), row[2], row[3], row[4], bool(row[5]), row[6])
        for row in _fetch(
            f"SELECT id, street_id, section, division, size_class,"  # noqa: S608
            f" {_non_public_sql(ENTERPRISE)}, member_status FROM {ENTERPRISE} WHERE {where}",
            params,
        )
    }
    where, params = _in("enterprise_id", ids)
    old_keys = {
        int(row[0]): (int(row[1]), row[2], row[3], row[4], bool(row[5]), row[6])
        for row in _fetch(
            f"SELECT enterprise_id, {', '.join(KEY_COLUMNS)} FROM {KEYS} WHERE {where}",  # noqa: S608
            params,
        )
    }
    old_facts = [
        _fact(row)
        for row in _fetch(
            f"SELECT {', '.join(FACT_COLUMNS)} FROM {FACT} WHERE {where}",  # noqa: S608
            params,
        )
    ]
    return keys, old_keys, old_facts


def _new_facts(ids: list[int], keys: dict[int, tuple]) -> list[tuple]:
    where, params = _in("enterprise_id", ids)
    rows = _fetch(
        f"SELECT enterprise_id, year, quarter, {', '.join(FIGURES)} FROM {LEDGER}"  # noqa: S608
        f" WHERE {where} ORDER BY enterprise_id, year, quarter",
        params,
    )
    facts = []
    running: tuple[int, int] | None = None
    revenue_ytd = tax_ytd = None
    for row in rows:
        pk, year, quarter = int(row[0]), int(row[1]), int(row[2])
        key = keys.get(pk)
        if key is None:  # deleted after the ledger was read: no longer counted
            continue
        figures = [
            _int(v) if name == "employees" else _money(v)
            for name, v in zip(FIGURES, row[3:], strict=True)
        ]
        if running != (pk, year):
            running, revenue_ytd, tax_ytd = (pk, year), None, None
        revenue, tax = figures[0], figures[2]
        # SUM() OVER a window skips NULLs and is NULL only while every value was NULL.
        if revenue is not None:
            revenue_ytd = revenue if revenue_ytd is None else revenue_ytd + revenue
        if tax is not None:
            tax_ytd = tax if tax_ytd is None else tax_ytd + tax
        facts.append((pk, year, quarter, *key, *figures, revenue_ytd, tax_ytd))
    return facts


def _add(deltas: dict, fact: tuple, sign: int) -> None:
    key = (fact[1], fact[2], *fact[3 : 3 + len(KEY_COLUMNS)])
    row = deltas.get(key)
    if row is None:
        row = deltas[key] = [0] + [Decimal(0)] * len(FIGURES)
    row[0] += sign
    first = 3 + len(KEY_COLUMNS)
    for i in range(len(FIGURES)):
        value = fact[first + i]
        if value is not None:
            row[1 + i] += sign * value


def _apply_deltas(deltas: dict) -> int:
    """Add each delta to its summary row (creating it), then drop rows left empty."""
    changes = [
        (*key, *values)
        for key, values in deltas.items()
        if values[0] != 0 or any(v != 0 for v in values[1:])
    ]
    if not changes:
        return 0
    columns = [*SUMMARY_KEY, "enterprises", *FIGURES]
    updates = ", ".join(f"{c} = {SUMMARY}.{c} + excluded.{c}" for c in ["enterprises", *FIGURES])
    row_sql = "(" + ", ".join(["%s"] * len(columns)) + ")"
    emptied: list[int] = []
    per_statement = max(1, 30000 // len(columns)) if not _postgres() else 2000
    with connection.cursor() as cursor:
        for start in range(0, len(changes), per_statement):
            part = changes[start : start + per_statement]
            params = [v for change in part for v in change]
            cursor.execute(
                f"INSERT INTO {SUMMARY} ({', '.join(columns)})"  # noqa: S608
                f" VALUES {', '.join([row_sql] * len(part))}"
                f" ON CONFLICT ({', '.join(SUMMARY_KEY)}) DO UPDATE SET {updates}"
                f" RETURNING id, enterprises",
                params,
            )
            emptied.extend(pk for pk, count in cursor.fetchall() if count <= 0)
        if emptied:
            where, params = _in("id", emptied)
            cursor.execute(f"DELETE FROM {SUMMARY} WHERE {where}", params)  # noqa: S608
    return len(changes)


def _write_facts(ids: list[int], facts: list[tuple]) -> None:
    where, params = _in("enterprise_id", ids)
    row_sql = "(" + ", ".join(["%s"] * len(FACT_COLUMNS)) + ")"
    per_statement = 30000 // len(FACT_COLUMNS) if not _postgres() else 2000
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FACT} WHERE {where}", params)  # noqa: S608
        for start in range(0, len(facts), per_statement):
            part = facts[start : start + per_statement]
            cursor.execute(
                f"INSERT INTO {FACT} ({', '.join(FACT_COLUMNS)})"  # noqa: S608
                f" VALUES {', '.join([row_sql] * len(part))}",
                [v for fact in part for v in fact],
            )


def _write_keys(ids: list[int], keys: dict[int, tuple]) -> None:
    where, params = _in("enterprise_id", ids)
    columns = ("enterprise_id", *KEY_COLUMNS)
    row_sql = "(" + ", ".join(["%s"] * len(columns)) + ")"
    rows = [(pk, *key) for pk, key in keys.items()]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {KEYS} WHERE {where}", params)  # noqa: S608
        if rows:
            cursor.execute(
                f"INSERT INTO {KEYS} ({', '.join(columns)})"  # noqa: S608
                f" VALUES {', '.join([row_sql] * len(rows))}",
                [v for row in rows for v in row],
            )


def _refresh_chunk(ids: list[int]) -> int:
    keys, old_keys, old_facts = _current(ids)
    new_facts = _new_facts(ids, keys)
    old_by = defaultdict(list)
    for fact in old_facts:
        old_by[fact[0]].append(fact)
    new_by = defaultdict(list)
    for fact in new_facts:
        new_by[fact[0]].append(fact)
    deltas: dict = {}
    changed_ids = []
    for pk in ids:
        old, new = old_by.get(pk, []), new_by.get(pk, [])
        if old == new:
            continue
        changed_ids.append(pk)
        for fact in old:
            _add(deltas, fact, -1)
        for fact in new:
            _add(deltas, fact, +1)
    _apply_deltas(deltas)
    if changed_ids:
        _write_facts(changed_ids, [f for pk in changed_ids for f in new_by.get(pk, [])])
    moved = [pk for pk in ids if keys.get(pk) != old_keys.get(pk)]
    if moved:
        _write_keys(moved, {pk: keys[pk] for pk in moved if pk in keys})
    return len(set(changed_ids) | set(moved))


def refresh(enterprise_ids: Iterable[int]) -> int:
    """Bring the summary up to date for these enterprises (their ledger rows and their key
    as they are now, whatever changed and whichever quarters). Returns how many needed it.

    Past INSIGHTS_REFRESH_MAX_ENTERPRISES enterprises a full rebuild is cheaper.
    """
    ids = sorted({int(pk) for pk in enterprise_ids})
    if not ids:
        return 0
    if len(ids) > settings.INSIGHTS_REFRESH_MAX_ENTERPRISES:
        rebuild()
        return len(ids)
    changed = 0
    with transaction.atomic():
        state = _lock()
        chunk = CHUNK if not _postgres() else 5000
        for start in range(0, len(ids), chunk):
            changed += _refresh_chunk(ids[start : start + chunk])
        state.refreshed_at = timezone.now()
        state.save(update_fields=["refreshed_at"])
    return changed


# --- The safety net -------------------------------------------------------------------


def drifted(window_minutes: int) -> list[int]:
    """Enterprises whose summary may be stale although no hook said so: a key that differs
    from the enterprise's (or an enterprise never summarized that has ledger rows, or one
    summarized that is gone), and ledger rows written in the last `window_minutes` that
    differ from their facts or have none."""
    since = timezone.now() - timedelta(minutes=window_minutes)
    np = _non_public_sql("e")
    keys_differ = f"""
        SELECT e.id FROM {ENTERPRISE} e LEFT JOIN {KEYS} k ON k.enterprise_id = e.id
        WHERE k.enterprise_id IS NULL AND EXISTS (
                SELECT 1 FROM {LEDGER} l WHERE l.enterprise_id = e.id)
           OR k.street_id <> e.street_id OR k.section <> e.section
           OR k.division <> e.division OR k.size_class <> e.size_class
           OR k.non_public <> {np} OR k.member_status <> e.member_status
        UNION
        SELECT k.enterprise_id FROM {KEYS} k
        WHERE NOT EXISTS (SELECT 1 FROM {ENTERPRISE} e WHERE e.id = k.enterprise_id)
    """  # noqa: S608
    distinct = "IS DISTINCT FROM" if _postgres() else "IS NOT"
    figures_differ = " OR ".join(f"f.{f} {distinct} l.{f}" for f in FIGURES)
    recent = f"""
        SELECT DISTINCT l.enterprise_id FROM {LEDGER} l
        LEFT JOIN {FACT} f ON f.enterprise_id = l.enterprise_id
             AND f.year = l.year AND f.quarter = l.quarter
        WHERE l.updated_at >= %s AND (f.enterprise_id IS NULL OR {figures_differ})
    """  # noqa: S608
    ids = {int(row[0]) for row in _fetch(keys_differ, [])}
    ids |= {int(row[0]) for row in _fetch(recent, [since])}
    return sorted(ids)


def mark_dirty() -> None:
    """A hook could not refresh: the schedule rebuilds within a minute."""
    RefreshState.objects.update_or_create(pk=1, defaults={"dirty": True})
