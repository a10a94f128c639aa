"""Filters of the enterprise list (and of its exports, which reuse them).

Every filter is an explicit field: nothing from the query string reaches
``filter(**...)`` or ``order_by(...)`` without passing a whitelist.
"""

import hashlib

import django_filters
from django import forms
from django.core.cache import cache
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.scoping import scope_of
from apps.registry.models import DictionaryItem, Industry, Street

from .models import (
    NON_PUBLIC_TYPES,
    Enterprise,
    LedgerEntry,
    LedgerSource,
    MemberStatus,
    RegistrationType,
    SizeClass,
    Status,
)
from .selectors import enterprise_search

YES, NO = "yes", "no"
YES_NO = [(YES, _("Yes")), (NO, _("No"))]

# Whitelisted sort keys: URL value -> (field or annotation, nullable). A leading "-" sorts
# descending. Anything else is ignored and the list sorts by name.
SORTS = {
    "name": ("name", False),
    "uscc": ("uscc", False),
    "established": ("established", True),
    "capital": ("registered_capital", True),
    "size": ("size_rank", False),
}
SORT_CHOICES = [
    ("name", _("Name A→Z")),
    ("-name", _("Name Z→A")),
    ("uscc", _("Credit code")),
    ("-established", _("Newest established first")),
    ("established", _("Oldest established first")),
    ("-capital", _("Largest registered capital first")),
    ("capital", _("Smallest registered capital first")),
    ("size", _("Largest size class first")),
    ("-size", _("Smallest size class first")),
]


def recent_periods(count: int = 12) -> list[tuple[str, str]]:
    """The last `count` quarters, newest first, as ("2025-3", "2025 Q3")."""
    today = timezone.localdate()
    index = today.year * 4 + (today.month - 1) // 3  # the current quarter, 0-based
    periods = []
    for i in range(count):
        year, quarter = divmod(index - i, 4)
        periods.append((f"{year}-{quarter + 1}", f"{year} Q{quarter + 1}"))
    return periods


def street_choices(user) -> list[tuple[str, str]]:
    """The streets in the user's scope, cached per scope for a few minutes."""
    scope = scope_of(user)
    raw = f"{scope.kind}:{sorted(scope.street_ids)}:{sorted(scope.chamber_ids)}:{scope.uscc}"
    key = "enterprises:street-choices:" + hashlib.sha256(raw.encode()).hexdigest()
    choices = cache.get(key)
    if choices is None:
        rows = Street.objects.in_scope(user).order_by("code")
        choices = [(str(pk), name) for pk, name in rows.values_list("pk", "short_name")]
        cache.set(key, choices, 300)
    return choices


def tag_choices() -> list[tuple[str, str]]:
    """Enterprise tags from the dictionary (an administrator's edit shows within a minute)."""
    choices = cache.get("enterprises:tag-choices")
    if choices is None:
        rows = DictionaryItem.objects.filter(kind=DictionaryItem.Kind.ENTERPRISE_TAG)
        choices = [
            (str(pk), label)
            for pk, label in rows.order_by("order", "code").values_list("pk", "label")
        ]
        cache.set("enterprises:tag-choices", choices, 60)
    return choices


def industry_choices(level: int, section: str = "") -> list[tuple[str, str]]:
    """(code, name) of sections or divisions. GB/T 4754 is reference data that changes
    with a new edition of the standard, so the list page keeps it in the cache."""
    key = f"enterprises:industry-choices:{level}:{section}"
    choices = cache.get(key)
    if choices is None:
        rows = Industry.objects.filter(level=level)
        if section:
            rows = rows.filter(section=section)
        choices = list(rows.order_by("code").values_list("code", "name"))
        cache.set(key, choices, 600)
    return choices


class EnterpriseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_q",
        label=_("Search"),
        widget=forms.TextInput(
            attrs={"placeholder": _("Name, former name, credit code or pinyin initials")}
        ),
    )
    # Streets and tags are plain choices filled per request from the cache (narrowed to
    # the user's scope), rather than model choices that cost queries on every page.
    street = django_filters.ChoiceFilter(
        choices=[], field_name="street_id", label=_("Street"), empty_label=_("All streets")
    )
    section = django_filters.ChoiceFilter(
        choices=[], label=_("Industry section"), empty_label=_("All sections")
    )
    division = django_filters.ChoiceFilter(
        choices=[], label=_("Industry division"), empty_label=_("All divisions")
    )
    size_class = django_filters.ChoiceFilter(
        choices=SizeClass.choices, label=_("Size class"), empty_label=_("All sizes")
    )
    tag = django_filters.ChoiceFilter(
        choices=[],
        method="filter_tag",
        label=_("Tag"),
        empty_label=_("All tags"),
    )
    member_status = django_filters.ChoiceFilter(
        choices=MemberStatus.choices, label=_("Member status"), empty_label=_("Any")
    )
    status = django_filters.ChoiceFilter(
        choices=Status.choices, label=_("Status"), empty_label=_("Any")
    )
    registration_type = django_filters.ChoiceFilter(
        choices=RegistrationType.choices, label=_("Registration type"), empty_label=_("Any")
    )
    non_public = django_filters.ChoiceFilter(
        choices=YES_NO, method="filter_non_public", label=_("Non-public"), empty_label=_("Any")
    )
    period = django_filters.ChoiceFilter(
        choices=[],
        method="filter_noop",
        label=_("Filing period"),
        empty_label=_("Any period"),
    )
    filed = django_filters.ChoiceFilter(
        choices=[(YES, _("Has filed")), (NO, _("Has not filed"))],
        method="filter_noop",
        label=_("Filed for the period"),
        empty_label=_("Either"),
    )
    sort = django_filters.ChoiceFilter(
        choices=SORT_CHOICES, method="filter_noop", label=_("Sort by"), empty_label=None
    )

    class Meta:
        model = Enterprise
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        section = (self.data or {}).get("section") or ""
        # Divisions follow the chosen section; without one every division is offered.
        divisions = industry_choices(Industry.Level.DIVISION, section)
        division = (self.data or {}).get("division")
        if division and section and division not in {code for code, _name in divisions}:
            # The section changed under a division of another section: drop the division
            # rather than show an error for a choice the user no longer sees. (Before the
            # form is first built: it reads self.data once.)
            self.data = self.data.copy()
            self.data.pop("division")
        # Choices read from the database are filled per request (django-filter's
        # choice fields do not take callables).
        fields = self.form.fields
        fields["section"].choices = [
            ("", _("All sections")),
            *industry_choices(Industry.Level.SECTION),
        ]
        fields["division"].choices = [("", _("All divisions"))] + [
            (code, f"{code} {name}") for code, name in divisions
        ]
        fields["period"].choices = [("", _("Any period")), *recent_periods()]
        user = getattr(self.request, "user", None)
        fields["street"].choices = [("", _("All streets")), *street_choices(user)]
        fields["tag"].choices = [("", _("All tags")), *tag_choices()]
        fields["sort"].required = False

    def filter_q(self, queryset, name, value):
        return enterprise_search(queryset, value)

    def filter_tag(self, queryset, name, value):
        # A subquery, not a join: a join through the tag table would repeat rows.
        links = Enterprise.tags.through.objects.filter(dictionaryitem_id=value)
        return queryset.filter(pk__in=links.values("enterprise_id"))

    def filter_non_public(self, queryset, name, value):
        if value == YES:
            return queryset.filter(registration_type__in=NON_PUBLIC_TYPES)
        return queryset.exclude(registration_type__in=NON_PUBLIC_TYPES)

    def filter_noop(self, queryset, name, value):
        return queryset  # applied together in filter_queryset / by the view

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        period = self.form.cleaned_data.get("period")
        filed = self.form.cleaned_data.get("filed")
        if period and filed:
            year, quarter = (int(part) for part in period.split("-"))
            filing = LedgerEntry.objects.filter(
                enterprise=OuterRef("pk"), year=year, quarter=quarter, source=LedgerSource.FILING
            )
            has = Exists(filing)
            queryset = queryset.filter(has if filed == YES else ~has)
        return queryset

    @property
    def sort_value(self) -> str:
        value = self.form.cleaned_data.get("sort") if hasattr(self.form, "cleaned_data") else ""
        return value if value and value.lstrip("-") in SORTS else "name"

    def clean_summary(self) -> dict[str, str]:
        """The filters in force, as labels a reader understands (for export headers)."""
        summary = {}
        if not self.is_bound or not self.form.is_valid():
            return summary
        for name, value in self.form.cleaned_data.items():
            if value in (None, "", []) or name == "sort":
                continue
            field = self.form.fields[name]
            label = str(field.label)
            if hasattr(field, "choices"):
                value = dict(field.choices).get(value, value)
            summary[label] = str(value)
        return summary
