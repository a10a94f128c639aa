"""Reads of the insights module: every figure the dashboard, the big screen and the reports
show, from the summary table only (never the ledger), in the user's scope and grade.

    Query(year, quarter, cumulative=False, street_id=None, section="", division="",
          size_class="", members_only=False)
    headline(user, query) -> Headline     enterprises, revenue, tax, employees, profit, rd:
                                          each a Figure (value, a year earlier, change)
    breakdown(user, query, by) -> [Cell]  by "street" | "section" | "division" | "size"
    trend(user, query, quarters=12) -> [Cell]   one per quarter, oldest first
    top(user, query, metric, n=20) -> [TopRow]  metric "revenue" | "tax"; PermissionDenied
                                                below Grade.RECORDS

Single-quarter figures are the ledger's; cumulative (累计) ones add up the quarters of the
year so far for revenue, profit, tax and R&D, and take the last quarter's for the
period-end figures — employees, and the number of enterprises (those with a ledger row
for that quarter).

Scope: a street officer reads their 街乡 only; a user whose scope is neither the district
nor streets reads nothing. Grade: below Grade.RECORDS figures of fewer than 3 enterprises,
and those that could be worked out from them, are suppressed (suppression.py); such users
never get an enterprise name. Records-grade users see every figure of their scope.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils.translation import gettext as _

from apps.core.scoping import Grade, ScopeKind, scope_of
from apps.enterprises.models import Enterprise, MemberStatus, SizeClass
from apps.registry.models import Industry, Street

from . import summary, suppression
from .models import Fact, Grain, RefreshState, Rollup, Summary

BREAKDOWNS = ("street", "section", "division", "size")
METRICS = ("revenue", "tax")
# Headline figures in display order; "rd" is the ledger's rd_expense.
HEADLINE_FIGURES = ("enterprises", "revenue", "tax", "employees", "profit", "rd")
COLUMN = {
    "enterprises": "enterprises",
    "revenue": "revenue",
    "tax": "tax",
    "employees": "employees",
    "profit": "profit",
    "rd": "rd_expense",
}
SIZE_ORDER = [s.value for s in SizeClass]
SUMMARY = Summary._meta.db_table
# Suppression patterns kept per process (oldest dropped first): a dashboard needs 14.
PATTERNS_KEPT = 64
_PATTERNS: dict[tuple, set] = {}


# --- The query ------------------------------------------------------------------------


def _int(value, default=None):
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return default


def latest_period() -> tuple[int, int] | None:
    """The latest quarter the summary holds (its district row: one index probe)."""
    row = (
        Rollup.objects.filter(grain=0, street_id=0, industry="", size_class="", member="")
        .order_by("-year", "-quarter")
        .values_list("year", "quarter")
        .first()
    )
    return (int(row[0]), int(row[1])) if row else None


# Reference data read on every request, cached for a few minutes.
NAMES_CACHE_SECONDS = 300


def street_names() -> dict[int, str]:
    """街乡 id → short name."""
    found = cache.get("insights:street-names")
    if found is None:
        found = dict(Street.objects.values_list("pk", "short_name"))
        cache.set("insights:street-names", found, NAMES_CACHE_SECONDS)
    return found


def industry_names() -> dict[str, str]:
    """Section letter or division code → name."""
    found = cache.get("insights:industry-names")
    if found is None:
        found = dict(
            Industry.objects.filter(
                level__in=(Industry.Level.SECTION, Industry.Level.DIVISION)
            ).values_list("code", "name")
        )
        cache.set("insights:industry-names", found, NAMES_CACHE_SECONDS)
    return found


def years_available() -> list[int]:
    """The years the summary holds, latest first."""
    years = Rollup.objects.filter(grain=0).values_list("year", flat=True).distinct()
    return sorted({int(y) for y in years}, reverse=True)


def shift(year: int, quarter: int, quarters: int) -> tuple[int, int]:
    """The quarter `quarters` after (negative: before) year/quarter."""
    k = year * 4 + quarter - 1 + quarters
    return k // 4, k % 4 + 1


@dataclass(frozen=True)
class Query:
    """What the dashboard shows: a period and the slice of the district."""

    year: int
    quarter: int
    cumulative: bool = False
    street_id: int | None = None
    section: str = ""
    division: str = ""
    size_class: str = ""
    members_only: bool = False

    @classmethod
    def from_params(cls, params, *, default_period: tuple[int, int] | None = None) -> Query:
        """From URL parameters (request.GET); anything invalid is left out. Without a year
        and quarter: the latest quarter the summary holds."""
        year, quarter = _int(params.get("year")), _int(params.get("quarter"))
        if not (year and 1900 < year < 3000 and quarter in (1, 2, 3, 4)):
            year, quarter = default_period or latest_period() or _this_quarter()
        section = str(params.get("section", "")).strip().upper()
        section = section if len(section) == 1 and section.isalpha() else ""
        division = str(params.get("division", "")).strip()
        division = division if len(division) == 2 and division.isdigit() else ""
        size = str(params.get("size", "")).strip()
        return cls(
            year=year,
            quarter=quarter,
            cumulative=str(params.get("cumulative", "")) in ("1", "true", "on"),
            street_id=_int(params.get("street")) or None,
            section=section,
            division=division,
            size_class=size if size in SIZE_ORDER else "",
            members_only=str(params.get("members", "")) in ("1", "true", "on"),
        )

    def to_params(self) -> dict[str, str]:
        """URL parameters that give this query back (from_params)."""
        params = {"year": str(self.year), "quarter": str(self.quarter)}
        if self.cumulative:
            params["cumulative"] = "1"
        if self.street_id:
            params["street"] = str(self.street_id)
        if self.section:
            params["section"] = self.section
        if self.division:
            params["division"] = self.division
        if self.size_class:
            params["size"] = self.size_class
        if self.members_only:
            params["members"] = "1"
        return params

    def replace(self, **changes) -> Query:
        return replace(self, **changes)

    @property
    def period_label(self) -> str:
        return period_label(self.year, self.quarter, self.cumulative)

    @property
    def a_year_earlier(self) -> Query:
        return replace(self, year=self.year - 1)

    @property
    def first_quarter(self) -> int:
        """The first quarter its flow figures add up (1 when cumulative)."""
        return 1 if self.cumulative else self.quarter


def _this_quarter() -> tuple[int, int]:
    from django.utils import timezone

    today = timezone.localdate()
    return shift(today.year, (today.month - 1) // 3 + 1, -1)


def period_label(year: int, quarter: int, cumulative: bool = False) -> str:
    if cumulative and quarter > 1:
        return _("%(year)s Q1–Q%(quarter)s") % {"year": year, "quarter": quarter}
    return _("%(year)s Q%(quarter)s") % {"year": year, "quarter": quarter}


# --- Results --------------------------------------------------------------------------


@dataclass
class Figure:
    value: Decimal | int | None
    previous: Decimal | int | None = None
    # (value - previous) / previous, as a Decimal fraction (0.053 = +5.3 %); None when
    # there is nothing to compare with.
    change: Decimal | None = None


@dataclass
class Headline:
    query: Query
    enterprises: Figure
    revenue: Figure
    tax: Figure
    employees: Figure
    profit: Figure
    rd: Figure
    suppressed: bool = False
    previous_suppressed: bool = False

    def figures(self) -> list[tuple[str, Figure]]:
        return [(name, getattr(self, name)) for name in HEADLINE_FIGURES]


@dataclass
class Cell:
    key: str
    label: str
    enterprises: int | None
    revenue: Decimal | None
    tax: Decimal | None
    employees: int | None
    profit: Decimal | None
    rd: Decimal | None
    suppressed: bool = False
    # The query this cell is (the dashboard drills into it); not part of the contract.
    query: Query | None = field(default=None, repr=False, compare=False)


@dataclass
class TopRow:
    rank: int
    enterprise_id: int
    name: str
    street: str
    section: str
    value: Decimal | None
    revenue: Decimal | None
    tax: Decimal | None


# --- Reading the rollup ---------------------------------------------------------------

FIGURE_COLUMNS = ("enterprises", "revenue", "tax", "employees", "profit", "rd_expense")
ROLLUP = Rollup._meta.db_table


class _Reader:
    """The user's scope and grade; the rollup rows of a query; which of them to hide."""

    def __init__(self, user):
        scope = scope_of(user)
        self.nothing = scope.kind not in (ScopeKind.DISTRICT, ScopeKind.STREETS)
        self.street_ids = sorted(scope.street_ids) if scope.kind == ScopeKind.STREETS else None
        if scope.kind == ScopeKind.STREETS and not self.street_ids:
            self.nothing = True
        self.suppress = getattr(user, "grade", Grade.NONE) < Grade.RECORDS
        self._state: tuple[str, set] | None = None

    def streets(self, query: Query) -> list[int] | None:
        """The 街乡 whose rows to add up: None for the district's own rows."""
        if query.street_id:
            if self.street_ids is not None and query.street_id not in self.street_ids:
                return []
            return [query.street_id]
        return self.street_ids

    def rows(self, query: Query, periods_sql: str, periods_params: list, by: str = ""):
        """Rollup rows of the query (split `by` a dimension) in the given quarters:
        (key, year, quarter, figures dict, hidden flag)."""
        streets = self.streets(query)
        if streets == []:
            return []
        grain, conditions, params = 0, [], []
        if streets is not None:
            grain |= Grain.STREET
            conditions.append(_in_sql("street_id", streets, params))
        elif by == "street":
            grain |= Grain.STREET
        if query.division:
            grain |= Grain.DIVISION
            conditions.append("industry = %s")
            params.append(query.division)
        elif query.section and by == "division":
            grain |= Grain.DIVISION
            conditions.append(_in_sql("industry", divisions_of(query.section) or [""], params))
        elif query.section:
            grain |= Grain.SECTION
            conditions.append("industry = %s")
            params.append(query.section)
        elif by in ("section", "division"):
            grain |= Grain.SECTION if by == "section" else Grain.DIVISION
        if query.size_class:
            grain |= Grain.SIZE
            conditions.append("size_class = %s")
            params.append(query.size_class)
        elif by == "size":
            grain |= Grain.SIZE
        if query.members_only:
            grain |= Grain.MEMBER
            conditions.append("member = 'member'")
        key_column = {
            "street": "street_id",
            "section": "industry",
            "division": "industry",
            "size": "size_class",
        }.get(by, "0")
        sql = (
            f"SELECT {key_column}, year, quarter, {', '.join(FIGURE_COLUMNS)}, hidden"  # noqa: S608
            f" FROM {ROLLUP} WHERE grain = %s AND {periods_sql}"
            + "".join(f" AND {c}" for c in conditions)
        )
        out = []
        for row in _fetch(sql, [int(grain), *periods_params, *params]):
            key = row[0]
            if by == "section" and query.division:
                key = sections_of(query.division)
            out.append((key, int(row[1]), int(row[2]), _figures(row[3:9]), bool(row[9])))
        return out

    # -- suppression
    def _refresh_state(self) -> tuple[str, set]:
        if self._state is None:
            row = RefreshState.objects.filter(pk=1).values_list("refreshed_at", "stale_patterns")
            stamp, stale = row.first() or (None, [])
            self._state = (str(stamp), {tuple(p) for p in stale})
        return self._state

    def hidden(self, query: Query, year: int, quarter: int, flag: bool) -> bool:
        """Whether the query's total for that quarter is suppressed; `flag` is the hidden
        column of its rollup row (right for the district's rows unless stale)."""
        if not self.suppress:
            return False
        generation, stale = self._refresh_state()
        if self.street_ids is None and (year, quarter) not in stale:
            return flag
        key = (connection.settings_dict["NAME"], generation, year, quarter, self.scope_key())
        hidden = _PATTERNS.get(key)
        if hidden is None:
            if self.street_ids is None:
                hidden = summary.rollup_pattern(year, quarter)[0]
            else:
                hidden = self._scope_pattern(year, quarter)
            if len(_PATTERNS) >= PATTERNS_KEPT:
                _PATTERNS.pop(next(iter(_PATTERNS)))
            _PATTERNS[key] = hidden
        return _cell_of(query) in hidden

    def scope_key(self) -> str:
        return "all" if self.street_ids is None else ",".join(map(str, self.street_ids))

    def _scope_pattern(self, year: int, quarter: int) -> set:
        """The pattern of a scope smaller than the district, from the summary's rows."""
        params: list = [year, quarter]
        in_scope = _in_sql("street_id", self.street_ids, params)
        member = f"(member_status = '{MemberStatus.MEMBER.value}')"
        rows = _fetch(
            f"SELECT street_id, section, division, size_class, {member}, SUM(enterprises)"  # noqa: S608
            f" FROM {SUMMARY} WHERE year = %s AND quarter = %s AND {in_scope}"
            f" GROUP BY street_id, section, division, size_class, {member}",
            params,
        )
        return suppression.compute(
            (s, sec, div, size, bool(m), int(n)) for s, sec, div, size, m, n in rows
        ).hidden


