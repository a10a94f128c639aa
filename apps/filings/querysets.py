from apps.core.scoping import ScopedQuerySet, ScopeKind


class CampaignQuerySet(ScopedQuerySet):
    """Campaigns are the district's: staff and street officers see every campaign (each
    sees only its own 街乡's rows inside); an enterprise sees the campaigns it is asked in."""

    scope_paths = {ScopeKind.STREETS: None, ScopeKind.ENTERPRISE: "filings__enterprise__uscc"}


class FilingQuerySet(ScopedQuerySet):
    # ``street`` is copied from the enterprise when the target is made, so a street
    # officer's queue needs no join and keeps the 街乡 the campaign was opened for.
    scope_paths = {ScopeKind.STREETS: "street", ScopeKind.ENTERPRISE: "enterprise__uscc"}


class FilingSubmissionQuerySet(ScopedQuerySet):
    scope_paths = {
        ScopeKind.STREETS: "filing__street",
        ScopeKind.ENTERPRISE: "filing__enterprise__uscc",
    }


class FilingReviewQuerySet(FilingSubmissionQuerySet):
    pass


class ReminderQuerySet(ScopedQuerySet):
    scope_paths = {ScopeKind.STREETS: "street", ScopeKind.ENTERPRISE: "enterprise__uscc"}
