from apps.core.scoping import ScopedQuerySet, ScopeKind


class EnterpriseLinkQuerySet(ScopedQuerySet):
    """Reviewers see the requests of their 街乡; FIC staff (whole district) see all, including
    those for credit codes not in the database (no street). An enterprise account reads its
    own requests through ``of_user``, never through a scope."""

    scope_paths = {ScopeKind.STREETS: "street"}

    def of_user(self, user):
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


class InvitationQuerySet(ScopedQuerySet):
    scope_paths = {ScopeKind.STREETS: "street"}
