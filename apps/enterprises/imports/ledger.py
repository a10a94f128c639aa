"""Ledger rows (经济台帐): validation, 累计 → 单季, preview counts and the upsert.

Validation streams the file: each row is checked with precompiled lookups
(credit code → enterprise id for the user's scope) and cheap string checks, and
the clean row goes into the staging table, a block at a time. Then, on the staging
table: duplicates within the file, 累计 conversion (flows only; 从业人员 and 资产总额
are period-end figures and never differenced), counts, and the upsert: INSERT …
ON CONFLICT DO UPDATE … WHERE (values differ), so a re-import of the same file
changes nothing. An empty cell never erases a stored figure. On PostgreSQL an apply
upserts each block while the file is still being read (LiveWriter; decision 0016).
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import uscc as uscc_std

from ..models import Enterprise, LedgerSource
from . import normalise
from .normalise import CellError
from .readers import blank as _blank
from .spec import LEDGER, UNCACHED_FORMULA
from .staging import Stage, distinct, execute, executemany, fetch, is_postgres

FLOWS = ("revenue", "profit", "tax", "rd_expense")
FIGURES = (*FLOWS, "employees", "total_assets")
MONEY = ("revenue", "profit", "tax", "rd_expense", "total_assets")
TABLE = "enterprises_ledgerentry"

STAGE = Stage(
    "imp_ledger",
    [
        ("rownum", "integer", "integer"),
        ("ent_id", "bigint", "integer"),
        ("year", "smallint", "integer"),
        ("quarter", "smallint", "integer"),
        ("cum", "boolean", "integer"),
        ("revenue", "numeric(16,2)", "numeric"),
        ("profit", "numeric(16,2)", "numeric"),
        ("tax", "numeric(16,2)", "numeric"),
        ("rd_expense", "numeric(16,2)", "numeric"),
        ("employees", "integer", "integer"),
        ("total_assets", "numeric(16,2)", "numeric"),
    ],
    numeric=True,
    # An xlsx's numbers arrive as floats: staged as whole cents by binary COPY (run()).
    cents=MONEY,
)

# ASCII digits only: a full-width "１００" must go through normalisation, not to COPY as is.
_FAST_MONEY = re.compile(r"-?[0-9]{1,14}(\.[0-9]{1,2})?")
EMPLOYEES_MAX = 10_000_000
_QUARTER_WORDS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_QUARTER_TEXT = re.compile(r"(?:第)?([一二三四1-9]\d*)(?:季度|季)?|[qQ]([1-9]\d*)")
# Plain quarters as text or as numbers (1.0 == 1: the same key; bools never get here).
FAST_QUARTERS = {"1": 1, "2": 2, "3": 3, "4": 4, 1.0: 1, 2.0: 2, 3.0: 3, 4.0: 4}
SINGLE = {"", "单季", "单季度", "当季", "本季", "本季度"}
CUMULATIVE = {"累计", "本年累计", "年累计", "累计值", "1-本季累计"}


class _Careful(Exception):
    """This row needs the careful, cell-by-cell check."""


def uscc_lookup(user) -> dict[str, int]:
    """Credit code → enterprise id, for the enterprises in the user's scope."""
    # Straight from the cursor: a district is ~300,000 pairs, no model machinery needed.
    query = Enterprise.objects.in_scope(user).values_list("uscc", "id").query
    try:
        sql, params = query.sql_with_params()
    except EmptyResultSet:  # a scope that holds nothing
        return {}
    return dict(fetch(sql, params))


def _uscc_text(raw) -> str:
    if isinstance(raw, str) and raw.isascii() and len(raw) == 18:
        return raw.upper()
    return normalise.text(raw).replace(" ", "").replace("-", "").upper()


def _quarter(raw) -> int:
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        number = normalise.whole_number(raw)
    else:
        value = normalise.text(raw).replace(" ", "")
        match = _QUARTER_TEXT.fullmatch(value)
        if not match:
            raise CellError(_("The quarter must be 1, 2, 3 or 4."))
        word = match.group(1) or match.group(2)
        number = _QUARTER_WORDS.get(word, 0)
    if number not in (1, 2, 3, 4):
        raise CellError(_("The quarter must be 1, 2, 3 or 4."))
    return number


