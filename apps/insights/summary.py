"""Keeping the summary in step with the ledger: a full rebuild, and a refresh of the
enterprises a change touched.

Four tables, written only here (models.py):
- ``SummarizedEnterprise``: the key (街乡, section, division, size class, non-public,
  member status) each enterprise is counted under;
- ``Fact``: each ledger row under that key, with year-to-date revenue and tax;
- ``Summary``: the facts summed by (quarter, key);
- ``Rollup``: the summary added up for every combination of its dimensions the dashboard
  can ask for, each row with its small-cell suppression flag.

The full rebuild is INSERT … SELECT statements (the facts with a window function, the
summary with GROUP BY, the rollup grain by grain), the same SQL on PostgreSQL and SQLite.
The refresh of a set of enterprises reads their old facts and their ledger rows as they
are now, adds the difference of each changed quarter to the summary and rollup rows
concerned (an upsert that increments) and replaces those facts: its cost follows the
enterprises touched, not the size of the district, and it needs no knowledge of which
quarters changed or what the enterprise looked like before. Then the suppression pattern
of each quarter whose counts moved is computed again (suppression.py).

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

from . import suppression
from .models import FIGURES, Fact, Grain, RefreshState, Rollup, SummarizedEnterprise, Summary

log = logging.getLogger(__name__)

ENTERPRISE = Enterprise._meta.db_table
LEDGER = LedgerEntry._meta.db_table
KEYS = SummarizedEnterprise._meta.db_table
FACT = Fact._meta.db_table
SUMMARY = Summary._meta.db_table
ROLLUP = Rollup._meta.db_table
ROLLUP_KEY = ("grain", "street_id", "industry", "size_class", "member", "year", "quarter")

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


def _facts_sql(table: str) -> str:
    return f"""
INSERT INTO {table} ({", ".join(FACT_COLUMNS)})
SELECT l.enterprise_id, l.year, l.quarter, {", ".join("k." + c for c in KEY_COLUMNS)},
       {", ".join("l." + f for f in FIGURES)},
       SUM(l.revenue) OVER ytd, SUM(l.tax) OVER ytd
FROM {LEDGER} l JOIN {KEYS} k ON k.enterprise_id = l.enterprise_id
WINDOW ytd AS (PARTITION BY l.enterprise_id, l.year ORDER BY l.quarter)
"""  # noqa: S608


def _summary_sql(facts: str) -> str:
    sums = ", ".join(f"COALESCE(SUM({f}), 0)" for f in FIGURES)
    return f"""