def _in_sql(column: str, values, params: list) -> str:
    values = list(values)
    if connection.vendor == "postgresql":
        params.append(values)
        return f"{column} = ANY(%s)"
    params.extend(values)
    return f"{column} IN ({', '.join(['%s'] * len(values))})"


def divisions_of(section: str) -> list[str]:
    return [d for d, s in _division_sections().items() if s == section]


def sections_of(division: str) -> str:
    return _division_sections().get(division, "")


def _division_sections() -> dict[str, str]:
    found = cache.get("insights:division-sections")
    if found is None:
        found = summary.sections_of_divisions()
        cache.set("insights:division-sections", found, 3600)
    return found


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _cell_of(query: Query) -> suppression.Cell:
    return suppression.cell_of(
        street_id=query.street_id,
        section=query.section,
        division=query.division,
        size=query.size_class,
        member=True if query.members_only else None,
    )


def _money(value) -> Decimal:
    if value is None:
        return Decimal("0.00")
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    return value.quantize(Decimal("0.01"))


def _figures(row) -> dict:
    enterprises, revenue, tax, employees, profit, rd = row
    return {
        "enterprises": int(enterprises or 0),
        "revenue": _money(revenue),
        "tax": _money(tax),
        "employees": int(employees or 0),
        "profit": _money(profit),
        "rd": _money(rd),
    }


