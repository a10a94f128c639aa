from django.db import models
from django.utils.translation import gettext_lazy as _

SUM = {"max_digits": 20, "decimal_places": 2, "default": 0}

# The key of a summary row, in table order.
KEY_FIELDS = (
    "year",
    "quarter",
    "street_id",
    "section",
    "division",
    "size_class",
    "non_public",
    "member_status",
)
# The additive ledger figures a summary row sums (single-quarter values).
FLOW_FIGURES = ("revenue", "profit", "tax", "rd_expense")
# Period-end figures: summed over enterprises, never over quarters.
STOCK_FIGURES = ("employees", "total_assets")
FIGURES = FLOW_FIGURES + STOCK_FIGURES


class Summary(models.Model):
    """汇总数据: the economic ledger pre-aggregated by quarter, 街乡, industry, size class,
    non-public flag and member status. Kept from the ledger by summary.py; the dashboard,
    the big screen and the reports read it through the Rollup built from it."""

    year = models.PositiveSmallIntegerField(_("Year"))
    quarter = models.PositiveSmallIntegerField(_("Quarter"))
    street = models.ForeignKey(
        "registry.Street",
        verbose_name=_("Street"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # the period index below covers reads by street
    )
    section = models.CharField(_("Section"), max_length=1)
    division = models.CharField(_("Division"), max_length=2)
    size_class = models.CharField(_("Size class"), max_length=10)
    non_public = models.BooleanField(_("Non-public"))
    member_status = models.CharField(_("Member status"), max_length=20)
    # Enterprises with a ledger row for the quarter. Signed: a refresh adds differences,
    # negative ones too, through an upsert whose proposed row must pass the checks.
    enterprises = models.IntegerField(_("Enterprises"), default=0)
    revenue = models.DecimalField(_("Revenue (10k yuan)"), **SUM)
    profit = models.DecimalField(_("Total profit (10k yuan)"), **SUM)
    tax = models.DecimalField(_("Total tax (10k yuan)"), **SUM)
    rd_expense = models.DecimalField(_("R&D expense (10k yuan)"), **SUM)
    employees = models.BigIntegerField(_("Employees at period end"), default=0)
    total_assets = models.DecimalField(_("Total assets at period end (10k yuan)"), **SUM)

    class Meta:
        verbose_name = _("Summary row")
        verbose_name_plural = _("Summary rows")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "year",
                    "quarter",
                    "street",
                    "section",
                    "division",
                    "size_class",
                    "non_public",
                    "member_status",
                ],
                name="insights_summary_key",
            )
        ]
        indexes = [
            models.Index(fields=["year", "quarter", "street"], name="insights_summary_period_idx"),
            models.Index(fields=["street", "division"], name="insights_summary_slice_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.year}Q{self.quarter} {self.street_id}/{self.division}"


class Grain(models.IntegerChoices):
    """Which dimensions a rollup row is cut by (bits; the others are "every")."""

    STREET = 1
    SECTION = 2
    DIVISION = 4
    SIZE = 8
    MEMBER = 16


class Rollup(models.Model):
    """汇总立方: every total the dashboard can ask for, stored: the summary added up for each
    combination of 街乡 (or all), industry section or division (or all), size class (or all)
    and member or not (or all), per quarter. A dashboard figure is one row of it, a chart
    one index range. Kept from the summary's changes by summary.py."""

    year = models.PositiveSmallIntegerField(_("Year"))
    quarter = models.PositiveSmallIntegerField(_("Quarter"))
    grain = models.PositiveSmallIntegerField()
    street_id = models.BigIntegerField(default=0)  # 0: the whole scope
    industry = models.CharField(max_length=2, blank=True)  # "F" a section, "51" a division
    size_class = models.CharField(max_length=10, blank=True)
    member = models.CharField(max_length=6, blank=True)  # "member" / "other"
    enterprises = models.IntegerField(_("Enterprises"), default=0)
    revenue = models.DecimalField(_("Revenue (10k yuan)"), **SUM)
    profit = models.DecimalField(_("Total profit (10k yuan)"), **SUM)
    tax = models.DecimalField(_("Total tax (10k yuan)"), **SUM)
    rd_expense = models.DecimalField(_("R&D expense (10k yuan)"), **SUM)
    employees = models.BigIntegerField(_("Employees at period end"), default=0)
    total_assets = models.DecimalField(_("Total assets at period end (10k yuan)"), **SUM)
    # Suppressed for aggregates-only grades of district scope (suppression.py).
    hidden = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("Rollup row")
        verbose_name_plural = _("Rollup rows")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "grain",
                    "street_id",
                    "industry",
                    "size_class",
                    "member",
                    "year",
                    "quarter",
                ],
                name="insights_rollup_cell",
            )
        ]
        indexes = [
            models.Index(fields=["year", "quarter", "grain"], name="insights_rollup_period_idx")
        ]

    def __str__(self) -> str:
        return f"{self.year}Q{self.quarter} {self.grain} {self.street_id}/{self.industry}"


