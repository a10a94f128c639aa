"""Models of membership applications (入会申请) and certificates (会员证).

Imported by apps/members/models.py; the code that uses them lives in
apps/members/applications/ and apps/members/certificates/.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.scoping import ScopedQuerySet, ScopeKind


class ApplicationKind(models.TextChoices):
    # The same codes as MemberKind: an application of a kind becomes a member of that kind.
    ENTERPRISE = "enterprise", _("Enterprise member")
    GROUP = "group", _("Group member")
    PERSON = "person", _("Individual member")


class ApplicationStatus(models.TextChoices):
    """提交 → 初审 → 审批 → 入会; or 退回 (to the applicant) or 驳回 (final)."""

    SUBMITTED = "submitted", _("Awaiting preliminary review")
    REVIEWED = "reviewed", _("Awaiting approval")
    RETURNED = "returned", _("Returned for more information")
    ADMITTED = "admitted", _("Admitted")
    REJECTED = "rejected", _("Not admitted")


OPEN_STATUSES = frozenset(
    {ApplicationStatus.SUBMITTED, ApplicationStatus.REVIEWED, ApplicationStatus.RETURNED}
)


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class ApplicationQuerySet(ScopedQuerySet):
    # Street officers see the applications of their 街乡; chambers and enterprises none.
    scope_paths = {ScopeKind.STREETS: "street"}

    def open(self) -> "ApplicationQuerySet":
        return self.filter(status__in=OPEN_STATUSES)


class Application(models.Model):
    """入会申请: one application for membership made on the public form, with its review."""

    reference = models.CharField(_("Reference number"), max_length=20, unique=True)
    kind = models.CharField(_("Member kind"), max_length=12, choices=ApplicationKind.choices)
    status = models.CharField(
        _("Status"),
        max_length=12,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
    )
    street = models.ForeignKey(
        "registry.Street", verbose_name=_("Street"), on_delete=models.PROTECT, related_name="+"
    )
    # An enterprise or a group (团体): the organisation.
    uscc = models.CharField(_("Unified social credit code"), max_length=18, blank=True)
    org_name = models.CharField(_("Organisation name"), max_length=200, blank=True)
    legal_representative = models.CharField(_("Legal representative"), max_length=50, blank=True)
    industry = models.ForeignKey(
        "registry.Industry",
        verbose_name=_("Industry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    employees = models.PositiveIntegerField(_("Employees"), null=True, blank=True)
    # A group that is one of the FIC's own chambers.
    chamber = models.ForeignKey(
        "registry.Chamber",
        verbose_name=_("Chamber"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    address = models.CharField(_("Postal address"), max_length=200, blank=True)
    # A person (个人会员).
    person_name = models.CharField(_("Personal name"), max_length=50, blank=True)
    gender = models.CharField(_("Gender"), max_length=6, choices=Gender.choices, blank=True)
    employer = models.CharField(_("Employer"), max_length=100, blank=True)
    position = models.CharField(_("Position"), max_length=50, blank=True)
    # Everyone: whom to contact. For a person this is the applicant.
    contact_name = models.CharField(_("Contact person"), max_length=50)
    mobile = models.CharField(_("Mobile phone"), max_length=20)
    email = models.EmailField(_("Email"), blank=True)
    introduction = models.TextField(_("Introduction"), max_length=2000, blank=True)
    consent_at = models.DateTimeField(_("Privacy notice accepted at"))
    sensitive_consent_at = models.DateTimeField(
        _("Consent to sensitive personal data at"), null=True, blank=True
    )
    # The enterprise of the database with this credit code, when there is one.
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("Enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # What the reviewer should look at (an existing member, another open application…),
    # worked out at each submission; the review page recomputes them.
    duplicate_flags = models.JSONField(_("Possible duplicates"), default=list, blank=True)
    submitted_at = models.DateTimeField(_("Submitted at"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Preliminary review by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("Preliminary review at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("Decided at"), null=True, blank=True)
    meeting_name = models.CharField(_("Meeting"), max_length=100, blank=True)
    meeting_date = models.DateField(_("Meeting date"), null=True, blank=True)
    # Why it was returned or rejected: the applicant reads this.
    reason = models.TextField(_("Reason given to the applicant"), max_length=1000, blank=True)
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("Member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("Created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("Updated at"), auto_now=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("Membership application")
        verbose_name_plural = _("Membership applications")
        ordering = ["-submitted_at", "-id"]
        permissions = [
            ("review_application", _("Preliminary review of membership applications")),
            ("approve_application", _("Approve membership applications")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="enterprise") | ~models.Q(uscc=""),
                name="application_enterprise_has_uscc",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="admitted") | models.Q(member__isnull=False),
                name="application_admitted_has_member",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "street"], name="application_status_street_idx"),
            models.Index(fields=["uscc"], name="application_uscc_idx"),
            models.Index(fields=["mobile"], name="application_mobile_idx"),
            models.Index(fields=["person_name"], name="application_person_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.applicant_name}"

    @property
    def applicant_name(self) -> str:
        return self.person_name if self.kind == ApplicationKind.PERSON else self.org_name

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class AttachmentSlot(models.TextChoices):
    LICENCE = "licence", _("Business licence (copy)")
    REGISTRATION = "registration", _("Registration certificate of the organisation")
    ID_SCAN = "id_scan", _("Identity card (scan of both sides)")
    OTHER = "other", _("Other supporting document")


class ApplicationAttachmentQuerySet(ScopedQuerySet):
    scope_paths = {ScopeKind.STREETS: "application__street"}


class ApplicationAttachment(models.Model):
    """申请附件: a file uploaded with an application (营业执照, 身份证 …), stored under a random
    name outside the web root and served only to reviewers."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("Application"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    slot = models.CharField(_("Document"), max_length=20, choices=AttachmentSlot.choices)
    file = models.FileField(_("File"), max_length=200)
    original_name = models.CharField(_("File name as uploaded"), max_length=200)
    content_type = models.CharField(_("Type"), max_length=50)
    size = models.PositiveIntegerField(_("Size (bytes)"))
    digest = models.CharField(_("SM3 digest"), max_length=64)
    # A document replaced when the applicant answered a return is kept, no longer current.
    current = models.BooleanField(_("Current"), default=True)
    uploaded_at = models.DateTimeField(_("Uploaded at"), auto_now_add=True)

    objects = ApplicationAttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("Application attachment")
        verbose_name_plural = _("Application attachments")
        ordering = ["application", "slot", "-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_slot_display()} {self.original_name}"

    @property
    def is_sensitive(self) -> bool:
        return self.slot == AttachmentSlot.ID_SCAN


class StepAction(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    RESUBMITTED = "resubmitted", _("Submitted again with more information")
    REVIEWED = "reviewed", _("Passed preliminary review")
    RETURNED = "returned", _("Returned for more information")
    REJECTED = "rejected", _("Rejected")
    ADMITTED = "admitted", _("Approved and admitted")


class ApplicationStepQuerySet(ScopedQuerySet):
    scope_paths = {ScopeKind.STREETS: "application__street"}


class ApplicationStep(models.Model):
    """申请流转记录: one step of an application's way through the review."""

    application = models.ForeignKey(
        Application, verbose_name=_("Application"), on_delete=models.CASCADE, related_name="steps"
    )
    action = models.CharField(_("Step"), max_length=12, choices=StepAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("By"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("Remarks"), max_length=1000, blank=True)
    at = models.DateTimeField(_("At"), auto_now_add=True)

    objects = ApplicationStepQuerySet.as_manager()

    class Meta:
        verbose_name = _("Application step")
        verbose_name_plural = _("Application steps")
        ordering = ["application", "at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.action}"


class CertificateQuerySet(ScopedQuerySet):
    scope_paths = {ScopeKind.STREETS: "member__street", ScopeKind.CHAMBERS: "member__chambers"}


class Certificate(models.Model):
    """会员证: a membership certificate issued to a member, with the verification code printed
    on it. A new issue replaces the previous one (which then verifies as replaced)."""

    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("Member"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    serial = models.PositiveIntegerField(_("Issue"))
    code = models.CharField(_("Certificate verification code"), max_length=32, unique=True)
    issued_on = models.DateField(_("Issued on"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Issued by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    replaced_at = models.DateTimeField(_("Replaced at"), null=True, blank=True)
    created_at = models.DateTimeField(_("Created at"), auto_now_add=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("Membership certificate")
        verbose_name_plural = _("Membership certificates")
        ordering = ["member", "-serial"]
        permissions = [("issue_certificate", _("Issue membership certificates"))]
        constraints = [
            models.UniqueConstraint(fields=["member", "serial"], name="certificate_serial_once"),
            models.UniqueConstraint(
                fields=["member"],
                condition=models.Q(replaced_at__isnull=True),
                name="certificate_one_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} #{self.serial}"

    @property
    def is_current(self) -> bool:
        return self.replaced_at is None
