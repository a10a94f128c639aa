from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .querysets import (
    EnterpriseNoteQuerySet,
    EnterpriseQuerySet,
    ImportJobQuerySet,
    LedgerEntryQuerySet,
    LedgerFlagQuerySet,
)

MONEY = {"max_digits": 16, "decimal_places": 2, "null": True, "blank": True}


class RegistrationType(models.TextChoices):
    """登记注册类型, grouped as the FIC counts them."""

    PRIVATE = "private", _("Private enterprise")
    INDIVIDUAL = "individual", _("Individual business")
    HMT = "hmt", _("Hong Kong, Macao or Taiwan invested")
    FOREIGN = "foreign", _("Foreign invested")
    MIXED_PRIVATE = "mixed_private", _("Mixed ownership, not state-controlled")
    STATE = "state", _("State-owned")
    COLLECTIVE = "collective", _("Collective")
    MIXED_STATE = "mixed_state", _("Mixed ownership, state-controlled")
    OTHER = "other", _("Other")


# 非公有制: what the private-economy database counts.
NON_PUBLIC_TYPES = frozenset(
    {
        RegistrationType.PRIVATE,
        RegistrationType.INDIVIDUAL,
        RegistrationType.HMT,
        RegistrationType.FOREIGN,
        RegistrationType.MIXED_PRIVATE,
    }
)


class SizeClass(models.TextChoices):
    LARGE = "large", _("Large")
    MEDIUM = "medium", _("Medium")
    SMALL = "small", _("Small")
    MICRO = "micro", _("Micro")
    UNKNOWN = "unknown", _("Unknown")


class Status(models.TextChoices):
    ACTIVE = "active", _("In operation")
    DEREGISTERED = "deregistered", _("Deregistered")
    MOVED_OUT = "moved_out", _("Moved out")


class MemberStatus(models.TextChoices):
    NONE = "none", _("Not a member")
    APPLICANT = "applicant", _("Applying")
    MEMBER = "member", _("Member")


