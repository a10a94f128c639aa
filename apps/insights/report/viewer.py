"""Whom a report or a big screen is for: a scope and a grade, with no account behind it.

The selectors read "as a user": they ask the user's data scope (apps.core.scoping.scope_of)
and grade. A report of a 街乡 at aggregates grade must show exactly what an aggregates
reader of that 街乡 sees on the dashboard, whoever asked for it; a display token has no
account at all. A Viewer answers those two questions and nothing else: it holds no
permission, so it can open no page.
"""

from dataclasses import dataclass

from apps.core.scoping import Grade, Scope, ScopeKind


@dataclass(frozen=True)
class Viewer:
    street_id: int | None  # None: the whole district
    grade: int = Grade.AGGREGATE

    is_authenticated = True
    is_active = True
    is_superuser = False
    is_anonymous = False
    pk = None

    @property
    def data_scope(self) -> Scope:
        if self.street_id is None:
            return Scope(kind=ScopeKind.DISTRICT)
        return Scope(kind=ScopeKind.STREETS, street_ids=frozenset({self.street_id}))

    def has_perm(self, perm: str, obj=None) -> bool:
        return False

    def get_username(self) -> str:
        return ""
