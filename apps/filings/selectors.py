"""Reads of the filings module: earlier figures for comparison, progress, chasing lists.

Every function that takes a user reads through ``in_scope(user)``; none widens it.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from apps.accounts.models import User, UserKind
from apps.core.scoping import ScopeKind
from apps.enterprises.models import LedgerEntry
from apps.registry.models import Street

from . import rules
from .models import (
    COUNT_INDICATORS,
    UNFILED_STATUSES,
    Campaign,
    Filing,
    FilingStatus,
    Reminder,
)


def previous_period(year: int, quarter: int) -> tuple[int, int]:
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


# --- The form: earlier figures ---------------------------------------------------------


@dataclass
class Comparison:
    """The ledger rows a filing is compared with (any may be missing)."""

    current: LedgerEntry | None  # the ledger row of the campaign's own period, if any
    previous: LedgerEntry | None  # the quarter before
    last_year: LedgerEntry | None  # the same quarter a year earlier
    previous_label: str = ""
    last_year_label: str = ""

    @staticmethod
    def period(entry: LedgerEntry | None) -> rules.Period | None:
        if entry is None:
            return None
        return rules.Period(
            year=entry.year,
            quarter=entry.quarter,
            revenue=entry.revenue,
            tax=entry.tax,
            employees=entry.employees,
        )

    def warnings(self, values: dict, *, year: int, quarter: int) -> list[rules.QualityWarning]:
        return rules.warnings_for(
            values,
            year=year,
            quarter=quarter,
            previous=self.period(self.previous),
            last_year=self.period(self.last_year),
        )


def comparison_for(filing: Filing) -> Comparison:
    year, quarter = filing.campaign.year, filing.campaign.quarter
    prev = previous_period(year, quarter)
    wanted = {(year, quarter), prev, (year - 1, quarter)}
    rows = {
        (e.year, e.quarter): e
        for e in LedgerEntry.objects.filter(enterprise_id=filing.enterprise_id).filter(
            Q(year=year, quarter=quarter)
            | Q(year=prev[0], quarter=prev[1])
            | Q(year=year - 1, quarter=quarter)
        )
        if (e.year, e.quarter) in wanted
    }
    return Comparison(
        current=rows.get((year, quarter)),
        previous=rows.get(prev),
        last_year=rows.get((year - 1, quarter)),
        previous_label=f"{prev[0]} Q{prev[1]}",
        last_year_label=f"{year - 1} Q{quarter}",
    )


# Figures at the end of a period carry over from the quarter before until the enterprise
# corrects them; figures for the quarter (revenue, tax …) are never guessed.
PERIOD_END = ("employees", "total_assets")


def prefill(filing: Filing, comparison: Comparison) -> dict[str, str]:
    """What the form shows before the enterprise types anything.

    The filing's own saved figures first; else the ledger's row for the period (an
    import from the tax office may have it already); else the period-end figures of
    the quarter before. See docs/decisions/0009-filings.md.
    """
    indicators = filing.campaign.ordered_indicators()
    if filing.values:
        return {name: filing.values.get(name, "") for name in indicators}
    values: dict[str, str] = {}
    for name in indicators:
        value = None
        if comparison.current is not None:
            value = getattr(comparison.current, name)
        elif name in PERIOD_END and comparison.previous is not None:
            value = getattr(comparison.previous, name)
        values[name] = "" if value is None else str(value)
    return values


def display(name: str, value) -> str:
    if value is None or value == "":
        return "—"
    return str(int(value)) if name in COUNT_INDICATORS else str(value)


# --- Who is told ------------------------------------------------------------------------


def enterprise_users(codes: Iterable[str]) -> dict[str, list[User]]:
    """The active accounts of these enterprises (by credit code), grouped by code."""
    found: dict[str, list[User]] = defaultdict(list)
    codes = sorted(set(codes))
    for start in range(0, len(codes), 500):
        users = User.objects.filter(
            is_active=True,
            kind=UserKind.ENTERPRISE,
            scope_kind=ScopeKind.ENTERPRISE,
            scope_uscc__in=codes[start : start + 500],
        ).order_by("pk")
        for user in users:
            found[user.scope_uscc].append(user)
    return found


def streets_with_officers() -> set[int]:
    """街乡 that have at least one active street officer to review their filings."""
    links = User.scope_streets.through.objects.filter(
        user__is_active=True,
        user__kind=UserKind.STREET_OFFICER,
        user__scope_kind=ScopeKind.STREETS,
    )
    return set(links.values_list("street_id", flat=True).distinct())


# --- Progress and chasing ---------------------------------------------------------------


def unfiled(queryset: QuerySet) -> QuerySet:
    """Filings not yet filed: never submitted, still a draft, or returned and not
    resubmitted (a correction of an approved filing has figures and is not chased)."""
    return queryset.filter(status__in=UNFILED_STATUSES, approved_at__isnull=True)


@dataclass
class ProgressRow:
    street: Street | None
    targets: int = 0
    submitted: int = 0  # ever submitted
    waiting: int = 0  # awaiting review now
    approved: int = 0
    returned: int = 0
    unfiled: int = 0
    overdue: int = 0
    # Exclusive states for the chart (they add up to the targets): a filing approved once
    # and being corrected stays "approved" until the correction is submitted.
    chart: dict[str, int] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return round(100 * self.submitted / self.targets, 1) if self.targets else 0.0

    def add(self, other: "ProgressRow") -> None:
        for name in ("targets", "submitted", "waiting", "approved", "returned", "unfiled"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.overdue += other.overdue
        for key, value in other.chart.items():
            self.chart[key] = self.chart.get(key, 0) + value


@dataclass
class Progress:
    rows: list[ProgressRow] = field(default_factory=list)
    total: ProgressRow = field(default_factory=lambda: ProgressRow(street=None))
    overdue: bool = False  # the deadline has passed


def campaign_progress(campaign: Campaign, user) -> Progress:
    """Completion by 街乡 of the filings this user may see (one grouped query)."""
    overdue = timezone.localdate() > campaign.deadline
    unfiled_q = Q(status__in=UNFILED_STATUSES, approved_at__isnull=True)
    grouped = (
        Filing.objects.in_scope(user)
        .filter(campaign=campaign)
        .values("street")
        .annotate(
            targets=Count("id"),
            submitted=Count("id", filter=Q(submitted_at__isnull=False)),
            waiting=Count("id", filter=Q(status=FilingStatus.SUBMITTED)),
            approved=Count("id", filter=Q(approved_at__isnull=False)),
            returned=Count("id", filter=Q(status=FilingStatus.RETURNED)),
            unfiled=Count("id", filter=unfiled_q),
            chart_approved=Count(
                "id", filter=Q(approved_at__isnull=False) & ~Q(status=FilingStatus.SUBMITTED)
            ),
            chart_returned=Count(
                "id", filter=Q(status=FilingStatus.RETURNED, approved_at__isnull=True)
            ),
            chart_not_filed=Count(
                "id",
                filter=Q(
                    status__in=[FilingStatus.NOT_STARTED, FilingStatus.DRAFT],
                    approved_at__isnull=True,
                ),
            ),
        )
        .order_by()
    )
    by_street = {row["street"]: row for row in grouped}
    streets = Street.objects.filter(pk__in=list(by_street)).order_by("code")
    progress = Progress(overdue=overdue)
    for street in streets:
        data = by_street[street.pk]
        row = ProgressRow(
            street=street,
            targets=data["targets"],
            submitted=data["submitted"],
            waiting=data["waiting"],
            approved=data["approved"],
            returned=data["returned"],
            unfiled=data["unfiled"],
            overdue=data["unfiled"] if overdue else 0,
            chart={
                "approved": data["chart_approved"],
                "waiting": data["waiting"],
                "returned": data["chart_returned"],
                "not_filed": data["chart_not_filed"],
            },
        )
        progress.rows.append(row)
        progress.total.add(row)
    return progress


def progress_chart(progress: Progress, labels: dict[str, str]) -> dict:
    """ECharts option: a stacked bar per 街乡 (approved, awaiting review, returned, not filed)."""
    names = [row.street.short_name for row in progress.rows]
    series = []
    for key, color in (
        ("approved", "#198754"),
        ("waiting", "#0d6efd"),
        ("returned", "#fd7e14"),
        ("not_filed", "#adb5bd"),
    ):
        data = [row.chart.get(key, 0) for row in progress.rows]
        series.append(
            {
                "name": labels[key],
                "type": "bar",
                "stack": "total",
                "barMaxWidth": 28,
                "itemStyle": {"color": color},
                "data": data,
            }
        )
    return {
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"top": 0},
        "grid": {"left": 8, "right": 16, "top": 40, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "value", "minInterval": 1},
        "yAxis": {"type": "category", "data": names, "inverse": True},
        "series": series,
    }


def unfiled_list(campaign: Campaign, user, *, street: int | None = None) -> QuerySet:
    """The enterprises of this campaign that have not filed, with their last reminder."""
    filings = unfiled(Filing.objects.in_scope(user).filter(campaign=campaign))
    if street:
        filings = filings.filter(street_id=street)
    return (
        filings.select_related("enterprise", "street")
        .annotate(
            last_reminded=Max("reminders__sent_at"),
            reminder_count=Count("reminders"),
        )
        .order_by("street__code", "enterprise__name", "id")
    )


def reminded_recently(campaign: Campaign, since) -> Exists:
    return Exists(
        Reminder.objects.filter(campaign=campaign, filing=OuterRef("pk"), sent_at__gte=since)
    )
