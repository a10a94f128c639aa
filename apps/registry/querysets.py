from apps.core.scoping import ScopedQuerySet, ScopeKind


class StreetQuerySet(ScopedQuerySet):
    scope_paths = {ScopeKind.STREETS: "pk"}


class ChamberQuerySet(ScopedQuerySet):
    # A street officer sees the chambers of their 街乡; a chamber user sees their own.
    scope_paths = {ScopeKind.STREETS: "street", ScopeKind.CHAMBERS: "pk"}