INSERT INTO {SUMMARY} ({", ".join(SUMMARY_KEY)}, enterprises, {", ".join(FIGURES)})
SELECT {", ".join(SUMMARY_KEY)}, COUNT(*), {sums}
FROM {facts} GROUP BY {", ".join(SUMMARY_KEY)}
"""  # noqa: S608


ALL_GRAINS = [
    street | industry | size | member
    for street in (Grain.STREET, 0)
    for industry in (Grain.DIVISION, Grain.SECTION, 0)
    for size in (Grain.SIZE, 0)
    for member in (Grain.MEMBER, 0)
]


def _source(grain: int) -> int | None:
    """The finer rollup grain to add up into `grain` (one more dimension); None: the
    summary itself."""
    for bit in (Grain.MEMBER, Grain.SIZE):
        if not grain & bit:
            return grain | bit
    if not grain & (Grain.SECTION | Grain.DIVISION):
        return grain | Grain.SECTION
    if not grain & Grain.STREET:
        return grain | Grain.STREET
    return None


def _rollup_sql() -> list[str]:
    """INSERTs building the rollup: its two finest grains from the summary, every other
    grain from a finer one (a fraction of the rows), finest first."""
    columns = "year, quarter, grain, street_id, industry, size_class, member, enterprises"
    insert = f"INSERT INTO {ROLLUP} ({columns}, {', '.join(FIGURES)}, hidden)"
    sums = ", ".join(f"SUM({c})" for c in ("enterprises", *FIGURES))
    statements = []
    for grain in sorted(ALL_GRAINS, key=lambda g: (-bin(g).count("1"), -g)):
        source = _source(grain)
        if source is None:
            table = SUMMARY
            exprs = [
                "street_id",
                "division" if grain & Grain.DIVISION else "section",
                "size_class",
                "CASE WHEN member_status = 'member' THEN 'member' ELSE 'other' END",
            ]
            where = ""
        else:
            table = ROLLUP
            exprs = [
                "street_id" if grain & Grain.STREET else "0",
                "industry" if grain & (Grain.SECTION | Grain.DIVISION) else "''",
                "size_class" if grain & Grain.SIZE else "''",
                "member" if grain & Grain.MEMBER else "''",
            ]
            where = f" WHERE grain = {int(source)}"
        grouped = [e for e in exprs if e not in ("0", "''")]
        statements.append(
            f"{insert} SELECT year, quarter, {int(grain)}, {', '.join(exprs)}, {sums}, FALSE"  # noqa: S608
            f" FROM {table}{where} GROUP BY {', '.join(['year', 'quarter', *grouped])}"
        )
    return statements


def _swap_sql(cursor, old: str, new: str) -> list[str]:
    """PostgreSQL: statements giving `new` the indexes of `old` (built after the rows went
    in: far faster than maintaining them row by row) and then its place and names."""
    cursor.execute(
        "SELECT i.relname, pg_get_indexdef(i.oid), c.conname FROM pg_index x"
        " JOIN pg_class i ON i.oid = x.indexrelid"
        " LEFT JOIN pg_constraint c ON c.conindid = i.oid AND c.contype = 'p'"
        " WHERE x.indrelid = %s::regclass",
        [old],
    )
    build, rename = [], []
    for name, definition, constraint in cursor.fetchall():
        temp = f"{name[:50]}_new"
        definition = definition.replace(f" INDEX {name} ON ", f" INDEX {temp} ON ", 1)
        build.append(definition.replace(f" ON public.{old} ", f" ON public.{new} ", 1))
        if constraint:
            build.append(
                f"ALTER TABLE {new} ADD CONSTRAINT {constraint}_new PRIMARY KEY USING INDEX {temp}"
            )
            rename.append(f"ALTER TABLE {old} RENAME CONSTRAINT {constraint}_new TO {constraint}")
        else:
            rename.append(f"ALTER INDEX {temp} RENAME TO {name}")
    return build, [f"DROP TABLE {old}", f"ALTER TABLE {new} RENAME TO {old}", *rename]


def rebuild() -> dict[str, int]:
    """Rebuild the tables from the ledger in one transaction; returns row counts.

    On PostgreSQL the facts go into a new table that takes the old one's place at the end
    (its indexes built once the rows are in); readers keep the old tables until the commit.
    """
    with transaction.atomic():
        state = _lock()
        version = data_version()
        swap: list[str] = []
        with connection.cursor() as cursor:
            if _postgres():
                # Sorts and index builds of millions of rows in memory, not on disk; for
                # this transaction only.
                cursor.execute("SET LOCAL work_mem = '128MB'")
                cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            cursor.execute(f"DELETE FROM {KEYS}")  # noqa: S608
            cursor.execute(REBUILD_KEYS)
            if _postgres():
                facts = f"{FACT}_new"
                cursor.execute(f"DROP TABLE IF EXISTS {facts}")
                cursor.execute(
                    f"CREATE TABLE {facts} (LIKE {FACT} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
                )
                cursor.execute(_facts_sql(facts))
                build, swap = _swap_sql(cursor, FACT, facts)
                for statement in build:
                    cursor.execute(statement)
                cursor.execute(f"ANALYZE {facts}")
            else:
                facts = FACT
                cursor.execute(f"DELETE FROM {FACT}")  # noqa: S608
                cursor.execute(_facts_sql(FACT))
            cursor.execute(f"DELETE FROM {SUMMARY}")  # noqa: S608
            cursor.execute(_summary_sql(facts))
            cursor.execute(f"DELETE FROM {ROLLUP}")  # noqa: S608
            if _postgres():
                cursor.execute(f"ANALYZE {SUMMARY}")
            for statement in _rollup_sql():
                cursor.execute(statement)
            if _postgres():
                cursor.execute(f"ANALYZE {ROLLUP}")
        for year, quarter in _periods():
            _store_pattern(year, quarter)
        with connection.cursor() as cursor:
            for statement in swap:
                cursor.execute(statement)
        now = timezone.now()
        state.rebuilt_at = state.refreshed_at = now
        state.data_version = version
        state.dirty = False
        state.stale_patterns = []
        state.save()
        counts = {
            "enterprises": SummarizedEnterprise.objects.count(),
            "facts": Fact.objects.count(),
            "summary": Summary.objects.count(),
            "rollup": Rollup.objects.count(),
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


def _rollup_deltas(deltas: dict) -> dict:
    """The summary's differences as the rollup's: each goes to the 24 totals holding it."""
    out: dict = {}
    size = len(FIGURES) + 1
    for (
        year,
        quarter,
        street,
        section,
        division,
        size_class,
        _np,
        status,
    ), values in deltas.items():
        member = "member" if status == "member" else "other"
        for st_bit, st in ((Grain.STREET, street), (0, 0)):
            for ind_bit, ind in ((Grain.DIVISION, division), (Grain.SECTION, section), (0, "")):
                for sz_bit, sz in ((Grain.SIZE, size_class), (0, "")):
                    for m_bit, m in ((Grain.MEMBER, member), (0, "")):
                        grain = int(st_bit | ind_bit | sz_bit | m_bit)
                        key = (grain, st, ind, sz, m, year, quarter)
                        row = out.get(key)
                        if row is None:
                            row = out[key] = [0] * size
                        for i in range(size):
                            row[i] += values[i]
    return out


PG_TYPES = {
    **dict.fromkeys(("id", "enterprise_id", "street_id", "employees"), "bigint"),
    **dict.fromkeys(("year", "quarter", "grain"), "smallint"),
    "enterprises": "integer",
    "non_public": "boolean",
    **dict.fromkeys((*FIGURES, "revenue_ytd", "tax_ytd"), "numeric"),
}


def _bound_cursor():
    """PostgreSQL: a cursor that sends parameters apart from the SQL (server-side binding),
    in binary: arrays of thousands of values are not quoted into the statement's text."""
    import psycopg

    connection.ensure_connection()
    return psycopg.Cursor(connection.connection)