class Enterprise(models.Model):
    """企业: an enterprise of the district, keyed by its unified social credit code."""

    uscc = models.CharField(_("Unified social credit code"), max_length=18, unique=True)
    name = models.CharField(_("Enterprise name"), max_length=200)
    former_names = models.JSONField(_("Former names"), default=list, blank=True)
    street = models.ForeignKey(
        "registry.Street",
        verbose_name=_("Street"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # the composite indexes below all start with street
    )
    industry = models.ForeignKey(
        "registry.Industry", verbose_name=_("Industry"), on_delete=models.PROTECT, related_name="+"
    )
    # Derived from the industry and kept here because district-scale lists filter on them.
    section = models.CharField(_("Section"), max_length=1, editable=False)
    division = models.CharField(_("Division"), max_length=2, editable=False)
    registration_type = models.CharField(
        _("Registration type"),
        max_length=20,
        choices=RegistrationType.choices,
        default=RegistrationType.PRIVATE,
    )
    established = models.DateField(_("Established"), null=True, blank=True)
    registered_capital = models.DecimalField(_("Registered capital (10k yuan)"), **MONEY)
    legal_representative = models.CharField(_("Legal representative"), max_length=50, blank=True)
    address = models.CharField(_("Registered address"), max_length=200, blank=True)
    contact_phone = models.CharField(_("Contact phone"), max_length=30, blank=True)
    tags = models.ManyToManyField(
        "registry.DictionaryItem",
        verbose_name=_("Tags"),
        blank=True,
        related_name="+",
        limit_choices_to={"kind": "enterprise_tag"},
    )
    member_status = models.CharField(
        _("Member status"), max_length=20, choices=MemberStatus.choices, default=MemberStatus.NONE
    )
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    # Recomputed whenever the ledger changes (filtering needs it stored). Deliberately not
    # indexed (five values; lists filter it with the street): refreshes stay HOT updates.
    size_class = models.CharField(
        _("Size class"),
        max_length=10,
        choices=SizeClass.choices,
        default=SizeClass.UNKNOWN,
        editable=False,
    )
    # Search helpers kept by services: name/former-name bigrams and pinyin initials.
    search_grams = models.TextField(default="", blank=True, editable=False)
    name_initials = models.CharField(max_length=200, default="", blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("Created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("Updated at"), auto_now=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("Enterprise")
        verbose_name_plural = _("Enterprises")
        ordering = ["name", "id"]
        permissions = [
            ("import_enterprise", _("Import enterprises and ledger")),
            ("export_enterprise", _("Export enterprises and ledger")),
        ]
        # Explicit indexes only: db_index on a CharField also makes a `_like` index on
        # PostgreSQL, and every index slows the bulk updates of imports. The unique
        # uscc gets a pattern-ops index of its own, which serves credit-code prefixes.
        indexes = [
            models.Index(fields=["name", "id"], name="ent_name_idx"),
            models.Index(fields=["street", "name", "id"], name="ent_street_name_idx"),
            models.Index(fields=["street", "section"], name="ent_street_section_idx"),
            models.Index(fields=["section", "division"], name="ent_section_division_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_non_public(self) -> bool:
        return self.registration_type in NON_PUBLIC_TYPES


class LedgerSource(models.TextChoices):
    IMPORT = "import", _("Import")
    FILING = "filing", _("Filing")
    MANUAL = "manual", _("Manual entry")


class LedgerEntry(models.Model):
    """经济台帐: one enterprise's figures for one quarter (single-quarter values)."""

    # No index of its own: the unique (enterprise, year, quarter) constraint leads with it,
    # and every index costs each imported row (a sixth of the ledger's insert cost).
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("Enterprise"),
        on_delete=models.CASCADE,
        related_name="ledger",
        db_index=False,
    )
    year = models.PositiveSmallIntegerField(_("Year"))
    quarter = models.PositiveSmallIntegerField(_("Quarter"))
    revenue = models.DecimalField(_("Revenue (10k yuan)"), **MONEY)
    profit = models.DecimalField(_("Total profit (10k yuan)"), **MONEY)
    tax = models.DecimalField(_("Total tax (10k yuan)"), **MONEY)
    rd_expense = models.DecimalField(_("R&D expense (10k yuan)"), **MONEY)
    employees = models.PositiveIntegerField(_("Employees at period end"), null=True, blank=True)
    total_assets = models.DecimalField(_("Total assets at period end (10k yuan)"), **MONEY)
    source = models.CharField(_("Source"), max_length=10, choices=LedgerSource.choices)
    # Who wrote the row, for display: nothing looks rows up by it, so no index, and no
    # database constraint (accounts are deactivated, never deleted; Django's SET_NULL still
    # runs should one be). Each cost every imported row an index insertion or a trigger:
    # together a sixth of the database's work in a large import (decision 0016).
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    updated_at = models.DateTimeField(_("Updated at"), auto_now=True)

    objects = LedgerEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("Ledger entry")
        verbose_name_plural = _("Ledger entries")
        ordering = ["enterprise", "-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year", "quarter"], name="ledger_one_row_per_quarter"
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4), name="ledger_quarter_1_4"
            ),
        ]
        indexes = [models.Index(fields=["year", "quarter"], name="ledger_period_idx")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}Q{self.quarter}"


class EnterpriseNote(models.Model):
    """企业纪事: a dated note in an enterprise's journal."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("Enterprise"), on_delete=models.CASCADE, related_name="notes"
    )
    date = models.DateField(_("Date"))
    text = models.TextField(_("Note"), max_length=2000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("Created at"), auto_now_add=True)

    objects = EnterpriseNoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("Journal note")
        verbose_name_plural = _("Journal notes")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.date} {self.text[:20]}"


class QualityRule(models.TextChoices):
    TAX_ABOVE_REVENUE = "tax_above_revenue", _("Tax above revenue")
    QOQ_JUMP = "qoq_jump", _("Quarter-on-quarter change beyond the limit")
    YOY_JUMP = "yoy_jump", _("Year-on-year change beyond the limit")
    NO_EMPLOYEES = "no_employees", _("Revenue with no employees")
    NEGATIVE_REVENUE = "negative_revenue", _("Negative revenue")
    NOT_BEIJING = "not_beijing", _("Credit code not registered in Beijing")


class LedgerFlag(models.Model):
    """数据质量标记: a rule found a ledger row suspicious; staff confirm it with a reason."""

    entry = models.ForeignKey(
        LedgerEntry, verbose_name=_("Ledger entry"), on_delete=models.CASCADE, related_name="flags"
    )
    rule = models.CharField(_("Rule"), max_length=30, choices=QualityRule.choices)
    detail = models.CharField(_("Detail"), max_length=200, blank=True)
    confirmed = models.BooleanField(_("Confirmed"), default=False, db_index=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("Confirmed at"), null=True, blank=True)
    reason = models.CharField(_("Reason for confirming"), max_length=200, blank=True)

    objects = LedgerFlagQuerySet.as_manager()

    class Meta:
        verbose_name = _("Data quality flag")
        verbose_name_plural = _("Data quality flags")
        permissions = [("confirm_ledgerflag", _("Confirm data quality flags"))]
        ordering = ["-entry__year", "-entry__quarter", "id"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "rule"], name="ledger_flag_once_per_rule")
        ]

    def __str__(self) -> str:
        return f"{self.entry} {self.get_rule_display()}"


class ImportKind(models.TextChoices):
    ROSTER = "roster", _("Enterprise roster")
    LEDGER = "ledger", _("Economic ledger")


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    VALIDATING = "validating", _("Validating")
    INVALID = "invalid", _("Has errors")
    VALIDATED = "validated", _("Ready to import")
    APPLYING = "applying", _("Importing")
    APPLIED = "applied", _("Imported")
    FAILED = "failed", _("Failed")


class ImportJob(models.Model):
    """导入任务: one uploaded file on its way through validate → preview → apply."""

    # Uploads nobody finished are given up and their files deleted after a day
    # (apps/enterprises/imports/sweep.py).
    UNFINISHED_STATUSES = (
        ImportStatus.UPLOADED,
        ImportStatus.VALIDATING,
        ImportStatus.INVALID,
        ImportStatus.VALIDATED,
        ImportStatus.APPLYING,
    )
    GIVEN_UP_STATUS = ImportStatus.FAILED

    kind = models.CharField(_("Kind"), max_length=10, choices=ImportKind.choices)
    status = models.CharField(
        _("Status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    original_name = models.CharField(_("File name"), max_length=255)
    # A random name under MEDIA_ROOT/imports, never the uploaded name.
    stored_path = models.CharField(max_length=255, editable=False)
    size = models.PositiveBigIntegerField(_("Size (bytes)"))
    digest = models.CharField(_("File digest"), max_length=64)
    total_rows = models.PositiveIntegerField(_("Rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("Rows processed"), default=0)
    error_count = models.PositiveIntegerField(_("Errors"), default=0)
    # The first errors, for the page; the full list is in the downloadable report.
    errors = models.JSONField(default=list, blank=True)
    new_count = models.PositiveIntegerField(_("New records"), default=0)
    changed_count = models.PositiveIntegerField(_("Changed records"), default=0)
    unchanged_count = models.PositiveIntegerField(_("Unchanged records"), default=0)
    message = models.CharField(_("Message"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("Uploaded at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("Finished at"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("Import job")
        verbose_name_plural = _("Import jobs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.original_name}"


class ChangeMark(models.Model):
    """变更标记: one row per committed transaction that wrote a table the enterprise list
    shows (written by PostgreSQL statement triggers, migration 0005). The sum of their
    weights only grows, and grows exactly when such a transaction commits, so it versions
    the list's cached pages (listcache.py); compaction folds rows into one, keeping the sum."""

    txid = models.BigIntegerField(primary_key=True)
    weight = models.BigIntegerField(default=1)

    class Meta:
        verbose_name = _("Change mark")
        verbose_name_plural = _("Change marks")

    def __str__(self) -> str:
        return f"{self.txid}+{self.weight}"
