from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.enterprises.services import FIGURES

from .querysets import (
    CampaignQuerySet,
    FilingQuerySet,
    FilingReviewQuerySet,
    FilingSubmissionQuerySet,
    ReminderQuerySet,
)

# The indicators a campaign may ask: the figures of the economic ledger, in ledger order.
INDICATORS = tuple(FIGURES)
# Whole numbers; every other indicator is 万元 with 2 decimals.
COUNT_INDICATORS = frozenset({"employees"})


# Short names: the unit is shown beside each figure (万元, 人).
INDICATOR_LABELS = {
    "revenue": _("Revenue"),
    "profit": _("Total profit"),
    "tax": _("Total tax"),
    "rd_expense": _("R&D expense"),
    "employees": _("Employees"),
    "total_assets": _("Total assets"),
}


def indicator_label(name: str) -> str:
    return str(INDICATOR_LABELS[name])


def indicator_choices() -> list[tuple[str, str]]:
    return [(name, indicator_label(name)) for name in INDICATORS]


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class TargetKind(models.TextChoices):
    FILTER = "filter", _("Enterprises matching a filter")
    LIST = "list", _("A list of credit codes")


# The keys a target filter may hold; each value is a list (any of them matches).
TARGET_FILTER_KEYS = ("streets", "sections", "size_classes", "tags", "member_statuses")