def _insert(
    cursor,
    table: str,
    columns: Sequence[str],
    rows: list[tuple],
    *,
    constant: tuple[str, str] | None = None,
    suffix: str = "",
) -> list[tuple]:
    """INSERT rows (in `columns` order); `constant`: (column, SQL literal) every row gets;
    `suffix`: ON CONFLICT … RETURNING …, whose rows are returned. PostgreSQL gets one
    statement of column arrays (unnest): no SQL text grows with the rows."""
    names = list(columns) + ([constant[0]] if constant else [])
    extra = f", {constant[1]}" if constant else ""
    found: list[tuple] = []
    if not rows:
        return found
    if _postgres():
        arrays = ", ".join(f"%s::{PG_TYPES.get(c, 'text')}[]" for c in columns)
        with _bound_cursor() as bound:
            bound.execute(
                f"INSERT INTO {table} ({', '.join(names)})"  # noqa: S608
                f" SELECT u.*{extra} FROM unnest({arrays}) AS u {suffix}",
                [list(values) for values in zip(*rows, strict=True)],
            )
            return bound.fetchall() if "RETURNING" in suffix else found
    row_sql = "(" + ", ".join(["%s"] * len(columns)) + extra + ")"
    per_statement = max(1, 30000 // len(columns))
    for start in range(0, len(rows), per_statement):
        part = rows[start : start + per_statement]
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(names)})"  # noqa: S608
            f" VALUES {', '.join([row_sql] * len(part))} {suffix}",
            [v for row in part for v in row],
        )
        if "RETURNING" in suffix:
            found.extend(cursor.fetchall())
    return found


