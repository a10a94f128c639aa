import django_filters
from django.utils.translation import gettext_lazy as _

from .models import Chamber, DictionaryItem, Street


class ChamberFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains", label=_("Name"))
    kind = django_filters.ChoiceFilter(choices=Chamber.Kind.choices, label=_("Kind"))
    street = django_filters.ModelChoiceFilter(queryset=Street.objects.all(), label=_("Street"))

    class Meta:
        model = Chamber
        fields: list[str] = []


class DictionaryFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=DictionaryItem.Kind.choices, label=_("Dictionary"))

    class Meta:
        model = DictionaryItem
        fields: list[str] = []