FLOWS = ("revenue", "tax", "profit", "rd")
NONE = dict.fromkeys(HEADLINE_FIGURES)


def _combine(rows, year: int, quarter: int, first: int) -> dict[object, tuple[dict, bool]]:
    """Per key: the figures of the period (flows of quarters first..quarter added up,
    enterprises and employees of `quarter`) and the hidden flag of its last quarter's row
    (several rows of one key and quarter — several 街乡 of a scope — are added up)."""
    out: dict = {}
    for key, y, q, figures, hidden in rows:
        if y != year or not first <= q <= quarter:
            continue
        total, flag = out.get(key) or (_figures((0,) * 6), False)
        for name in FLOWS:
            total[name] += figures[name]
        if q == quarter:
            total["enterprises"] += figures["enterprises"]
            total["employees"] += figures["employees"]
            flag = flag or hidden
        out[key] = (total, flag)
    return out


# --- headline -------------------------------------------------------------------------


def _change(value, previous) -> Decimal | None:
    if value is None or previous in (None, 0):
        return None
    return ((Decimal(value) - Decimal(previous)) / abs(Decimal(previous))).quantize(
        Decimal("0.0001")
    )


def headline(user, query: Query) -> Headline:
    """The query's totals, each with the same figure a year earlier and the change."""
    reader = _Reader(user)
    current, previous = _figures((0,) * 6), dict(NONE)
    hidden = hidden_before = False
    if not reader.nothing:
        rows = reader.rows(
            query,
            "year IN (%s, %s) AND quarter BETWEEN %s AND %s",
            [query.year, query.year - 1, query.first_quarter, query.quarter],
        )
        now = _combine(rows, query.year, query.quarter, query.first_quarter).get(0)
        before = _combine(rows, query.year - 1, query.quarter, query.first_quarter).get(0)
        if now:
            current = now[0]
            hidden = reader.hidden(query, query.year, query.quarter, now[1])
        if before and before[0]["enterprises"]:
            previous = before[0]
            hidden_before = reader.hidden(query, query.year - 1, query.quarter, before[1])
    if hidden:
        current = dict(NONE)
    if hidden or hidden_before:
        previous = dict(NONE)
    figures = {
        name: Figure(
            value=current[name],
            previous=previous[name],
            change=_change(current[name], previous[name]),
        )
        for name in HEADLINE_FIGURES
    }
    return Headline(query=query, suppressed=hidden, previous_suppressed=hidden_before, **figures)