class Campaign(models.Model):
    """填报任务: staff ask enterprises for one quarter's figures by a deadline."""

    year = models.PositiveSmallIntegerField(_("Year"))
    quarter = models.PositiveSmallIntegerField(_("Quarter"))
    title = models.CharField(_("Title"), max_length=100)
    deadline = models.DateField(_("Deadline"))
    indicators = models.JSONField(_("Indicators asked"), default=list)
    target_kind = models.CharField(
        _("Target enterprises"), max_length=10, choices=TargetKind.choices
    )
    # {"streets": [street ids], "sections": ["I"], "size_classes": [...], "tags": [ids],
    #  "member_statuses": [...]}: an empty or missing key does not narrow.
    target_filter = models.JSONField(_("Target filter"), default=dict, blank=True)
    target_codes = models.JSONField(_("Target credit codes"), default=list, blank=True)
    target_file_name = models.CharField(_("Uploaded list"), max_length=255, blank=True)
    status = models.CharField(
        _("Status"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("Created at"), auto_now_add=True)
    opened_at = models.DateTimeField(_("Opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("Closed at"), null=True, blank=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("Filing campaign")
        verbose_name_plural = _("Filing campaigns")
        ordering = ["-year", "-quarter", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4), name="campaign_quarter_1_4"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        unknown = [name for name in self.indicators or [] if name not in INDICATORS]
        if unknown or not self.indicators:
            raise ValidationError(
                {"indicators": _("Choose at least one indicator of the economic ledger.")}
            )
        if self.quarter not in (1, 2, 3, 4):
            raise ValidationError({"quarter": _("The quarter must be 1, 2, 3 or 4.")})
        bad_keys = set(self.target_filter or {}) - set(TARGET_FILTER_KEYS)
        if bad_keys:
            raise ValidationError({"target_filter": f"unknown filter keys: {sorted(bad_keys)}"})

    @property
    def period_label(self) -> str:
        return f"{self.year} Q{self.quarter}"

    def ordered_indicators(self) -> list[str]:
        """The indicators asked, in ledger order."""
        return [name for name in INDICATORS if name in (self.indicators or [])]


class FilingStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted, awaiting review")
    RETURNED = "returned", _("Returned for correction")
    APPROVED = "approved", _("Approved")


# Not (yet) filed: what reminders chase and what "overdue" counts. A filing that was
# approved once and is being corrected has figures on the ledger and is not chased.
UNFILED_STATUSES = (FilingStatus.NOT_STARTED, FilingStatus.DRAFT, FilingStatus.RETURNED)


class Filing(models.Model):
    """企业填报: one enterprise's report for one campaign (made when the campaign opens)."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("Campaign"), on_delete=models.CASCADE, related_name="filings"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("Enterprise"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    # Copied from the enterprise when the campaign opens: the 街乡 that reviews it.
    street = models.ForeignKey(
        "registry.Street", verbose_name=_("Street"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("Status"), max_length=12, choices=FilingStatus.choices, default=FilingStatus.NOT_STARTED
    )
    # {indicator: "123.45"}: decimals kept as text so nothing is rounded through floats.
    values = models.JSONField(_("Figures"), default=dict, blank=True)
    # {rule: comment}: the warnings the enterprise confirmed, with its explanation.
    confirmations = models.JSONField(_("Confirmed warnings"), default=dict, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    submitted_at = models.DateTimeField(_("Submitted at"), null=True, blank=True)
    late = models.BooleanField(_("Submitted after the deadline"), default=False)
    approved_at = models.DateTimeField(_("Approved at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("Updated at"), auto_now=True)

    objects = FilingQuerySet.as_manager()

    class Meta:
        verbose_name = _("Filing")
        verbose_name_plural = _("Filings")
        ordering = ["campaign", "enterprise__name", "id"]
        permissions = [
            ("fill_filing", _("Fill in the own enterprise's filings")),
            ("review_filing", _("Review filings")),
            ("export_filing", _("Export filing lists")),
            ("remind_filing", _("Send filing reminders")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "enterprise"], name="filing_one_per_campaign"
            )
        ]
        indexes = [
            models.Index(fields=["campaign", "street", "status"], name="filing_progress_idx"),
            models.Index(fields=["status", "street"], name="filing_queue_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.campaign}"

    @property
    def is_open_for_edit(self) -> bool:
        return self.campaign.status == CampaignStatus.OPEN and self.status in (
            FilingStatus.NOT_STARTED,
            FilingStatus.DRAFT,
            FilingStatus.RETURNED,
        )


class FilingSubmission(models.Model):
    """填报记录: the figures as submitted once (every submission is kept, with a receipt)."""

    filing = models.ForeignKey(
        Filing, verbose_name=_("Filing"), on_delete=models.CASCADE, related_name="submissions"
    )
    revision = models.PositiveSmallIntegerField(_("Revision"))
    receipt_no = models.CharField(_("Receipt number"), max_length=40, unique=True)
    values = models.JSONField(_("Figures"), default=dict)
    confirmations = models.JSONField(_("Confirmed warnings"), default=dict, blank=True)
    late = models.BooleanField(_("Submitted after the deadline"), default=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Submitted by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("Submitted at"))

    objects = FilingSubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("Filing submission")
        verbose_name_plural = _("Filing submissions")
        ordering = ["filing", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["filing", "revision"], name="filing_submission_revision"
            )
        ]

    def __str__(self) -> str:
        return self.receipt_no


class ReviewDecision(models.TextChoices):
    APPROVE = "approve", _("Approved")
    RETURN = "return", _("Returned")


class FilingReview(models.Model):
    """审核记录: a reviewer's decision on one submission."""

    filing = models.ForeignKey(
        Filing, verbose_name=_("Filing"), on_delete=models.CASCADE, related_name="reviews"
    )
    submission = models.ForeignKey(
        FilingSubmission,
        verbose_name=_("Submission"),
        on_delete=models.CASCADE,
        related_name="reviews",
    )
    decision = models.CharField(_("Decision"), max_length=10, choices=ReviewDecision.choices)
    comment = models.CharField(_("Comment"), max_length=500, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Reviewed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("Reviewed at"))

    objects = FilingReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("Filing review")
        verbose_name_plural = _("Filing reviews")
        ordering = ["filing", "-reviewed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.submission} {self.get_decision_display()}"


class ReminderStage(models.TextChoices):
    BEFORE_DEADLINE = "before", _("Before the deadline")
    OVERDUE = "overdue", _("Overdue")
    MANUAL = "manual", _("Sent by hand")


class Reminder(models.Model):
    """催报记录: one reminder to one enterprise about one campaign."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("Campaign"), on_delete=models.CASCADE, related_name="reminders"
    )
    filing = models.ForeignKey(
        Filing, verbose_name=_("Filing"), on_delete=models.CASCADE, related_name="reminders"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("Enterprise"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    street = models.ForeignKey(
        "registry.Street", verbose_name=_("Street"), on_delete=models.PROTECT, related_name="+"
    )
    stage = models.CharField(_("Stage"), max_length=10, choices=ReminderStage.choices)
    # Messages queued: one per user and channel, or one SMS to the registry phone; 0 when
    # the enterprise could not be reached (no account and no phone).
    channel_count = models.PositiveSmallIntegerField(_("Messages sent"), default=0)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Sent by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("Sent at"))

    objects = ReminderQuerySet.as_manager()

    class Meta:
        verbose_name = _("Reminder")
        verbose_name_plural = _("Reminders")
        ordering = ["-sent_at", "-id"]
        constraints = [
            # The scheduled stages reach an enterprise at most once per campaign.
            models.UniqueConstraint(
                fields=["filing", "stage"],
                condition=models.Q(stage__in=["before", "overdue"]),
                name="reminder_once_per_stage",
            )
        ]
        indexes = [models.Index(fields=["campaign", "street"], name="reminder_campaign_idx")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.get_stage_display()}"
