"""Reads of the portal. Everything the portal reads from the enterprise database goes
through this module, so the dependency on apps.enterprises stays in one place."""

from django.contrib.auth.models import Permission
from django.db.models import Q, QuerySet

from apps.accounts.models import User
from apps.core.scoping import ScopeKind
from apps.enterprises.models import Enterprise, LedgerEntry
from apps.registry.models import Street

from .models import EnterpriseLink, LinkStatus

REVIEW_PERMISSION = ("portal", "review_enterprise_link")


def registry_enterprise(uscc: str) -> Enterprise | None:
    """The enterprise with this credit code, for the system's own checks (the public
    registration asks about it): callers show the applicant nothing of it."""
    if not uscc:
        return None
    return Enterprise.objects.filter(uscc=uscc).select_related("street").first()


def enterprise_in_scope(user, uscc: str) -> Enterprise | None:
    """The enterprise with this credit code if ``user`` may see it."""
    if not uscc:
        return None
    return Enterprise.objects.in_scope(user).filter(uscc=uscc).select_related("street").first()


def own_enterprise(user) -> Enterprise | None:
    """An enterprise account's own enterprise (its scope is that one credit code)."""
    return Enterprise.objects.in_scope(user).select_related("street", "industry").first()


def latest_ledger(user, enterprise: Enterprise) -> LedgerEntry | None:
    return (
        LedgerEntry.objects.in_scope(user)
        .filter(enterprise=enterprise)
        .order_by("-year", "-quarter")
        .first()
    )


def linked_accounts(uscc: str) -> QuerySet[User]:
    """Active accounts that already act for this enterprise (approved through the portal
    or created by an administrator with this credit code)."""
    return User.objects.filter(
        scope_kind=ScopeKind.ENTERPRISE, scope_uscc=uscc, is_active=True
    ).exclude(scope_uscc="")


def reviewers_for(street: Street | None) -> QuerySet[User]:
    """Who reviews requests of this 街乡: active holders of the review permission whose
    scope is the whole district or includes the street (FIC staff alone when no street)."""
    app_label, codename = REVIEW_PERMISSION
    perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
    if perm is None:
        return User.objects.none()
    holders = Q(groups__permissions=perm) | Q(user_permissions=perm)
    where = Q(scope_kind=ScopeKind.DISTRICT)
    if street is not None:
        where |= Q(scope_kind=ScopeKind.STREETS, scope_streets=street)
    ids = User.objects.filter(holders, where, is_active=True).values("pk")
    return User.objects.filter(pk__in=ids).order_by("username")


def pending_links(user) -> QuerySet[EnterpriseLink]:
    return EnterpriseLink.objects.in_scope(user).filter(status=LinkStatus.PENDING)


def latest_link(user) -> EnterpriseLink | None:
    """The account's own latest request, for the waiting page."""
    return EnterpriseLink.objects.of_user(user).select_related("street").first()