# --- breakdown ------------------------------------------------------------------------


def _labels(by: str, keys) -> dict:
    if by == "street":
        return street_names()
    if by in ("section", "division"):
        return industry_names()
    return {value: str(label) for value, label in SizeClass.choices}


def breakdown(user, query: Query, by: str) -> list[Cell]:
    """The query's totals split by 街乡, section, division or size class. Largest revenue
    first (size classes in their own order); suppressed cells last."""
    if by not in BREAKDOWNS:
        raise ValueError(f"breakdown by {by!r}: one of {BREAKDOWNS}")
    reader = _Reader(user)
    if reader.nothing:
        return []
    rows = reader.rows(
        query,
        "year = %s AND quarter BETWEEN %s AND %s",
        [query.year, query.first_quarter, query.quarter],
        by=by,
    )
    combined = _combine(rows, query.year, query.quarter, query.first_quarter)
    labels = _labels(by, combined)
    cells = []
    for key, (figures, flag) in combined.items():
        if not figures["enterprises"]:
            continue  # reported earlier in the year, gone by the period's end
        cell_query = _drill(query, by, key)
        hidden = reader.hidden(cell_query, query.year, query.quarter, flag)
        if hidden:
            figures = dict(NONE)
        label = labels.get(key, str(key))
        if by in ("section", "division"):
            label = f"{key} {label}" if key in labels else str(key)
        cells.append(
            Cell(key=str(key), label=str(label), suppressed=hidden, query=cell_query, **figures)
        )
    if by == "size":
        cells.sort(key=lambda c: SIZE_ORDER.index(c.key) if c.key in SIZE_ORDER else 99)
    else:
        cells.sort(key=lambda c: (c.suppressed, -(c.revenue or 0), c.key))
    return cells


