"""Filters of the people list (and of its exports, which reuse them).

Every filter is an explicit field: nothing from the query string reaches ``filter(**...)``
without passing a whitelist. The search box finds a name (any part of it) or pinyin
initials ("zs" → 张三); for users who may see personal data, a full ID number or mobile
finds its person through the blind index — nothing is decrypted to search.
"""

import re

import django_filters
from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.masking import can_see_personal
from apps.enterprises.search import normalise
from apps.registry.models import Industry

from . import idcard
from .fields import index_for
from .models import (
    DEMOCRATIC_PARTIES,
    Affiliation,
    ArrangementKind,
    Level,
    Person,
    PoliticalArrangement,
    TalentTag,
)

DEMOCRATIC = "democratic"
EVALUATION_CHOICES = [
    ("valid", _("Valid")),
    ("expiring", _("Expiring within 90 days")),
    ("expired", _("Expired")),
    ("none", _("Never evaluated")),
    ("ineligible", _("Not eligible for nomination")),
]
_INITIALS = re.compile(r"^[a-z]{1,10}$")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def affiliation_choices() -> list[tuple[str, str]]:
    return [(DEMOCRATIC, _("Any democratic party")), *Affiliation.choices]


def section_choices() -> list[tuple[str, str]]:
    rows = Industry.objects.filter(level=Industry.Level.SECTION).order_by("code")
    return [(code, f"{code} {name}") for code, name in rows.values_list("code", "name")]


def search(queryset, value: str, user):
    value = (value or "").strip()[:60]
    if not value:
        return queryset
    compact = idcard.normalise(value)
    if can_see_personal(user):
        if len(compact) == 18:
            index = index_for(Person._meta.get_field("id_number"), compact)
            return queryset.filter(id_number_index=index)
        if _MOBILE.match(compact):
            index = index_for(Person._meta.get_field("mobile"), compact)
            return queryset.filter(mobile_index=index)
    text = normalise(value)
    lowered = text.lower()
    condition = Q(name__icontains=text) | Q(name__icontains=value)
    if _INITIALS.match(lowered):
        condition |= Q(name_initials__startswith=lowered)
    return queryset.filter(condition)


class PersonFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    affiliation = django_filters.ChoiceFilter(
        label=_("Political affiliation"), choices=affiliation_choices, method="filter_affiliation"
    )
    arrangement = django_filters.ChoiceFilter(
        label=_("Arrangement"), choices=ArrangementKind.choices, method="filter_arrangement"
    )
    level = django_filters.ChoiceFilter(
        label=_("Arrangement level"), choices=Level.choices, method="filter_arrangement"
    )
    evaluation = django_filters.ChoiceFilter(
        label=_("Comprehensive evaluation"), choices=EVALUATION_CHOICES, method="filter_evaluation"
    )
    section = django_filters.ChoiceFilter(
        label=_("Section of the enterprise"),
        choices=section_choices,
        field_name="enterprise__section",
    )
    tag = django_filters.ModelChoiceFilter(
        label=_("Talent tag"), queryset=TalentTag.objects.all(), field_name="tags"
    )

    class Meta:
        model = Person
        fields = ["q", "affiliation", "arrangement", "level", "evaluation", "section", "tag"]

    def filter_q(self, queryset, name, value):
        return search(queryset, value, getattr(self.request, "user", None))

    def filter_affiliation(self, queryset, name, value):
        if value == DEMOCRATIC:
            return queryset.filter(affiliation__in=DEMOCRATIC_PARTIES)
        return queryset.filter(affiliation=value)

    def filter_arrangement(self, queryset, name, value):
        # Kind and level together mean one current arrangement of that kind at that level.
        data = self.form.cleaned_data
        kind, level = data.get("arrangement"), data.get("level")
        if name == "level" and kind:
            return queryset  # applied with the kind
        today = timezone.localdate()
        seats = PoliticalArrangement.objects.current_on(today).filter(person=OuterRef("pk"))
        if kind:
            seats = seats.filter(kind=kind)
        if level:
            seats = seats.filter(level=level)
        return queryset.filter(Exists(seats))

    def filter_evaluation(self, queryset, name, value):
        return queryset.evaluation_status(
            value, timezone.localdate(), settings.PEOPLE_EVALUATION_WARN_DAYS
        )

    def filter_queryset(self, queryset):
        # evaluation_status reads the annotation of with_evaluation().
        if "evaluation_until" not in queryset.query.annotations:
            queryset = queryset.with_evaluation()
        return super().filter_queryset(queryset)


def sensitive_query(value: str | None) -> bool:
    """A search box value that is a full ID number or mobile (never logged or stored)."""
    compact = idcard.normalise(value or "")
    return len(compact) == 18 or bool(_MOBILE.match(compact))


def safe_params(params) -> dict[str, str]:
    """The list's query string for logs: a full ID number or mobile in the search box is
    masked (the export log and the audit trail must hold no personal data in clear)."""
    from apps.core.masking import mask_id_number, mask_phone

    safe = {}
    for key, value in params.items():
        if key in {"export", "page"}:
            continue
        if key == "q" and sensitive_query(value):
            compact = idcard.normalise(value)
            value = mask_id_number(compact) if len(compact) == 18 else mask_phone(compact)
        safe[key] = str(value)[:200]
    return safe
