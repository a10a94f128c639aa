"""Data scope: which rows a user may see. Every read in the platform passes here.

A user's scope is one of: the whole district, a set of 街乡, a set of chambers,
or one enterprise. A model says how its rows relate to each kind of scope by
listing lookup paths on its queryset class; a kind it does not list sees nothing.
"""

from dataclasses import dataclass, field
from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _


class ScopeKind(models.TextChoices):
    DISTRICT = "district", _("Whole district")
    STREETS = "streets", _("Selected streets")
    CHAMBERS = "chambers", _("Selected chambers")
    ENTERPRISE = "enterprise", _("Own enterprise")


class Grade(models.IntegerChoices):
    """How much detail a role may see. Higher includes lower."""

    NONE = 0, _("None")
    AGGREGATE = 1, _("Aggregates only")
    RECORDS = 2, _("Records")
    PERSONAL = 3, _("Records with personal data")


@dataclass(frozen=True)
class Scope:
    kind: str
    street_ids: frozenset[int] = field(default_factory=frozenset)
    chamber_ids: frozenset[int] = field(default_factory=frozenset)
    uscc: str = ""

    @classmethod
    def nothing(cls) -> "Scope":
        return cls(kind="")

    def cache_parts(self) -> list:
        """The scope as part of a cache key: answers cached for one scope never reach
        another."""
        return [self.kind, sorted(self.street_ids), sorted(self.chamber_ids), self.uscc]


def scope_of(user) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope.nothing()
    return user.data_scope


class ScopedQuerySet(models.QuerySet):
    """Base queryset for every model that belongs to a 街乡, a chamber or an enterprise.

    Subclasses set ``scope_paths``: scope kind -> lookup path to the street id,
    chamber id or credit code. ``None`` means every user with that kind of
    scope sees all rows (reference data).
    """

    scope_paths: ClassVar[dict[str, str | None]] = {}

    def in_scope(self, user) -> "ScopedQuerySet":
        scope = scope_of(user)
        if scope.kind == ScopeKind.DISTRICT:
            return self.all()
        if scope.kind not in self.scope_paths:
            return self.none()
        path = self.scope_paths[scope.kind]
        if path is None:
            return self.all()
        if scope.kind == ScopeKind.STREETS:
            rows = self.filter(**{f"{path}__in": scope.street_ids})
        elif scope.kind == ScopeKind.CHAMBERS:
            rows = self.filter(**{f"{path}__in": scope.chamber_ids})
        elif scope.kind == ScopeKind.ENTERPRISE and scope.uscc:
            rows = self.filter(**{path: scope.uscc})
        else:
            return self.none()
        # A path through a many-valued relation can repeat a row.
        return rows.distinct() if self._is_multivalued(path) else rows

    def _is_multivalued(self, path: str) -> bool:
        model = self.model
        for name in path.split("__"):
            if name == "pk":
                return False
            field = model._meta.get_field(name)
            if field.many_to_many or field.one_to_many:
                return True
            if not field.is_relation:
                return False
            model = field.related_model
        return False


def narrow_form_to_scope(form, user) -> None:
    """Limit every model choice in a form to the rows the user may see."""
    for form_field in form.fields.values():
        queryset = getattr(form_field, "queryset", None)
        if queryset is not None and hasattr(queryset, "in_scope"):
            form_field.queryset = queryset.in_scope(user)
