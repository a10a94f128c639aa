"""Enterprise size class by the 2017 statistical method (国统字〔2017〕213号).

For the enterprise's industry group, an enterprise is large, medium or small
only if it reaches the lower bound of *every* indicator listed for that tier;
otherwise it drops one tier; below small on any one indicator is micro. A
missing indicator gives "unknown", never a guess; so does an industry the method
does not cover (金融业).

Figures: revenue is the sum of the latest four quarters (all four needed);
employees and total assets are the latest period-end values.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from .models import SizeClass

TIERS = [
    (SizeClass.LARGE, "large_min"),
    (SizeClass.MEDIUM, "medium_min"),
    (SizeClass.SMALL, "small_min"),
]


@dataclass(frozen=True)
class Figures:
    revenue: Decimal | None  # annual, 万元
    employees: int | None
    total_assets: Decimal | None  # 万元


def _decimal(value) -> Decimal | None:
    # PostgreSQL gives Decimal; SQLite's raw cursor gives int or float, which must not
    # reach a threshold comparison as a binary fraction (0.1 + 0.2 != 0.3).
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def figures_from_rows(rows: Iterable[Sequence]) -> Figures:
    """The figures the size class is computed from, out of an enterprise's ledger rows.

    `rows` are (year, quarter, revenue, employees, total_assets), latest quarter first;
    only the first four are looked at. Revenue is the sum of the latest four quarters
    and only when they are four consecutive quarters all with a revenue (a gap or an
    empty cell gives None: never guessed); employees and total assets are the latest
    quarter's period-end values. Pure: used by services.latest_figures (one enterprise)
    and by the import's bulk refresh, so both give the same answer.
    """
    latest4 = []
    for row in rows:
        latest4.append(row)
        if len(latest4) == 4:
            break
    if not latest4:
        return Figures(None, None, None)
    year, quarter, _revenue, employees, total_assets = latest4[0]
    top = year * 4 + quarter
    consecutive = len(latest4) == 4 and all(
        r[0] * 4 + r[1] == top - i for i, r in enumerate(latest4)
    )
    revenue = None
    if consecutive and all(r[2] is not None for r in latest4):
        revenue = sum((_decimal(r[2]) for r in latest4), Decimal(0))
    return Figures(revenue, employees, _decimal(total_assets))


@lru_cache(maxsize=1)
def _thresholds() -> dict[str, dict[str, dict[str, Decimal]]]:
    from apps.registry.models import SizeThreshold

    table: dict[str, dict[str, dict[str, Decimal]]] = {}
    for t in SizeThreshold.objects.all():
        table.setdefault(t.group, {})[t.indicator] = {
            "large_min": t.large_min,
            "medium_min": t.medium_min,
            "small_min": t.small_min,
        }
    return table


@lru_cache(maxsize=4096)
def _group_for(industry_code: str) -> str | None:
    from apps.registry.loaders import match_size_group

    return match_size_group(industry_code, _rules())


@lru_cache(maxsize=1)
def _rules():
    from apps.registry.loaders import size_threshold_rules

    return size_threshold_rules()


def clear_caches() -> None:
    _thresholds.cache_clear()
    _group_for.cache_clear()
    _rules.cache_clear()


def classify(industry_code: str, figures: Figures) -> str:
    group = _group_for(industry_code)
    if group is None:
        return SizeClass.UNKNOWN
    indicators = _thresholds().get(group, {})
    values = {
        "revenue": figures.revenue,
        "employees": figures.employees,
        "total_assets": figures.total_assets,
    }
    needed = {name: values[name] for name in indicators}
    if not needed or any(value is None for value in needed.values()):
        return SizeClass.UNKNOWN
    for tier, bound in TIERS:
        if all(Decimal(needed[name]) >= indicators[name][bound] for name in needed):
            return tier
    return SizeClass.MICRO
