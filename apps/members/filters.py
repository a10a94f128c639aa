"""Filters of the staff member list (and its export, which reuses them), and of the
public directory.

Every filter is an explicit field: nothing from the query string reaches ``filter(**...)``
without passing a whitelist.
"""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.registry.models import Chamber, Industry, Street

from .models import Member, MemberKind, MemberStatus, Post

YES, NO = "yes", "no"
YES_NO = [(YES, _("Yes")), (NO, _("No"))]


def section_choices() -> list[tuple[str, str]]:
    rows = Industry.objects.filter(level=Industry.Level.SECTION).order_by("code")
    return [(code, f"{code} {name}") for code, name in rows.values_list("code", "name")]


def search(queryset, value: str):
    value = (value or "").strip()[:60]
    if not value:
        return queryset
    return queryset.filter(
        Q(number__icontains=value)
        | Q(enterprise__name__icontains=value)
        | Q(enterprise__uscc__istartswith=value.upper())
        | Q(group_name__icontains=value)
        | Q(chamber__name__icontains=value)
        | Q(person_name__icontains=value)
    )


class MemberFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    kind = django_filters.ChoiceFilter(label=_("Member kind"), choices=MemberKind.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=MemberStatus.choices)
    post = django_filters.ChoiceFilter(label=_("Post"), choices=Post.choices, method="filter_post")
    chamber = django_filters.ModelChoiceFilter(
        label=_("Chamber"), queryset=Chamber.objects.all(), field_name="chambers"
    )
    street = django_filters.ModelChoiceFilter(label=_("Street"), queryset=Street.objects.all())
    section = django_filters.ChoiceFilter(
        label=_("Section"), choices=section_choices, field_name="enterprise__section"
    )
    arrears = django_filters.ChoiceFilter(
        label=_("In arrears"), choices=YES_NO, method="filter_arrears"
    )
    lapse = django_filters.ChoiceFilter(
        label=_("Flagged for lapse review"), choices=YES_NO, method="filter_lapse"
    )

    class Meta:
        model = Member
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        return search(queryset, value)

    def filter_post(self, queryset, name, value):
        return queryset.holding([value], timezone.localdate())

    def filter_arrears(self, queryset, name, value):
        owing = queryset.in_arrears(timezone.localdate())
        if value == YES:
            return owing
        return queryset.exclude(pk__in=owing.values("pk"))

    def filter_lapse(self, queryset, name, value):
        return queryset.filter(lapse_flagged_on__isnull=(value != YES))


class DirectoryFilterSet(django_filters.FilterSet):
    """The public directory: a name, a kind, a chamber. Nothing else is searchable."""

    q = django_filters.CharFilter(label=_("Name"), method="filter_q")
    kind = django_filters.ChoiceFilter(label=_("Member kind"), choices=MemberKind.choices)
    chamber = django_filters.ModelChoiceFilter(
        label=_("Chamber"),
        queryset=Chamber.objects.filter(active=True),
        field_name="chambers",
    )

    class Meta:
        model = Member
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        value = (value or "").strip()[:60]
        if not value:
            return queryset
        return queryset.filter(
            Q(enterprise__name__icontains=value)
            | Q(group_name__icontains=value)
            | Q(chamber__name__icontains=value)
            | Q(person_name__icontains=value)
        )
