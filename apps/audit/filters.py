import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent, Result


class AuditEventFilter(django_filters.FilterSet):
    start = django_filters.DateFilter(
        field_name="at",
        lookup_expr="date__gte",
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = django_filters.DateFilter(
        field_name="at",
        lookup_expr="date__lte",
        label=_("To"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    actor = django_filters.CharFilter(
        field_name="actor_username", lookup_expr="icontains", label=_("Username")
    )
    action = django_filters.CharFilter(lookup_expr="startswith", label=_("Action"))
    object_type = django_filters.CharFilter(label=_("Object type"))
    object_id = django_filters.CharFilter(label=_("Object id"))
    ip = django_filters.CharFilter(label=_("IP address"))
    result = django_filters.ChoiceFilter(choices=Result.choices, label=_("Result"))

    class Meta:
        model = AuditEvent
        fields: list[str] = []
