from datetime import date

from django.db.models import Exists, F, OuterRef, Q

from apps.core.scoping import ScopedQuerySet, ScopeKind


class MemberQuerySet(ScopedQuerySet):
    # A street officer sees the members of their 街乡; chamber staff the members of their
    # chambers (a member may belong to several, hence distinct in in_scope).
    scope_paths = {ScopeKind.STREETS: "street", ScopeKind.CHAMBERS: "chambers"}

    def current(self) -> "MemberQuerySet":
        """On the rolls: full members and suspended ones."""
        return self.filter(status__in=["active", "suspended"])

    def in_arrears(self, on: date) -> "MemberQuerySet":
        from .models import DuesCharge

        owing = DuesCharge.objects.filter(
            member=OuterRef("pk"), due_date__lt=on, paid__lt=F("amount")
        )
        return self.filter(Exists(owing))

    def holding(self, posts, on: date) -> "MemberQuerySet":
        from .models import PostHolding

        held = PostHolding.objects.filter(member=OuterRef("pk"), post__in=posts, start__lte=on)
        held = held.filter(Q(end__isnull=True) | Q(end__gte=on))
        return self.filter(Exists(held))


class MemberStatusChangeQuerySet(ScopedQuerySet):
    scope_paths = {
        ScopeKind.STREETS: "member__street",
        ScopeKind.CHAMBERS: "member__chambers",
    }


class TermQuerySet(ScopedQuerySet):
    """Terms are reference data for staff and street officers; chamber staff see the terms
    of their own chambers."""

    scope_paths = {ScopeKind.STREETS: None, ScopeKind.CHAMBERS: "chamber"}


class PostHoldingQuerySet(ScopedQuerySet):
    # Chamber staff see the posts of their own chambers, not the FIC's posts of their members.
    scope_paths = {ScopeKind.STREETS: "member__street", ScopeKind.CHAMBERS: "term__chamber"}

    def current_on(self, on: date) -> "PostHoldingQuerySet":
        return self.filter(start__lte=on).filter(Q(end__isnull=True) | Q(end__gte=on))


class ChamberProfileQuerySet(ScopedQuerySet):
    scope_paths = {ScopeKind.STREETS: "chamber__street", ScopeKind.CHAMBERS: "chamber"}


class ChamberActivityQuerySet(ScopedQuerySet):
    scope_paths = {ScopeKind.STREETS: "chamber__street", ScopeKind.CHAMBERS: "chamber"}


class DuesChargeQuerySet(ScopedQuerySet):
    scope_paths = {ScopeKind.STREETS: "member__street", ScopeKind.CHAMBERS: "member__chambers"}

    def outstanding(self) -> "DuesChargeQuerySet":
        return self.filter(paid__lt=F("amount"))


class DuesPaymentQuerySet(ScopedQuerySet):
    scope_paths = {ScopeKind.STREETS: "member__street", ScopeKind.CHAMBERS: "member__chambers"}


class MemberImportQuerySet(ScopedQuerySet):
    """Roster imports are their uploader's: a user sees the imports they started."""

    def in_scope(self, user):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(created_by=user)
