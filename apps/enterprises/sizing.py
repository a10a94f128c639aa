"""Enterprise size class by the 2017 statistical method (国统字〔2017〕213号).

For the enterprise's industry group, an enterprise is large, medium or small
only if it reaches the lower bound of *every* indicator listed for that tier;
otherwise it drops one tier; below small on any one indicator is micro. A
missing indicator gives "unknown", never a guess; so does an industry the method
does not cover (金融业).

Figures: revenue is the sum of the latest four quarters (all four needed);
employees and total assets are the latest period-end values.
"""

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
