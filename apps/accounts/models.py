from datetime import timedelta
from functools import cached_property

from django.conf import settings
from django.contrib.auth.models import AbstractUser, Group
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.scoping import Grade, Scope, ScopeKind

from .access import access_of
from .validators import validate_mobile

# Holding any of these makes a second factor mandatory (SECURITY.md 2). The people database
# (统战人士) is reached only with a second factor, whatever the grade (issue 7).
MFA_PERMISSIONS = ("accounts.manage_users", "accounts.manage_roles", "people.view_person")


class Department(models.Model):
    """部门: a node of the FIC's department tree."""

    name = models.CharField(_("Name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("Parent department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    order = models.PositiveIntegerField(_("Order"), default=0)

    class Meta:
        verbose_name = _("Department")
        verbose_name_plural = _("Department")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="department_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    def ancestors(self) -> list["Department"]:
        chain, node, seen = [], self.parent, set()
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            chain.append(node)
            node = node.parent
        return list(reversed(chain))


class Role(models.Model):
    """角色: a named permission set (a Django group) with a detail grade."""

    group = models.OneToOneField(Group, on_delete=models.CASCADE, related_name="role")
    description = models.CharField(_("Description"), max_length=200, blank=True)
    grade = models.PositiveSmallIntegerField(
        _("Detail grade"), choices=Grade.choices, default=Grade.AGGREGATE
    )
    builtin = models.BooleanField(_("Built-in role"), default=False)

    class Meta:
        verbose_name = _("Role")
        verbose_name_plural = _("Role")
        ordering = ["group__name"]
        permissions = [("manage_roles", _("Manage roles and permissions"))]

    def __str__(self) -> str:
        return self.group.name


class UserKind(models.TextChoices):
    STAFF = "staff", _("FIC staff")
    LEADER = "leader", _("Leader")
    STREET_OFFICER = "street_officer", _("Street officer")
    ENTERPRISE = "enterprise", _("Enterprise user")


class User(AbstractUser):
    """用户: a person who signs in, with a kind, a department and a data scope."""

    full_name = models.CharField(_("Name of person"), max_length=50, blank=True)
    # For SMS notifications (apps.core.notify); personal data, masked on screen.
    mobile = models.CharField(
        _("Mobile phone"), max_length=11, blank=True, validators=[validate_mobile]
    )
    kind = models.CharField(_("User kind"), max_length=20, choices=UserKind.choices)
    department = models.ForeignKey(
        Department,
        verbose_name=_("Department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    scope_kind = models.CharField(
        _("Data scope"), max_length=20, choices=ScopeKind.choices, default=ScopeKind.STREETS
    )
    scope_streets = models.ManyToManyField(
        "registry.Street", verbose_name=_("Streets in scope"), blank=True, related_name="+"
    )
    scope_chambers = models.ManyToManyField(
        "registry.Chamber", verbose_name=_("Chambers in scope"), blank=True, related_name="+"
    )
    # The enterprise is named by credit code so accounts need not depend on the
    # enterprises module, which sits above it.
    scope_uscc = models.CharField(_("Credit code of own enterprise"), max_length=18, blank=True)
    password_changed_at = models.DateTimeField(_("Password changed at"), null=True, blank=True)
    password_rotation = models.BooleanField(
        _("Periodic password change"),
        default=False,
        help_text=_("When on, the password must be changed every 90 days."),
    )
    must_change_password = models.BooleanField(
        _("Must change password at next sign-in"), default=False
    )
    # Bumped whenever what this account may do changes (roles, their permissions or
    # grade, streets, chambers): cached permissions are keyed by it (accounts/access.py).
    access_stamp = models.PositiveIntegerField(default=0, editable=False)

    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = _("User")
        verbose_name_plural = _("User")
        ordering = ["username"]
        permissions = [("manage_users", _("Manage users"))]

    def __str__(self) -> str:
        return self.full_name or self.username

    @cached_property
    def data_scope(self) -> Scope:
        if self.is_superuser or self.scope_kind == ScopeKind.DISTRICT:
            return Scope(kind=ScopeKind.DISTRICT)
        if self.scope_kind == ScopeKind.STREETS:
            return Scope(kind=ScopeKind.STREETS, street_ids=access_of(self).street_ids)
        if self.scope_kind == ScopeKind.CHAMBERS:
            return Scope(kind=ScopeKind.CHAMBERS, chamber_ids=access_of(self).chamber_ids)
        if self.scope_kind == ScopeKind.ENTERPRISE:
            return Scope(kind=ScopeKind.ENTERPRISE, uscc=self.scope_uscc)
        return Scope.nothing()

    @cached_property
    def grade(self) -> int:
        return access_of(self).grade

    def save(self, *args, **kwargs):
        # access_stamp is only ever raised by accounts.access.bump, in SQL: an instance
        # loaded before a bump must not write its older stamp back and revive a stale
        # cache entry.
        if not self._state.adding and self.pk is not None and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name != "access_stamp"
            ]
        super().save(*args, **kwargs)

    @property
    def requires_mfa(self) -> bool:
        if self.grade >= Grade.PERSONAL or self.is_superuser:
            return True
        return any(self.has_perm(perm) for perm in MFA_PERMISSIONS)

    @property
    def password_expired(self) -> bool:
        if self.must_change_password:
            return True
        if not self.password_rotation:
            return False
        changed = self.password_changed_at or self.date_joined
        return timezone.now() - changed > timedelta(days=settings.PASSWORD_MAX_AGE_DAYS)

    def set_password(self, raw_password):
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()
