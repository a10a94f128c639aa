from apps.core.scoping import ScopedQuerySet, ScopeKind


class EnterpriseQuerySet(ScopedQuerySet):
    scope_paths = {ScopeKind.STREETS: "street", ScopeKind.ENTERPRISE: "uscc"}


class LedgerEntryQuerySet(ScopedQuerySet):
    scope_paths = {
        ScopeKind.STREETS: "enterprise__street",
        ScopeKind.ENTERPRISE: "enterprise__uscc",
    }


class EnterpriseNoteQuerySet(ScopedQuerySet):
    scope_paths = {
        ScopeKind.STREETS: "enterprise__street",
        ScopeKind.ENTERPRISE: "enterprise__uscc",
    }


class LedgerFlagQuerySet(ScopedQuerySet):
    scope_paths = {
        ScopeKind.STREETS: "entry__enterprise__street",
        ScopeKind.ENTERPRISE: "entry__enterprise__uscc",
    }


class ImportJobQuerySet(ScopedQuerySet):
    """Import jobs are their uploader's: a user sees the jobs they started."""

    def in_scope(self, user):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(created_by=user)
