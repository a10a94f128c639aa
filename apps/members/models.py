from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .querysets import (
    ChamberActivityQuerySet,
    ChamberProfileQuerySet,
    DuesChargeQuerySet,
    DuesPaymentQuerySet,
    MemberImportQuerySet,
    MemberQuerySet,
    MemberStatusChangeQuerySet,
    PostHoldingQuerySet,
    TermQuerySet,
)

MONEY = {"max_digits": 12, "decimal_places": 2}


class MemberKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise member")
    GROUP = "group", _("Group member")
    PERSON = "person", _("Individual member")


class MemberStatus(models.TextChoices):
    """正式 → 暂停 → 退会 / 除名. Withdrawn and expelled are final."""

    ACTIVE = "active", _("Full member")
    SUSPENDED = "suspended", _("Suspended")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPELLED = "expelled", _("Expelled")


# Which status may follow which (the services refuse anything else).
STATUS_TRANSITIONS: dict[str, frozenset[str]] = {
    MemberStatus.ACTIVE: frozenset(
        {MemberStatus.SUSPENDED, MemberStatus.WITHDRAWN, MemberStatus.EXPELLED}
    ),
    MemberStatus.SUSPENDED: frozenset(
        {MemberStatus.ACTIVE, MemberStatus.WITHDRAWN, MemberStatus.EXPELLED}
    ),
    MemberStatus.WITHDRAWN: frozenset(),
    MemberStatus.EXPELLED: frozenset(),
}

# Members who still count: on the rolls, owe dues, may hold posts.
CURRENT_STATUSES = frozenset({MemberStatus.ACTIVE, MemberStatus.SUSPENDED})


class MemberSource(models.TextChoices):
    MANUAL = "manual", _("Entered by staff")
    IMPORT = "import", _("Roster import")
    APPLICATION = "application", _("Online application")


