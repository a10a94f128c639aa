"""Reads of the people database. People are district-level data kept by FIC staff: only a
whole-district scope sees any row (street officers, chamber staff and enterprise accounts see
none, whatever permissions they are given — decision 0015)."""

from datetime import date, timedelta

from django.db.models import CharField, DateField, OuterRef, Q, Subquery

from apps.core.scoping import ScopedQuerySet


class PersonQuerySet(ScopedQuerySet):
    scope_paths: dict = {}  # only ScopeKind.DISTRICT (handled by in_scope itself)

    def with_evaluation(self) -> "PersonQuerySet":
        """Annotate the latest evaluation's grade and end of validity (no extra query)."""
        from .models import Evaluation

        latest = Evaluation.objects.filter(person=OuterRef("pk")).order_by("-evaluated_on", "-id")
        return self.annotate(
            evaluation_grade=Subquery(latest.values("grade")[:1], output_field=CharField()),
            evaluation_until=Subquery(latest.values("valid_until")[:1], output_field=DateField()),
        )

    def evaluation_status(self, status: str, today: date, warn_days: int) -> "PersonQuerySet":
        """valid (not expiring soon) | expiring (within warn_days) | expired | none.
        Needs with_evaluation()."""
        soon = today + timedelta(days=warn_days)
        if status == "valid":
            return self.filter(evaluation_until__gte=soon)
        if status == "expiring":
            return self.filter(evaluation_until__gte=today, evaluation_until__lt=soon)
        if status == "expired":
            return self.filter(evaluation_until__lt=today)
        if status == "none":
            return self.filter(evaluation_until__isnull=True)
        if status == "eligible":
            return self.filter(evaluation_until__gte=today)
        if status == "ineligible":
            return self.filter(Q(evaluation_until__lt=today) | Q(evaluation_until__isnull=True))
        return self


class PersonPartQuerySet(ScopedQuerySet):
    """Arrangements, honours, training, evaluations: seen with their person."""

    scope_paths: dict = {}

    def current_on(self, day: date):
        return self.filter(start__lte=day).filter(Q(end__isnull=True) | Q(end__gte=day))


class OwnedQuerySet(ScopedQuerySet):
    """Rows that are one user's own (imports, export requests): the uploader or requester
    sees theirs; approvers see export requests through their own selector."""

    def in_scope(self, user):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return super().in_scope(user).filter(**{self.owner_field: user})

    owner_field = "created_by"