class SummarizedEnterprise(models.Model):
    """已汇总企业: the key each enterprise is counted under in the summary and its facts.
    An incremental refresh compares it with the enterprise as it is now: a changed 街乡,
    industry, size class or member status moves the enterprise's figures from the old key
    to the new one. Plain ids, no foreign keys: refreshes write it in bulk."""

    enterprise_id = models.BigIntegerField(primary_key=True)
    street_id = models.BigIntegerField()
    section = models.CharField(max_length=1)
    division = models.CharField(max_length=2)
    size_class = models.CharField(max_length=10)
    non_public = models.BooleanField()
    member_status = models.CharField(max_length=20)

    class Meta:
        verbose_name = _("Summarized enterprise")
        verbose_name_plural = _("Summarized enterprises")

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.street_id}/{self.division}"


class Fact(models.Model):
    """企业季度数据: one enterprise's ledger row for one quarter as the summary counts it,
    under its summary key, with its year-to-date revenue and tax. The summary is kept by
    adding each refreshed enterprise's new facts and taking away its old ones, and the top
    lists read it through the (period, figure) indexes instead of sorting the ledger."""

    pk = models.CompositePrimaryKey("enterprise_id", "year", "quarter")
    enterprise_id = models.BigIntegerField()
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    street_id = models.BigIntegerField()
    section = models.CharField(max_length=1)
    division = models.CharField(max_length=2)
    size_class = models.CharField(max_length=10)
    non_public = models.BooleanField()
    member_status = models.CharField(max_length=20)
    revenue = models.DecimalField(max_digits=16, decimal_places=2, null=True)
    profit = models.DecimalField(max_digits=16, decimal_places=2, null=True)
    tax = models.DecimalField(max_digits=16, decimal_places=2, null=True)
    rd_expense = models.DecimalField(max_digits=16, decimal_places=2, null=True)
    employees = models.BigIntegerField(null=True)
    total_assets = models.DecimalField(max_digits=16, decimal_places=2, null=True)
    revenue_ytd = models.DecimalField(max_digits=18, decimal_places=2, null=True)
    tax_ytd = models.DecimalField(max_digits=18, decimal_places=2, null=True)

    class Meta:
        verbose_name = _("Enterprise quarter")
        verbose_name_plural = _("Enterprise quarters")
        indexes = [
            models.Index(fields=["year", "quarter", "revenue"], name="insights_fact_revenue_idx"),
            models.Index(fields=["year", "quarter", "tax"], name="insights_fact_tax_idx"),
            models.Index(
                fields=["year", "quarter", "revenue_ytd"], name="insights_fact_revenue_ytd_idx"
            ),
            models.Index(fields=["year", "quarter", "tax_ytd"], name="insights_fact_tax_ytd_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.year}Q{self.quarter}"


class RefreshState(models.Model):
    """汇总状态: a single row: when the summary was last rebuilt or refreshed, the data
    version the last full rebuild saw, and whether a full rebuild is owed (the safety net's
    schedule does it within a minute)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    rebuilt_at = models.DateTimeField(_("Last full rebuild"), null=True, blank=True)
    refreshed_at = models.DateTimeField(_("Last refresh"), null=True, blank=True)
    data_version = models.CharField(max_length=200, blank=True)
    dirty = models.BooleanField(default=False)
    # Quarters whose enterprise counts changed since their suppression pattern was
    # computed ([year, quarter] pairs): computed on demand until the refresh task stores it.
    stale_patterns = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("Summary state")
        verbose_name_plural = _("Summary state")

    def __str__(self) -> str:
        return f"{self.refreshed_at}"


# Monthly reports, their subscriptions and the big screen's display tokens (report/).
from .models_report import DisplayToken, MonthlyReport, ReportSubscription  # noqa: E402, F401
