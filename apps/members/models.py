from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .querysets import MemberQuerySet, MemberStatusChangeQuerySet


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