def _apply_deltas(
    deltas: dict,
    table: str = SUMMARY,
    key: Sequence[str] = SUMMARY_KEY,
    constant: tuple[str, str] | None = None,
) -> int:
    """Add each delta to its row (creating it), then drop rows left without enterprises."""
    changes = [
        (*k, *values)
        for k, values in deltas.items()
        if values[0] != 0 or any(v != 0 for v in values[1:])
    ]
    if not changes:
        return 0
    columns = [*key, "enterprises", *FIGURES]
    updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in ["enterprises", *FIGURES])
    with connection.cursor() as cursor:
        returned = _insert(
            cursor,
            table,
            columns,
            changes,
            constant=constant,
            suffix=f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}"
            " RETURNING id, enterprises",
        )
        emptied = [pk for pk, count in returned if count <= 0]
        chunk = 50000 if _postgres() else CHUNK
        for start in range(0, len(emptied), chunk):
            where, params = _in("id", emptied[start : start + chunk])
            cursor.execute(f"DELETE FROM {table} WHERE {where}", params)  # noqa: S608
    return len(changes)


def _write_facts(gone: list[tuple], facts: list[tuple]) -> None:
    """Delete the facts of these (enterprise, year, quarter) and insert the new ones."""
    with connection.cursor() as cursor:
        if _postgres() and gone:
            with _bound_cursor() as bound:
                bound.execute(
                    f"DELETE FROM {FACT} WHERE (enterprise_id, year, quarter) IN"  # noqa: S608
                    " (SELECT * FROM unnest(%s::bigint[], %s::smallint[], %s::smallint[]))",
                    [list(values) for values in zip(*gone, strict=True)],
                )
        else:
            for start in range(0, len(gone), CHUNK):
                part = gone[start : start + CHUNK]
                cursor.execute(
                    f"DELETE FROM {FACT} WHERE (enterprise_id, year, quarter) IN"  # noqa: S608
                    f" (VALUES {', '.join(['(%s, %s, %s)'] * len(part))})",
                    [v for key in part for v in key],
                )
        _insert(cursor, FACT, FACT_COLUMNS, facts)


def _write_keys(ids: list[int], keys: dict[int, tuple]) -> None:
    where, params = _in("enterprise_id", ids)
    rows = [(pk, *key) for pk, key in keys.items()]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {KEYS} WHERE {where}", params)  # noqa: S608
        _insert(cursor, KEYS, ("enterprise_id", *KEY_COLUMNS), rows)


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
    gone: list[tuple] = []  # (enterprise, year, quarter) of facts to replace or drop
    fresh: list[tuple] = []  # facts to insert
    counted = slice(0, 3 + len(KEY_COLUMNS) + len(FIGURES))  # all but the year to date
    for pk in ids:
        old, new = old_by.get(pk, []), new_by.get(pk, [])
        if old == new:
            continue
        changed_ids.append(pk)
        # Only the quarters whose key or figures changed move the summary.
        old_q = {f[1:3]: f for f in old}
        new_q = {f[1:3]: f for f in new}
        for period in old_q.keys() | new_q.keys():
            before, after = old_q.get(period), new_q.get(period)
            if before == after:
                continue
            if before is not None:
                gone.append((pk, *period))
            if after is not None:
                fresh.append(after)
            if before is not None and after is not None and before[counted] == after[counted]:
                continue  # the year to date only: nothing the summary counts
            if before is not None:
                _add(deltas, before, -1)
            if after is not None:
                _add(deltas, after, +1)
    _apply_deltas(deltas)
    _apply_deltas(_rollup_deltas(deltas), ROLLUP, ROLLUP_KEY, constant=("hidden", "FALSE"))
    if gone or fresh:
        _write_facts(gone, fresh)
    moved = [pk for pk in ids if keys.get(pk) != old_keys.get(pk)]
    if moved:
        _write_keys(moved, {pk: keys[pk] for pk in moved if pk in keys})
    # Suppression depends on the counts only: a quarter whose counts moved needs its
    # pattern again.
    stale = {(k[0], k[1]) for k, values in deltas.items() if values[0] != 0}
    return len(set(changed_ids) | set(moved)), stale