def _money(raw):
    if raw is None or raw == "":
        return None
    if isinstance(raw, str) and _FAST_MONEY.fullmatch(raw):
        return raw
    value = normalise.decimal_value(raw)
    return None if value is None else str(value)


class LedgerValidator:
    """Check rows and stream the clean ones into the staging table."""

    def __init__(self, *, user, sink, table, writer: LiveWriter | None = None):
        self.user = user
        self.sink = sink
        self.table = table
        # With a writer (an apply on PostgreSQL), clean blocks go into the ledger as the
        # file is read, inside the caller's transaction, for as long as no row is bad.
        self.writer = writer
        self.codes = uscc_lookup(user)
        self.district = user.data_scope.kind == "district"
        self.this_year = timezone.localdate().year
        self.rows = 0
        self.staged = 0
        self.any_cumulative = False
        self._unknown: dict[str, str] = {}
        # Set by run(): whether the stage holds cents and booleans (binary COPY).
        self.binary = False

    def _unknown_code(self, code: str) -> str:
        # A file may repeat one unknown code many times: check each code once.
        reason = self._unknown.get(code)
        if reason is None:
            if len(self._unknown) > 50_000:
                self._unknown.clear()
            reason = self._unknown[code] = self._unknown_reason(code)
        return reason

    def _unknown_reason(self, code: str) -> str:
        if not uscc_std.is_valid(code):
            return _("This is not a valid unified social credit code.")
        if self.district:
            return _(
                "No enterprise has this credit code. Import it with the enterprise roster first."
            )
        return _("No enterprise with this credit code is in your data scope.")

    def run(self, progress=None) -> int:
        """Validate every row, streaming the clean ones into the staging table.

        Each row first tries a fast path that accepts only the common, unambiguous
        cells (a credit code exactly as stored, a year and quarter as plain numbers,
        单季/累计, money with at most 2 decimals, a whole employee count) with no
        function call per cell. Anything else — and every error — goes through
        _check_row, the one place the rules and the messages live, which gives the
        same staged values for the rows the fast path would have taken.
        """
        pos = self.table.header.positions
        codes = self.codes
        p_uscc, p_year, p_quarter = pos["uscc"], pos["year"], pos["quarter"]
        p_basis = pos.get("basis")
        # Each lookup table holds only cells the careful check would take as they are.
        # Keys that compare equal match too: 2025 (int) finds 2025.0, and True finds 1.0,
        # which is why a bool quarter is sent to the careful check below.
        years = {}
        for year in range(1990, self.this_year + 2):
            years[float(year)] = years[str(year)] = year
        quarters = FAST_QUARTERS
        # An xlsx on PostgreSQL: money as whole cents, 口径 as a bool, all by binary COPY
        # (a csv's numbers are text already, which text COPY takes as they are).
        self.binary = binary = self.table.kind == "xlsx" and is_postgres()
        cum_value, single_value = self._stage_cum(True), self._stage_cum(False)
        bases = {"累计": cum_value, "单季": single_value, "": single_value, None: single_value}
        # Staged row: rownum, ent_id, year, quarter, cum, then the figures.
        money = [(5 + i, pos[f]) for i, f in enumerate(FIGURES) if f in pos and f != "employees"]
        p_employees = pos.get("employees")
        e_slot = 5 + FIGURES.index("employees")
        fast_money = _FAST_MONEY.fullmatch
        uncached_rows = self.table.uncached_rows  # grows as the file is read
        check_row = self._check_row
        keys: set[int] = set()
        keys_add = keys.add
        staged_rows = 0
        any_cumulative = False
        STAGE.create(binary=binary)
        header_row = self.table.header_row
        between = None
        if progress is not None:

            def between(last_rownum: int) -> None:
                progress(last_rownum - header_row)

        statements = absorb = None
        if self.writer is not None:
            STAGE.index("rownum")
            writer, sink = self.writer, self.sink

            def statements(first: int, last: int) -> list:
                # Once a row is bad or repeated the import will be rolled back: stop writing.
                if sink.count or len(keys) < feed.count:
                    return []
                return writer.block(first, last)

            absorb = writer.absorb
        count = 0
        with STAGE.feed(statements=statements, absorb=absorb, between=between) as feed:
            stage_add = feed.rows.append
            for first, rows in self.table.blocks:
                count += len(rows)
                for number, row in enumerate(rows, first):
                    try:
                        if uncached_rows and number in uncached_rows:
                            raise _Careful
                        # KeyError for anything but a code exactly as stored (and in scope),
                        # a plain year or quarter, or 单季/累计/empty.
                        raw = row[p_quarter]
                        if raw.__class__ is bool:
                            raise _Careful
                        staged = [
                            number,
                            codes[row[p_uscc]],
                            years[row[p_year]],
                            quarters[raw],
                            single_value if p_basis is None else bases[row[p_basis]],
                            None,
                            None,
                            None,
                            None,
                            None,
                            None,
                        ]
                        for slot, position in money:
                            raw = row[position]
                            if raw.__class__ is float:
                                # At most 2 decimals (x is the float nearest to k/100):
                                # k cents, and its shortest text, are exact.
                                if -1e13 < raw < 1e13:
                                    cents = round(raw * 100)
                                    if cents / 100 == raw:
                                        staged[slot] = cents if binary else raw
                                        continue
                            elif raw == "" or raw is None:
                                continue
                            elif raw.__class__ is str and not binary and fast_money(raw):
                                staged[slot] = raw
                                continue
                            raise _Careful
                        if p_employees is not None:
                            raw = row[p_employees]
                            if raw.__class__ is float:
                                if not (raw.is_integer() and 0 <= raw <= EMPLOYEES_MAX):
                                    raise _Careful
                                staged[e_slot] = int(raw)
                            elif raw.__class__ is str and raw:
                                if not (raw.isdigit() and raw.isascii() and len(raw) < 8):
                                    raise _Careful
                                staged[e_slot] = int(raw) if binary else raw
                            elif not (raw == "" or raw is None):
                                raise _Careful
                    except (_Careful, KeyError, IndexError, TypeError):
                        if _blank(row):  # a blank row is no row
                            count -= 1
                            continue
                        staged = check_row(number, row)
                        if staged is not None:
                            keys_add(staged[1] * 10000 + staged[2] * 4 + staged[3])
                            stage_add(staged)
                            staged_rows += 1
                            any_cumulative = any_cumulative or staged[4] == cum_value
                        continue
                    # One int per row (year * 4 + quarter < 10,000): fewer keys than rows
                    # means a quarter is repeated; the SQL in _duplicates then names the rows.
                    keys_add(staged[1] * 10000 + staged[2] * 4 + staged[3])
                    stage_add(staged)
                    staged_rows += 1
                    if staged[4] is cum_value:
                        any_cumulative = True
                feed.end_block()
        self.rows = count
        self.staged = staged_rows
        if progress is not None:
            progress(count)
        if len(keys) < staged_rows:
            self._duplicates()
        if self.writer is not None and self.writer.needs_ids:
            self.writer.touched.update({key // 10000 for key in keys})
        keys.clear()
        self.any_cumulative = any_cumulative
        if any_cumulative:
            STAGE.index("ent_id", "year", "quarter")
            self._cumulative()
        if self.writer is None or any_cumulative:
            STAGE.analyze()  # statistics for the joins to come
        return count

    def _check_row(self, number: int, row: list) -> tuple | None:
        """Check one row cell by cell: every error is reported; the staged tuple if clean."""
        pos = self.table.header.positions
        names = self.table.header.headers
        add_error = self.sink.add
        width = len(row)
        ok = True
        if self.table.uncached:
            for key, position in pos.items():
                if (number, position) in self.table.uncached:
                    add_error(number, names[key], "", _(UNCACHED_FORMULA))
                    ok = False
        raw = row[pos["uscc"]] if pos["uscc"] < width else None
        code = _uscc_text(raw)
        ent_id = self.codes.get(code)
        if ent_id is None:
            if code:
                add_error(number, names["uscc"], raw, self._unknown_code(code))
            else:
                add_error(number, names["uscc"], raw, _("This column is required."))
            ok = False
        year = None
        raw = row[pos["year"]] if pos["year"] < width else None
        try:
            year = normalise.whole_number(raw, minimum=1990, maximum=self.this_year + 1)
            if year is None:
                raise CellError(_("This column is required."))
        except CellError as error:
            add_error(number, names["year"], raw, str(error))
            ok = False
        raw = row[pos["quarter"]] if pos["quarter"] < width else None
        quarter = None
        try:
            if raw is None or raw == "":
                raise CellError(_("This column is required."))
            quarter = _quarter(raw)
        except CellError as error:
            add_error(number, names["quarter"], raw, str(error))
            ok = False
        cum = False
        p_basis = pos.get("basis")
        if p_basis is not None and p_basis < width:
            raw = row[p_basis]
            basis = normalise.text(raw).replace(" ", "")
            if basis in CUMULATIVE:
                cum = True
            elif basis not in SINGLE:
                add_error(
                    number,
                    names["basis"],
                    raw,
                    _("Write 单季 (single quarter) or 累计 (year to date), or leave it empty."),
                )
                ok = False
        values = []
        for field in FIGURES:
            position = pos.get(field)
            raw = row[position] if position is not None and position < width else None
            try:
                if field == "employees":
                    value = normalise.whole_number(raw, minimum=0, maximum=EMPLOYEES_MAX)
                else:
                    value = _money(raw)
            except CellError as error:
                add_error(number, names[field], raw, str(error))
                ok = False
                continue
            if self.binary and value is not None and field != "employees":
                value = _cents(value)
            values.append(value)
        if not ok:
            return None
        return (number, ent_id, year, quarter, self._stage_cum(cum), *values)

    def _stage_cum(self, cum: bool):
        return cum if self.binary else _cum_value(cum)

    def _duplicates(self) -> None:
        rows = fetch(
            f"SELECT s.rownum, s.year, s.quarter, d.rows FROM {STAGE.name} s JOIN ("  # noqa: S608
            f" SELECT ent_id, year, quarter, COUNT(*) AS n, MIN(rownum) AS first,"
            f" {_agg_rows()} AS rows FROM {STAGE.name} GROUP BY ent_id, year, quarter"
            f" HAVING COUNT(*) > 1) d"
            f" ON d.ent_id = s.ent_id AND d.year = s.year AND d.quarter = s.quarter"
            f" ORDER BY s.rownum"
        )
        header = self.table.header.headers["uscc"]
        for rownum, year, quarter, others in rows:
            self.sink.add(
                rownum,
                header,
                "",
                _(
                    "%(year)s Q%(quarter)s of this enterprise appears more than once in the file "
                    "(rows %(rows)s)."
                )
                % {"year": year, "quarter": quarter, "rows": others},
            )

    def _cumulative(self) -> None:
        """Turn 累计 rows into single-quarter figures, group by group (enterprise, year)."""
        groups = fetch(
            f"SELECT DISTINCT ent_id, year FROM {STAGE.name} WHERE cum = {_true()}"  # noqa: S608
            f" ORDER BY ent_id, year"
        )
        names = self.table.header.headers
        flows = ", ".join(FLOWS)
        for start in range(0, len(groups), 500):
            chunk = groups[start : start + 500]
            ids = sorted({g[0] for g in chunk})
            wanted = set(chunk)
            marks = ", ".join(["%s"] * len(ids))
            in_file: dict[tuple, dict[int, tuple]] = defaultdict(dict)
            for row in fetch(
                f"SELECT ent_id, year, quarter, cum, rownum, {flows} FROM {STAGE.name}"  # noqa: S608
                f" WHERE ent_id IN ({marks})",
                ids,
            ):
                if (row[0], row[1]) in wanted:
                    in_file[(row[0], row[1])][row[2]] = (bool(row[3]), row[4], _decimals(row[5:]))
            stored: dict[tuple, dict[int, tuple]] = defaultdict(dict)
            for row in fetch(
                f"SELECT enterprise_id, year, quarter, {flows} FROM {TABLE}"  # noqa: S608
                f" WHERE enterprise_id IN ({marks})",
                ids,
            ):
                if (row[0], row[1]) in wanted:
                    stored[(row[0], row[1])][row[2]] = _decimals(row[3:])
            updates = []
            for key in chunk:
                updates.extend(self._convert(in_file[key], stored[key], names))
            sets = ", ".join(f"{STAGE.column(f)} = %s" for f in FLOWS)
            executemany(f"UPDATE {STAGE.table} SET {sets} WHERE rownum = %s", updates)  # noqa: S608

    def _convert(self, in_file: dict, stored: dict, names: dict) -> list[tuple]:
        updates = []
        for quarter in sorted(in_file):
            cum, rownum, values = in_file[quarter]
            if not cum:
                continue
            # The latest earlier 累计 row in the file is the base; later quarters add up.
            base_quarter = max((q for q in in_file if q < quarter and in_file[q][0]), default=0)
            base = in_file[base_quarter][2] if base_quarter else (Decimal(0),) * len(FLOWS)
            missing_quarters = []
            earlier = []
            for q in range(base_quarter + 1, quarter):
                if q in in_file:
                    earlier.append(in_file[q][2])
                elif q in stored:
                    earlier.append(stored[q])
                else:
                    missing_quarters.append(f"Q{q}")
            if missing_quarters:
                self.sink.add(
                    rownum,
                    names.get("basis", "口径"),
                    "累计",
                    _(
                        "A year-to-date figure needs the earlier quarters of the same year, "
                        "in this file or already imported; missing: %(quarters)s."
                    )
                    % {"quarters": "、".join(missing_quarters)},
                )
                continue
            single = []
            ok = True
            for i, field in enumerate(FLOWS):
                value = values[i]
                if value is None:
                    single.append(None)
                    continue
                parts = [base[i], *(e[i] for e in earlier)]
                if any(p is None for p in parts):
                    self.sink.add(
                        rownum,
                        names[field],
                        value,
                        _(
                            "An earlier quarter of the same year has no figure in this column, "
                            "so the year-to-date figure cannot be turned into a single quarter."
                        ),
                    )
                    ok = False
                    continue
                single.append(value - sum(parts, Decimal(0)))
            if ok:
                stored_as = _cents if self.binary else str
                updates.append((*(None if v is None else stored_as(v) for v in single), rownum))
        return updates


def _cum_value(cum: bool):
    """The staging table's boolean, as COPY (PostgreSQL) or SQLite takes it."""
    if is_postgres():
        return "t" if cum else "f"
    return 1 if cum else 0


def _cents(value) -> int:
    """Whole cents of money with at most 2 decimals (a Decimal or its text)."""
    return int(Decimal(value).scaleb(2))


def _decimals(values) -> tuple:
    return tuple(
        None if v is None else normalise.decimal_value(v if isinstance(v, Decimal) else str(v))
        for v in values
    )


def _true() -> str:
    return "true" if is_postgres() else "1"


def _agg_rows() -> str:
    if is_postgres():
        return "array_to_string((array_agg(rownum ORDER BY rownum))[1:5], '、')"
    return "group_concat(rownum, '、')"


def _differs(prefix_new: str, prefix_old: str) -> str:
    """SQL: a figure given in the file differs from the stored one."""
    return " OR ".join(
        f"({prefix_new}{f} IS NOT NULL AND {distinct(prefix_old + f, prefix_new + f)})"
        for f in FIGURES
    )


def counts() -> tuple[int, int, int]:
    """(new, changed, unchanged) between the staging table and the ledger."""
    [(total, new, changed)] = fetch(
        f"SELECT COUNT(*),"  # noqa: S608
        f" COALESCE(SUM(CASE WHEN l.id IS NULL THEN 1 ELSE 0 END), 0),"
        f" COALESCE(SUM(CASE WHEN l.id IS NOT NULL AND ({_differs('s.', 'l.')})"
        f" THEN 1 ELSE 0 END), 0)"
        f" FROM {STAGE.name} s LEFT JOIN {TABLE} l ON l.enterprise_id = s.ent_id"
        f" AND l.year = s.year AND l.quarter = s.quarter"
    )
    return int(new), int(changed), int(total) - int(new) - int(changed)


def lock() -> None:
    """Hold off other writers of the ledger until this transaction ends (readers go on).

    Taken before the counts that upsert() relies on, so no row can appear or change
    in between: the counts stay true and new rows can go in by a plain INSERT.
    SQLite allows one writer at a time anyway.
    """
    if is_postgres():
        execute(f"LOCK TABLE {TABLE} IN SHARE ROW EXCLUSIVE MODE")


def _upsert_sql(where: str, *, stored: bool = True) -> str:
    """PostgreSQL: the staged rows matching `where` into the ledger; answers (inserted,
    rows, enterprise ids) for the rows inserted and for those changed.

    A stored quarter is updated only where a figure given in the file differs (an
    empty cell never erases one); an unchanged row is not written. ON CONFLICT finds
    the stored row through the unique index whatever the planner thinks of tables
    that grow inside the import's transaction. A row this statement inserted has no
    xmax; an updated one carries the row lock that ON CONFLICT took before updating.
    With stored=False (no stored row can have these keys) it is a plain INSERT, which
    skips ON CONFLICT's speculative insertion.
    """
    cols = ", ".join(FIGURES)
    sets = ", ".join(f"{f} = COALESCE(excluded.{f}, l.{f})" for f in FIGURES)
    upsert = (
        f" ON CONFLICT (enterprise_id, year, quarter) DO UPDATE SET {sets},"
        f" source = excluded.source, updated_by_id = excluded.updated_by_id,"
        f" updated_at = excluded.updated_at WHERE {_differs('excluded.', 'l.')}"
        f" RETURNING enterprise_id, xmax = 0 AS inserted)"
    )
    return (
        f"WITH done AS (INSERT INTO {TABLE} AS l (enterprise_id, year, quarter, {cols},"  # noqa: S608
        f" source, updated_by_id, updated_at) SELECT s.ent_id, s.year, s.quarter,"
        f" {', '.join('s.' + f for f in FIGURES)}, %s, %s, %s FROM {STAGE.name} s"
        f" WHERE {where}"
        f"{upsert if stored else ' RETURNING enterprise_id, true AS inserted)'}"
        f" SELECT inserted, COUNT(*), array_agg(DISTINCT enterprise_id) FROM done GROUP BY inserted"
    )


def _insert_sql(where: str) -> str:
    """PostgreSQL: the staged rows matching `where` into the ledger, none of them stored."""
    cols = ", ".join(FIGURES)
    return (
        f"INSERT INTO {TABLE} (enterprise_id, year, quarter, {cols}, source, updated_by_id,"  # noqa: S608
        f" updated_at) SELECT s.ent_id, s.year, s.quarter,"
        f" {', '.join('s.' + f for f in FIGURES)}, %s, %s, %s FROM {STAGE.name} s WHERE {where}"
    )


def stored_periods() -> set[int]:
    """year * 4 + quarter of the periods the ledger holds, by a skip scan of its period index."""
    rows = fetch(
        f"WITH RECURSIVE p (year, quarter) AS ((SELECT year, quarter FROM {TABLE}"  # noqa: S608
        f" ORDER BY year, quarter LIMIT 1) UNION ALL SELECT n.year, n.quarter FROM p,"
        f" LATERAL (SELECT year, quarter FROM {TABLE} l WHERE (l.year, l.quarter) >"
        f" (p.year, p.quarter) ORDER BY year, quarter LIMIT 1) n) SELECT year, quarter FROM p"
    )
    return {year * 4 + quarter for year, quarter in rows}


class LiveWriter:
    """Writes an apply's staged rows into the ledger block by block (PostgreSQL).

    Single-quarter rows go in with their block while the file is still being read;
    累计 rows wait for their conversion and go in with finish(). The counts and the
    enterprises touched add up from what the statements answer.
    """

    def __init__(self, *, actor):
        self.params = [LedgerSource.IMPORT.value, getattr(actor, "pk", None), timezone.now()]
        self.new = self.changed = 0
        self.touched: set[int] = set()
        self.stored: list[int] = []
        in_block = "s.rownum BETWEEN %s AND %s AND NOT s.cum"
        period = "s.year * 4 + s.quarter = ANY(%s)"
        self._upsert = _upsert_sql(f"{in_block} AND {period}")
        self._insert = _upsert_sql(f"{in_block} AND NOT {period}", stored=False)
        # With no period stored every row is new: a plain INSERT, whose count is its row
        # count; the enterprises touched come from the validator (counted in Python, they
        # cost the server nothing: RETURNING and the aggregate were a tenth of its work).
        self._insert_all = _insert_sql(in_block)

    def begin(self) -> None:
        """At the start of the apply's transaction: hold off other ledger writers, note
        the periods stored (rows of any other period are new: a plain INSERT), and check
        foreign keys statement by statement (on the server, while Python reads on)
        rather than all at the commit."""
        lock()
        self.stored = sorted(stored_periods())
        execute("SET CONSTRAINTS ALL IMMEDIATE")

    def block(self, first: int, last: int) -> list[tuple[str, list]]:
        params = [*self.params, first, last]
        if not self.stored:
            return [(self._insert_all, params)]
        return [
            (self._upsert, [*params, self.stored]),
            (self._insert, [*params, self.stored]),
        ]

    @property
    def needs_ids(self) -> bool:
        """Whether the blocks go in by plain INSERTs, which do not name the enterprises."""
        return not self.stored

    def absorb(self, results: list) -> None:
        for rows in results:
            if isinstance(rows, int):  # a plain INSERT's row count
                self.new += rows
                continue
            for inserted, count, ids in rows:
                if inserted:
                    self.new += count
                else:
                    self.changed += count
                self.touched.update(ids)

    def finish(self, *, cumulative: bool) -> None:
        """The 累计 rows, once converted; then constraints are deferred again."""
        if cumulative:
            self.absorb([fetch(_upsert_sql(f"s.cum = {_true()}"), self.params)])
        execute("SET CONSTRAINTS ALL DEFERRED")


def upsert(*, actor) -> list[int]:
    """Insert new quarters and update changed ones (after lock() and counts()); unchanged
    rows are not touched. Returns the ids of the enterprises that had a row inserted or
    changed, for the size-class refresh."""
    if not is_postgres():
        return _upsert_sqlite(
            ", ".join(FIGURES),
            [LedgerSource.IMPORT.value, getattr(actor, "pk", None), timezone.now()],
        )
    writer = LiveWriter(actor=actor)
    writer.absorb([fetch(_upsert_sql("true"), writer.params)])
    return sorted(writer.touched)


def _upsert_sqlite(cols: str, params: list) -> list[int]:
    sets = ", ".join(f"{f} = COALESCE(excluded.{f}, {TABLE}.{f})" for f in FIGURES)
    rows = fetch(
        f"INSERT INTO {TABLE} (enterprise_id, year, quarter, {cols}, source, updated_by_id,"  # noqa: S608
        f" updated_at) SELECT ent_id, year, quarter, {cols}, %s, %s, %s FROM {STAGE.name}"
        f" WHERE true ON CONFLICT (enterprise_id, year, quarter) DO UPDATE SET {sets},"
        f" source = excluded.source, updated_by_id = excluded.updated_by_id,"
        f" updated_at = excluded.updated_at WHERE {_differs('excluded.', TABLE + '.')}"
        f" RETURNING enterprise_id",
        params,
    )
    return sorted({r[0] for r in rows})


__all__ = ["LEDGER", "STAGE", "LedgerValidator", "connection", "counts", "lock", "upsert"]
