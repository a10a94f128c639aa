from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .querysets import EnterpriseLinkQuerySet, InvitationQuerySet


class LinkStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Invitation(models.Model):
    """企业邀请码: a one-time code staff give an enterprise of the database; registering with
    it links the new account at once. Only a keyed hash of the code is stored."""

    uscc = models.CharField(_("Unified social credit code"), max_length=18)
    enterprise_name = models.CharField(_("Enterprise name"), max_length=200)
    # The enterprise's 街乡 when the code was made: who may see the invitation.
    street = models.ForeignKey(
        "registry.Street",
        verbose_name=_("Street"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    code_digest = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Invited by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("Created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("Expires at"))
    used_at = models.DateTimeField(_("Used at"), null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Used by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("Invitation code")
        verbose_name_plural = _("Invitation codes")
        ordering = ["-created_at", "-id"]
        permissions = [("invite_enterprise", _("Invite enterprises to register"))]

    def __str__(self) -> str:
        return f"{self.enterprise_name} ({self.uscc})"

    @property
    def is_used(self) -> bool:
        return self.used_at is not None

    @property
    def is_expired(self) -> bool:
        return not self.is_used and self.expires_at <= timezone.now()


class EnterpriseLink(models.Model):
    """企业账户关联申请: an enterprise account's request to act for one enterprise (by credit
    code). A street officer of the enterprise's 街乡 or FIC staff approves or rejects it;
    approval gives the account its enterprise scope and the 企业用户 role."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Enterprise account"),
        on_delete=models.CASCADE,
        related_name="enterprise_links",
    )
    uscc = models.CharField(_("Unified social credit code"), max_length=18, db_index=True)
    name = models.CharField(_("Enterprise name as given"), max_length=200)
    # What the enterprise database said when the request came in ("" if not there).
    registry_name = models.CharField(
        _("Enterprise name in the database"), max_length=200, blank=True
    )
    in_registry = models.BooleanField(_("In the enterprise database"), default=False)
    street = models.ForeignKey(
        "registry.Street",
        verbose_name=_("Street"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    contact_name = models.CharField(_("Contact person"), max_length=50)
    # Plain text like the enterprises' contact phones until the crypto provider encrypts
    # personal data (SECURITY.md 8); shown masked below the personal-data grade.
    mobile = models.CharField(_("Mobile phone"), max_length=11)
    email = models.EmailField(_("Email"), blank=True)
    invitation = models.ForeignKey(
        Invitation,
        verbose_name=_("Invitation code"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="links",
    )
    status = models.CharField(
        _("Status"), max_length=10, choices=LinkStatus.choices, default=LinkStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("Decided at"), null=True, blank=True)
    reason = models.CharField(_("Decision reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("Submitted at"), auto_now_add=True)

    objects = EnterpriseLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("Enterprise account request")
        verbose_name_plural = _("Enterprise account requests")
        ordering = ["-created_at", "-id"]
        permissions = [("review_enterprise_link", _("Review enterprise account requests"))]
        indexes = [models.Index(fields=["status", "street"], name="portal_link_status_street")]

    def __str__(self) -> str:
        return f"{self.name} ({self.uscc})"

    @property
    def name_mismatch(self) -> bool:
        """The name given differs from the database's: the reviewer should check it."""
        return self.in_registry and _compact(self.name) != _compact(self.registry_name)


def _compact(name: str) -> str:
    # Full-width brackets and spaces are the usual harmless differences.
    table = str.maketrans({"（": "(", "）": ")", " ": None, "\u3000": None})
    return (name or "").translate(table)