def refresh(enterprise_ids: Iterable[int], *, patterns: bool = True) -> int:
    """Bring the summary up to date for these enterprises (their ledger rows and their key
    as they are now, whatever changed and whichever quarters). Returns how many needed it.

    Past INSIGHTS_REFRESH_MAX_ENTERPRISES enterprises a full rebuild is cheaper. Then
    (`patterns`) the suppression patterns of the quarters whose counts changed are
    stored again, in a transaction of their own.
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
        stale: set[tuple[int, int]] = set()
        for start in range(0, len(ids), chunk):
            count, periods = _refresh_chunk(ids[start : start + chunk])
            changed += count
            stale |= periods
        state.refreshed_at = timezone.now()
        state.stale_patterns = sorted({tuple(p) for p in state.stale_patterns} | stale)
        state.save(update_fields=["refreshed_at", "stale_patterns"])
    if stale and patterns:
        patterns_refresh()
    return changed


# --- Suppression patterns -------------------------------------------------------------


def _periods() -> list[tuple[int, int]]:
    return [
        (int(y), int(q))
        for y, q in Rollup.objects.filter(grain=0).values_list("year", "quarter").distinct()
    ]


def sections_of_divisions() -> dict[str, str]:
    from apps.registry.models import Industry

    return dict(
        Industry.objects.filter(level=Industry.Level.DIVISION).values_list("code", "section")
    )


def rollup_pattern(year: int, quarter: int) -> tuple[set, list[tuple]]:
    """The hidden cells of one quarter's district-wide rollup, and its rows
    (id, cell, hidden as stored)."""
    rows = [
        (pk, suppression.rollup_cell(street, industry, size, member), n, hidden)
        for pk, street, industry, size, member, n, hidden in Rollup.objects.filter(
            year=year, quarter=quarter
        ).values_list(
            "pk", "street_id", "industry", "size_class", "member", "enterprises", "hidden"
        )
    ]
    cube = {cell: n for _pk, cell, n, _h in rows}
    return suppression.compute_cube(cube, sections_of_divisions()), rows


def _store_pattern(year: int, quarter: int) -> int:
    hidden, rows = rollup_pattern(year, quarter)
    hide = [pk for pk, cell, _n, was in rows if cell in hidden and not was]
    show = [pk for pk, cell, _n, was in rows if cell not in hidden and was]
    chunk = 20000 if _postgres() else CHUNK
    with connection.cursor() as cursor:
        for ids, value in ((hide, True), (show, False)):
            for start in range(0, len(ids), chunk):
                where, params = _in("id", ids[start : start + chunk])
                cursor.execute(
                    f"UPDATE {ROLLUP} SET hidden = {'TRUE' if value else 'FALSE'}"  # noqa: S608
                    f" WHERE {where}",
                    params,
                )
    return len(hide) + len(show)


def patterns_refresh() -> int:
    """Store the suppression pattern of every quarter whose counts changed since."""
    done = 0
    with transaction.atomic():
        state = _lock()
        for year, quarter in state.stale_patterns:
            _store_pattern(year, quarter)
            done += 1
        state.stale_patterns = []
        state.save(update_fields=["stale_patterns"])
    return done


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