def _drill(query: Query, by: str, key) -> Query:
    if by == "street":
        return query.replace(street_id=int(key))
    if by == "section":
        return query.replace(section=str(key))
    if by == "division":
        return query.replace(section=sections_of(str(key)) or query.section, division=str(key))
    return query.replace(size_class=str(key))


# --- trend ----------------------------------------------------------------------------


def trend(user, query: Query, quarters: int = 12) -> list[Cell]:
    """One cell per quarter, the `quarters` quarters ending at the query's, oldest first:
    single-quarter figures, or (cumulative) each quarter's year to date."""
    reader = _Reader(user)
    wanted = [shift(query.year, query.quarter, -k) for k in range(quarters - 1, -1, -1)]
    if reader.nothing:
        return []
    rows = reader.rows(query, "year BETWEEN %s AND %s", [wanted[0][0], query.year])
    cells = []
    for year, quarter in wanted:
        first = 1 if query.cumulative else quarter
        found = _combine(rows, year, quarter, first).get(0)
        figures, flag = found or (_figures((0,) * 6), False)
        hidden = bool(figures["enterprises"]) and reader.hidden(query, year, quarter, flag)
        if hidden:
            figures = dict(NONE)
        cells.append(
            Cell(
                key=f"{year}Q{quarter}",
                label=period_label(year, quarter, query.cumulative),
                suppressed=hidden,
                query=query.replace(year=year, quarter=quarter),
                **figures,
            )
        )
    return cells


# --- top ------------------------------------------------------------------------------


def top(user, query: Query, metric: str, n: int = 20) -> list[TopRow]:
    """The n enterprises of the query with the largest revenue or tax (year to date when
    cumulative). Only for grades that see records."""
    if metric not in METRICS:
        raise ValueError(f"top by {metric!r}: one of {METRICS}")
    if getattr(user, "grade", Grade.NONE) < Grade.RECORDS:
        raise PermissionDenied
    reader = _Reader(user)
    if reader.nothing:
        return []
    column = f"{metric}_ytd" if query.cumulative and query.quarter > 1 else metric
    facts = Fact.objects.filter(year=query.year, quarter=query.quarter).exclude(
        **{f"{column}__isnull": True}
    )
    if reader.street_ids is not None:
        facts = facts.filter(street_id__in=reader.street_ids)
    for name, value in (
        ("street_id", query.street_id),
        ("section", query.section),
        ("division", query.division),
        ("size_class", query.size_class),
    ):
        if value:
            facts = facts.filter(**{name: value})
    if query.members_only:
        facts = facts.filter(member_status=MemberStatus.MEMBER)
    ytd = query.cumulative and query.quarter > 1
    rows = list(
        facts.order_by(f"-{column}", "enterprise_id").values_list(
            "enterprise_id",
            "street_id",
            "section",
            "revenue_ytd" if ytd else "revenue",
            "tax_ytd" if ytd else "tax",
        )[:n]
    )
    names = dict(
        Enterprise.objects.in_scope(user)
        .filter(pk__in=[r[0] for r in rows])
        .values_list("pk", "name")
    )
    streets = street_names()
    out = []
    for pk, street_id, section, revenue, tax in rows:
        if pk not in names:  # deleted, or moved out of scope since the last refresh
            continue
        value = revenue if metric == "revenue" else tax
        out.append(
            TopRow(
                rank=len(out) + 1,
                enterprise_id=pk,
                name=names[pk],
                street=streets.get(street_id, ""),
                section=section,
                value=_money(value),
                revenue=_money(revenue),
                tax=_money(tax),
            )
        )
    return out


__all__ = [
    "BREAKDOWNS",
    "METRICS",
    "Cell",
    "Figure",
    "Headline",
    "Query",
    "TopRow",
    "breakdown",
    "headline",
    "latest_period",
    "period_label",
    "top",
    "trend",
]
