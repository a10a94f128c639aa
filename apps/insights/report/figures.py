"""Every figure a report shows, read through apps.insights.selectors as its Viewer.

The result is plain JSON (Decimals as strings) and is stored with the report
(MonthlyReport.figures): the document, the appendix and next month's comparison are
all built from it, so what was sent can be shown again without recomputing.
"""

from decimal import Decimal

from django.utils import timezone

from apps.core.scoping import Grade
from apps.insights import selectors
from apps.insights.selectors import Query
from apps.registry.models import Street

from .viewer import Viewer

VERSION = 1
FIGURES = ("enterprises", "revenue", "tax", "employees", "profit", "rd")
TREND_QUARTERS = 12
TOP_N = 20


def _json(value):
    if value is None:
        return None
    if isinstance(value, Decimal):
        return str(value)
    return value


def number(value) -> Decimal | int | None:
    """A figure back from the snapshot: money as Decimal, counts as int."""
    if value is None or isinstance(value, int):
        return value
    return Decimal(value)


def _headline(result) -> dict:
    return {
        "suppressed": result.suppressed,
        "previous_suppressed": result.previous_suppressed,
        "figures": {
            name: {
                "value": _json(figure.value),
                "previous": _json(figure.previous),
                "change": _json(figure.change),
            }
            for name, figure in result.figures()
        },
    }


def _cell(cell) -> dict:
    return {
        "key": cell.key,
        "label": cell.label,
        "suppressed": cell.suppressed,
        **{name: _json(getattr(cell, name)) for name in FIGURES},
    }


def _change(value, previous) -> str | None:
    if value is None or previous in (None, 0):
        return None
    value, previous = Decimal(value), Decimal(previous)
    return str(((value - previous) / abs(previous)).quantize(Decimal("0.0001")))


def _breakdown(viewer: Viewer, query: Query, by: str) -> list[dict]:
    """The cells of `by`, each with revenue and tax a year earlier and their change."""
    before = {cell.key: cell for cell in selectors.breakdown(viewer, query.a_year_earlier, by)}
    rows = []
    for cell in selectors.breakdown(viewer, query, by):
        row = _cell(cell)
        old = before.get(cell.key)
        for name in ("revenue", "tax"):
            previous = None if old is None or old.suppressed else getattr(old, name)
            row[f"{name}_previous"] = _json(previous)
            row[f"{name}_change"] = _change(getattr(cell, name), previous)
        rows.append(row)
    return rows


def _top(viewer: Viewer, query: Query, metric: str) -> list[dict]:
    return [
        {
            "rank": row.rank,
            "name": row.name,
            "street": row.street,
            "section": row.section,
            "revenue": _json(row.revenue),
            "tax": _json(row.tax),
        }
        for row in selectors.top(viewer, query, metric, n=TOP_N)
    ]


def collect(*, year: int, quarter: int, street_id: int | None, detail: int) -> dict:
    """The figures of the report of (year, quarter) for a scope at a detail grade."""
    viewer = Viewer(street_id=street_id, grade=detail)
    single = Query(year=year, quarter=quarter)
    ytd = single.replace(cumulative=True)
    scope = Street.objects.get(pk=street_id).short_name if street_id else ""
    records = detail >= Grade.RECORDS
    return {
        "version": VERSION,
        "year": year,
        "quarter": quarter,
        "street_id": street_id,
        "street": scope,
        "detail": detail,
        "taken_at": timezone.now().isoformat(),
        "quarter_headline": _headline(selectors.headline(viewer, single)),
        "ytd_headline": _headline(selectors.headline(viewer, ytd)),
        "by_street": _breakdown(viewer, ytd, "street") if street_id is None else [],
        "by_section": _breakdown(viewer, ytd, "section"),
        "by_size": _breakdown(viewer, ytd, "size"),
        "trend": [_cell(c) for c in selectors.trend(viewer, single, quarters=TREND_QUARTERS)],
        "top_revenue": _top(viewer, ytd, "revenue") if records else [],
        "top_tax": _top(viewer, ytd, "tax") if records else [],
    }


def since_previous(figures: dict, previous: dict | None) -> dict | None:
    """What changed since the previous report of the same quarter and scope (its
    year-to-date enterprises and revenue), or None without a comparable one."""
    if not previous or previous.get("version") != VERSION:
        return None
    now, before = (f["ytd_headline"]["figures"] for f in (figures, previous))
    if any(
        f["ytd_headline"]["suppressed"] or f["ytd_headline"]["figures"]["revenue"]["value"] is None
        for f in (figures, previous)
    ):
        return None
    return {
        "taken_at": previous["taken_at"],
        "enterprises": number(now["enterprises"]["value"]) - number(before["enterprises"]["value"]),
        "revenue": str(number(now["revenue"]["value"]) - number(before["revenue"]["value"])),
    }
