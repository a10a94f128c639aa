from apps.core.scoping import ScopedQuerySet, ScopeKind


class MemberQuerySet(ScopedQuerySet):
    # A street officer sees the members of their 街乡; chamber staff the members of their
    # chambers (a member may belong to several, hence distinct in in_scope).
    scope_paths = {ScopeKind.STREETS: "street", ScopeKind.CHAMBERS: "chambers"}


class MemberStatusChangeQuerySet(ScopedQuerySet):
    scope_paths = {
        ScopeKind.STREETS: "member__street",
        ScopeKind.CHAMBERS: "member__chambers",
    }