class Member(models.Model):
    """会员: a member of the FIC — an enterprise, a group (chamber or association) or a person."""

    number = models.CharField(_("Member number"), max_length=30, unique=True)
    kind = models.CharField(_("Member kind"), max_length=12, choices=MemberKind.choices)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("Enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # A group member that is one of the FIC's own chambers; other associations are named.
    chamber = models.ForeignKey(
        "registry.Chamber",
        verbose_name=_("Chamber"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    group_name = models.CharField(_("Association name"), max_length=100, blank=True)
    person_name = models.CharField(_("Name"), max_length=50, blank=True)
    person_mobile = models.CharField(_("Mobile"), max_length=20, blank=True)
    # Hook for the people module (人员库) when it exists: the person record's id.
    person_ref = models.PositiveIntegerField(_("Person record"), null=True, blank=True)
    contact_name = models.CharField(_("Contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("Contact phone"), max_length=30, blank=True)
    street = models.ForeignKey(
        "registry.Street",
        verbose_name=_("Street"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    chambers = models.ManyToManyField(
        "registry.Chamber",
        verbose_name=_("Chambers belonged to"),
        blank=True,
        related_name="members",
    )
    join_date = models.DateField(_("Join date"))
    status = models.CharField(
        _("Status"), max_length=12, choices=MemberStatus.choices, default=MemberStatus.ACTIVE
    )
    status_date = models.DateField(_("Status since"))
    source = models.CharField(
        _("Source"), max_length=12, choices=MemberSource.choices, default=MemberSource.MANUAL
    )
    directory_opt_in = models.BooleanField(_("Listed in the public directory"), default=False)
    # Set by the nightly dues check: in arrears for over a year, waiting for the lapse
    # review. Never changes the status by itself.
    lapse_flagged_on = models.DateField(_("Flagged for lapse review"), null=True, blank=True)
    note = models.TextField(_("Note"), max_length=2000, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("Created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("Updated at"), auto_now=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("Member")
        verbose_name_plural = _("Members")
        ordering = ["number"]
        permissions = [
            ("import_member", _("Import the member roster")),
            ("export_member", _("Export member lists")),
            ("change_member_status", _("Change member status")),
        ]
        constraints = [
            # An enterprise is a member once at a time.
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=models.Q(status__in=["active", "suspended"]),
                name="member_enterprise_once",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="enterprise") | models.Q(enterprise__isnull=False),
                name="member_enterprise_has_enterprise",
            ),
        ]
        indexes = [
            models.Index(fields=["street", "status"], name="member_street_status_idx"),
            models.Index(fields=["kind", "status"], name="member_kind_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.display_name}"

    @property
    def display_name(self) -> str:
        if self.kind == MemberKind.ENTERPRISE and self.enterprise_id:
            return self.enterprise.name
        if self.kind == MemberKind.GROUP:
            return self.chamber.name if self.chamber_id else self.group_name
        return self.person_name

    @property
    def is_current(self) -> bool:
        return self.status in CURRENT_STATUSES

    def clean(self) -> None:
        if self.kind == MemberKind.ENTERPRISE and not self.enterprise_id:
            raise ValidationError({"enterprise": _("An enterprise member needs an enterprise.")})
        if self.kind == MemberKind.GROUP and not (self.chamber_id or self.group_name):
            raise ValidationError(
                {"group_name": _("A group member needs a chamber or an association name.")}
            )
        if self.kind == MemberKind.PERSON and not self.person_name:
            raise ValidationError({"person_name": _("An individual member needs a name.")})


class MemberCounter(models.Model):
    """会员编号计数器: the last sequence number given under one prefix (e.g. "CY2025").

    Only ever increases, so a number is never given twice even after a member leaves;
    the row is locked (SELECT ... FOR UPDATE) while a number is taken."""

    key = models.CharField(_("Prefix"), max_length=30, unique=True)
    last = models.PositiveIntegerField(_("Last number given"), default=0)

    class Meta:
        verbose_name = _("Member number counter")
        verbose_name_plural = _("Member number counters")

    def __str__(self) -> str:
        return f"{self.key}: {self.last}"


class MemberStatusChange(models.Model):
    """会员状态变更: one step of a member's status history, with its date and reason."""

    member = models.ForeignKey(
        Member,
        verbose_name=_("Member"),
        on_delete=models.CASCADE,
        related_name="status_changes",
    )
    from_status = models.CharField(
        _("From"), max_length=12, choices=MemberStatus.choices, blank=True
    )
    to_status = models.CharField(_("To"), max_length=12, choices=MemberStatus.choices)
    date = models.DateField(_("Date"))
    reason = models.CharField(_("Reason"), max_length=200, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("Recorded at"), auto_now_add=True)

    objects = MemberStatusChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("Member status change")
        verbose_name_plural = _("Member status changes")
        ordering = ["member", "-date", "-id"]

    def __str__(self) -> str:
        return f"{self.member_id} {self.from_status}→{self.to_status} {self.date}"


# --- Posts and terms ----------------------------------------------------------------


class Post(models.TextChoices):
    """职务: the FIC's posts and a chamber's posts (each body has its own 会员)."""

    CHAIR = "chair", _("Chair")
    VICE_CHAIR = "vice_chair", _("Vice chair")
    STANDING = "standing", _("Standing committee member")
    EXECUTIVE = "executive", _("Executive committee member")
    FIC_MEMBER = "fic_member", _("Member")
    PRESIDENT = "president", _("President")
    VICE_PRESIDENT = "vice_president", _("Vice president")
    SECRETARY_GENERAL = "secretary_general", _("Secretary-general")
    DIRECTOR = "director", _("Director")
    CHAMBER_MEMBER = "chamber_member", _("Chamber member")


FIC_POSTS = (Post.CHAIR, Post.VICE_CHAIR, Post.STANDING, Post.EXECUTIVE, Post.FIC_MEMBER)
CHAMBER_POSTS = (
    Post.PRESIDENT,
    Post.VICE_PRESIDENT,
    Post.SECRETARY_GENERAL,
    Post.DIRECTOR,
    Post.CHAMBER_MEMBER,
)
# 常务委员会 and 执行委员会: who sits on each (the executive committee includes the
# standing committee, which includes the chair and vice chairs).
STANDING_COMMITTEE_POSTS = (Post.CHAIR, Post.VICE_CHAIR, Post.STANDING)
EXECUTIVE_COMMITTEE_POSTS = (*STANDING_COMMITTEE_POSTS, Post.EXECUTIVE)
# Order of rank, for lists.
POST_RANK = {post: rank for rank, post in enumerate([*FIC_POSTS, *CHAMBER_POSTS])}


class Term(models.Model):
    """届: a numbered term of the FIC's council (no chamber) or of one chamber's."""

    chamber = models.ForeignKey(
        "registry.Chamber",
        verbose_name=_("Chamber"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty for a term of the FIC itself."),
    )
    number = models.PositiveSmallIntegerField(_("Term number"))
    start = models.DateField(_("Start"))
    end = models.DateField(_("End"), null=True, blank=True)

    objects = TermQuerySet.as_manager()

    class Meta:
        verbose_name = _("Term")
        verbose_name_plural = _("Terms")
        ordering = ["chamber", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["number"],
                condition=models.Q(chamber__isnull=True),
                name="term_fic_number_unique",
            ),
            models.UniqueConstraint(
                fields=["chamber", "number"],
                condition=models.Q(chamber__isnull=False),
                name="term_chamber_number_unique",
            ),
        ]

    def __str__(self) -> str:
        return _("Term %(number)d") % {"number": self.number}

    @property
    def body_name(self) -> str:
        return self.chamber.name if self.chamber_id else str(_("The FIC"))

    def clean(self) -> None:
        if self.end and self.end < self.start:
            raise ValidationError({"end": _("The end cannot be before the start.")})


class PostHolding(models.Model):
    """任职: a member holding a post in a term, from a start to an end. Rows are never
    rewritten with another post or member: a change ends one row and starts another."""

    member = models.ForeignKey(
        Member, verbose_name=_("Member"), on_delete=models.PROTECT, related_name="posts"
    )
    term = models.ForeignKey(
        Term, verbose_name=_("Term"), on_delete=models.PROTECT, related_name="holdings"
    )
    post = models.CharField(_("Post"), max_length=20, choices=Post.choices)
    start = models.DateField(_("Start"))
    end = models.DateField(_("End"), null=True, blank=True)
    end_reason = models.CharField(_("Reason for leaving"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("Recorded at"), auto_now_add=True)

    objects = PostHoldingQuerySet.as_manager()

    class Meta:
        verbose_name = _("Post held")
        verbose_name_plural = _("Posts held")
        ordering = ["term", "post", "start", "id"]
        indexes = [models.Index(fields=["post", "end"], name="post_holding_post_end_idx")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.get_post_display()} {self.start}"

    def is_current_on(self, day) -> bool:
        return self.start <= day and (self.end is None or self.end >= day)


# --- Chambers -----------------------------------------------------------------------


class ChamberProfile(models.Model):
    """商会详情: a chamber's registration and contact details, on top of registry.Chamber
    (which keeps its name, kind, 街乡 and founding date)."""

    chamber = models.OneToOneField(
        "registry.Chamber",
        verbose_name=_("Chamber"),
        on_delete=models.CASCADE,
        related_name="profile",
    )
    registration_number = models.CharField(
        _("Registration certificate number"), max_length=30, blank=True
    )
    registration_authority = models.CharField(
        _("Registration authority"), max_length=100, blank=True
    )
    registered_on = models.DateField(_("Registered on"), null=True, blank=True)
    supervisor = models.CharField(_("Supervising body"), max_length=100, blank=True)
    address = models.CharField(_("Address"), max_length=200, blank=True)
    contact_name = models.CharField(_("Contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("Contact phone"), max_length=30, blank=True)
    introduction = models.TextField(_("Introduction"), max_length=4000, blank=True)
    updated_at = models.DateTimeField(_("Updated at"), auto_now=True)

    objects = ChamberProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("Chamber details")
        verbose_name_plural = _("Chamber details")

    def __str__(self) -> str:
        return str(self.chamber)


class ChamberActivity(models.Model):
    """商会活动: an activity a chamber held, with its date and participants."""

    chamber = models.ForeignKey(
        "registry.Chamber",
        verbose_name=_("Chamber"),
        on_delete=models.CASCADE,
        related_name="activities",
    )
    date = models.DateField(_("Date"))
    title = models.CharField(_("Title"), max_length=200)
    participants = models.TextField(
        _("Participants"),
        max_length=4000,
        blank=True,
        help_text=_("Names of participants, separated by commas or 、."),
    )
    participant_count = models.PositiveIntegerField(_("Number of participants"), default=0)
    description = models.TextField(_("Description"), max_length=4000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("Recorded at"), auto_now_add=True)

    objects = ChamberActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("Chamber activity")
        verbose_name_plural = _("Chamber activities")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.date} {self.title}"


# --- Dues ---------------------------------------------------------------------------


class DuesRate(models.Model):
    """会费标准: the yearly dues of a kind of member, or of the holders of a post (the
    highest rate that applies to a member is charged)."""

    kind = models.CharField(_("Member kind"), max_length=12, choices=MemberKind.choices)
    post = models.CharField(
        _("Post"),
        max_length=20,
        choices=Post.choices,
        blank=True,
        help_text=_("Empty: every member of this kind."),
    )
    amount = models.DecimalField(_("Yearly amount (yuan)"), **MONEY)

    class Meta:
        verbose_name = _("Dues rate")
        verbose_name_plural = _("Dues rates")
        ordering = ["kind", "post"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "post"], name="dues_rate_unique"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="dues_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.get_post_display()} {self.amount}"


class DuesCharge(models.Model):
    """应缴会费: what a member owes for one year, fixed when the year is assessed."""

    member = models.ForeignKey(
        Member, verbose_name=_("Member"), on_delete=models.CASCADE, related_name="dues"
    )
    year = models.PositiveSmallIntegerField(_("Year"))
    amount = models.DecimalField(_("Amount due (yuan)"), **MONEY)
    paid = models.DecimalField(_("Paid (yuan)"), default=0, **MONEY)
    due_date = models.DateField(_("Due date"))
    created_at = models.DateTimeField(_("Assessed at"), auto_now_add=True)

    objects = DuesChargeQuerySet.as_manager()

    class Meta:
        verbose_name = _("Dues for a year")
        verbose_name_plural = _("Dues for a year")
        ordering = ["member", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="dues_charge_once_a_year")
        ]
        indexes = [models.Index(fields=["due_date"], name="dues_charge_due_idx")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.year}"

    @property
    def outstanding(self):
        return max(self.amount - self.paid, 0)


class PaymentMethod(models.TextChoices):
    TRANSFER = "transfer", _("Bank transfer")
    CASH = "cash", _("Cash")
    WECHAT = "wechat", _("WeChat Pay")
    ALIPAY = "alipay", _("Alipay")
    OTHER = "other", _("Other")


class DuesPayment(models.Model):
    """会费缴纳: a payment recorded by staff, with its receipt number."""

    member = models.ForeignKey(
        Member, verbose_name=_("Member"), on_delete=models.PROTECT, related_name="payments"
    )
    year = models.PositiveSmallIntegerField(_("For year"))
    amount = models.DecimalField(_("Amount (yuan)"), **MONEY)
    paid_on = models.DateField(_("Paid on"))
    method = models.CharField(_("Method"), max_length=10, choices=PaymentMethod.choices)
    receipt_number = models.CharField(_("Receipt number"), max_length=40, unique=True)
    note = models.CharField(_("Note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("Recorded at"), auto_now_add=True)

    objects = DuesPaymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("Dues payment")
        verbose_name_plural = _("Dues payments")
        ordering = ["-paid_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="dues_payment_positive")
        ]

    def __str__(self) -> str:
        return f"{self.receipt_number} {self.amount}"


class ReminderStage(models.TextChoices):
    BEFORE = "before", _("Before the due date")
    OVERDUE = "overdue", _("After the due date")


class DuesReminder(models.Model):
    """会费提醒: one reminder sent for one year's dues (each stage at most once)."""

    charge = models.ForeignKey(
        DuesCharge, verbose_name=_("Dues"), on_delete=models.CASCADE, related_name="reminders"
    )
    stage = models.CharField(_("Stage"), max_length=10, choices=ReminderStage.choices)
    messages = models.PositiveIntegerField(_("Messages queued"), default=0)
    sent_at = models.DateTimeField(_("Sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("Dues reminder")
        verbose_name_plural = _("Dues reminders")
        constraints = [
            models.UniqueConstraint(fields=["charge", "stage"], name="dues_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.charge} {self.stage}"


# --- Roster import ------------------------------------------------------------------


class ImportStatus(models.TextChoices):
    INVALID = "invalid", _("Has errors")
    VALIDATED = "validated", _("Ready to import")
    APPLIED = "applied", _("Imported")
    ABANDONED = "abandoned", _("Cancelled")


class MemberImport(models.Model):
    """会员名册导入: an uploaded roster, validated in full before anything is written."""

    # Uploads nobody finished are given up and their files deleted after a day
    # (apps/enterprises/imports/sweep.py).
    UNFINISHED_STATUSES = (ImportStatus.INVALID, ImportStatus.VALIDATED)
    GIVEN_UP_STATUS = ImportStatus.ABANDONED

    status = models.CharField(_("Status"), max_length=10, choices=ImportStatus.choices)
    original_name = models.CharField(_("File name"), max_length=255)
    # A random name under MEDIA_ROOT/imports, never the uploaded name.
    stored_path = models.CharField(max_length=255, editable=False)
    size = models.PositiveBigIntegerField(_("Size (bytes)"))
    digest = models.CharField(_("File digest"), max_length=64)
    total_rows = models.PositiveIntegerField(_("Rows"), default=0)
    error_count = models.PositiveIntegerField(_("Errors"), default=0)
    # Every error (row, column, value, reason): a roster is a few thousand rows at most.
    errors = models.JSONField(default=list, blank=True)
    # The first rows as they will be imported, for the preview.
    preview = models.JSONField(default=list, blank=True)
    created_count = models.PositiveIntegerField(_("Members created"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("Uploaded at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("Finished at"), null=True, blank=True)

    objects = MemberImportQuerySet.as_manager()

    class Meta:
        verbose_name = _("Roster import")
        verbose_name_plural = _("Roster imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.original_name


# Membership applications and certificates (入会申请, 会员证): apps/members/models_applications.py.
from .models_applications import (  # noqa: E402
    Application,
    ApplicationAttachment,
    ApplicationStep,
    Certificate,
)

__all__ = ["Application", "ApplicationAttachment", "ApplicationStep", "Certificate"]
